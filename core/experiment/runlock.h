#pragma once

#include <QString>

namespace lab {

/**
 * The lock a training process holds on its run folder: an flock() on "<run>/run.lock".
 * The kernel releases it when the process dies however it dies, so a lock is never stale:
 * a killed run can be resumed at once, without deleting anything by hand. Opening it
 * names the real reason when it cannot be taken (read-only folder, permission denied, disk
 * full, or the pid of the process that holds it).
 */
class RunLock
{
public:
    explicit RunLock(QString folder);
    ~RunLock();
    RunLock(const RunLock &) = delete;
    RunLock &operator=(const RunLock &) = delete;

    /**
     * Takes the lock and removes temporary files left in the folder by a killed writer.
     * Throws LabError naming the folder and the reason.
     */
    void acquire();
    /** Releases the lock and removes run.lock. */
    void release();

    /** True when a live process holds the folder's lock (never for a dead one). */
    static bool isHeld(const QString &folder);

private:
    QString m_folder;
    int m_fd = -1;
};

} // namespace lab
