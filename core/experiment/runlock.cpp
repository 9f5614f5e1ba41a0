#include "core/experiment/runlock.h"

#include "core/common/atomicfile.h"
#include "core/common/fileio.h"
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"

#include <QDir>
#include <QFile>
#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lab {

namespace {

// The files a run folder holds whose writes may have left temporaries behind.
const char *const runFiles[] = {RunStore::recordFileName, RunStore::modelFileName, RunStore::checkpointFileName,
                                RunStore::bestModelFileName};

} // namespace

RunLock::RunLock(QString folder)
    : m_folder(std::move(folder))
{
}

RunLock::~RunLock()
{
    release();
}

void RunLock::acquire()
{
    if (m_fd >= 0)
        return;
    const QByteArray path = QFile::encodeName(RunStore::lockPath(m_folder));
    for (int attempt = 0; attempt < 10; ++attempt) {
        const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            throw LabError(QStringLiteral("%1: cannot lock the run (run.lock): %2").arg(m_folder, FileIo::errorText(errno)));
        }
        // isHeld() probes with a shared lock for a few microseconds: wait that out.
        int locked = ::flock(fd, LOCK_EX | LOCK_NB);
        for (int wait = 0; locked != 0 && errno == EWOULDBLOCK && wait < 10; ++wait) {
            ::usleep(10000);
            locked = ::flock(fd, LOCK_EX | LOCK_NB);
        }
        if (locked != 0) {
            const int error = errno;
            char pid[32] = {};
            const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
            ::close(fd);
            if (error == EWOULDBLOCK) {
                const QString owner = n > 0 ? QStringLiteral(" (pid %1)").arg(QString::fromLatin1(pid, int(n)).trimmed())
                                            : QString();
                throw LabError(QStringLiteral("%1: another process%2 is training this run").arg(m_folder, owner));
            }
            throw LabError(QStringLiteral("%1: cannot lock the run (run.lock): %2").arg(m_folder, FileIo::errorText(error)));
        }
        // The previous holder unlinks run.lock when it lets go; if it did so between our
        // open() and flock(), we hold a lock on a file nobody else will see: start over.
        struct stat held{}, named{};
        if (::fstat(fd, &held) != 0 || ::stat(path.constData(), &named) != 0 || held.st_ino != named.st_ino
            || held.st_dev != named.st_dev) {
            ::close(fd);
            continue;
        }
        // The pid is for people reading the folder (and for the message above); the lock
        // itself does not depend on it, so a full disk that refuses these bytes is fine.
        const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
        if (::ftruncate(fd, 0) == 0)
            (void)!::pwrite(fd, pid.constData(), size_t(pid.size()), 0);
        m_fd = fd;

        // We own the folder now: whatever temporary files are there belong to a writer that died.
        const QDir dir(m_folder);
        for (const QString &entry : dir.entryList(QDir::Files | QDir::Hidden | QDir::System)) {
            for (const char *file : runFiles) {
                if (AtomicFile::isTemporaryName(entry, QLatin1String(file))) {
                    QFile::remove(dir.filePath(entry));
                    break;
                }
            }
        }
        return;
    }
    throw LabError(QStringLiteral("%1: cannot lock the run: run.lock keeps changing").arg(m_folder));
}

void RunLock::release()
{
    if (m_fd < 0)
        return;
    // Unlink while still holding it, so nobody can lock the old file after we let go.
    ::unlink(QFile::encodeName(RunStore::lockPath(m_folder)).constData());
    ::close(m_fd);
    m_fd = -1;
}

bool RunLock::isHeld(const QString &folder)
{
    const int fd = ::open(QFile::encodeName(RunStore::lockPath(folder)).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;   // no lock file: nobody holds it
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    return held;
}

} // namespace lab
