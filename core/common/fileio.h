#pragma once

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * Plain file reading with the operating system's real reason in every message: "not
 * found" only when the file is missing, "permission denied" for an unreadable folder,
 * "disk full" for ENOSPC… (QFile reports a folder it cannot search as a missing file and
 * often has no reason at all: "Unknown error").
 */
class FileIo
{
public:
    /** A short readable text for an errno value: "disk full (no space left on device)", "read-only file system"… */
    static QString errorText(int errnum);
    /**
     * The whole content of `path`. Throws LabError "<path>: <what> not found" when it does
     * not exist, otherwise "<path>: cannot read <what>: <reason>".
     */
    static QByteArray readAll(const QString &path, const QString &what);
    /** Flushes a folder's entries (a rename or an unlink inside it) to disk. Returns errno, 0 on success. */
    static int syncFolder(const QString &folder);
};

} // namespace lab
