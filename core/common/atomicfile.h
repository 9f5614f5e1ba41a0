#pragma once

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * Every file the lab writes goes through here: the bytes land in a temporary file beside
 * the target ("<name>.tmp-<pid>-<random>"), every write() and the fsync() are checked, and
 * only then is it renamed over the target and the folder synced. A failed or interrupted
 * write leaves the earlier file byte for byte; a full disk says "disk full", not
 * "Unknown error". Temporary files of processes that died mid-write are removed by the
 * next write of the same file.
 */
class AtomicFile
{
public:
    /** Writes `bytes` to `path` atomically, creating parent folders. Throws LabError. */
    static void write(const QString &path, const QByteArray &bytes);
    /** Removes `path` (missing is fine) and syncs its folder; a save step too. Throws LabError. */
    static void remove(const QString &path);
    /**
     * Reserves a new file name in `folder` (created if missing): creates "<base><suffix>"
     * empty and exclusively, or "<base>-2<suffix>", "-3"… when taken, so two processes
     * never get the same name. Returns its path; write() replaces it later. Throws LabError.
     */
    static QString createUnique(const QString &folder, const QString &base, const QString &suffix);
    /** True for a name this class uses for its temporary files (and QSaveFile's "<name>.XXXXXX" of older versions). */
    static bool isTemporaryName(const QString &fileName, const QString &target);
};

} // namespace lab
