#pragma once

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * Every file the lab writes goes through here: the bytes land in a temporary file beside
 * the target and are renamed over it only when complete, so a failed or interrupted write
 * leaves the earlier file untouched.
 */
class AtomicFile
{
public:
    /** Writes `bytes` to `path` atomically, creating parent folders. Throws LabError. */
    static void write(const QString &path, const QByteArray &bytes);
};

} // namespace lab
