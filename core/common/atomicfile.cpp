#include "core/common/atomicfile.h"

#include "core/common/faultinjection.h"
#include "core/common/fileio.h"
#include "core/common/laberror.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lab {

namespace {

const QString tmpInfix = QStringLiteral(".tmp-");

// Removes "<name>.tmp-<pid>-*" files whose writer is gone (killed between creating and
// renaming them). Another live process's temporary file is left alone.
void removeOrphans(const QString &folder, const QString &name)
{
    const QDir dir(folder);
    for (const QString &entry : dir.entryList({name + tmpInfix + u'*'}, QDir::Files | QDir::Hidden | QDir::System)) {
        bool ok = false;
        const qint64 pid = entry.mid(name.size() + tmpInfix.size()).section(u'-', 0, 0).toLongLong(&ok);
        if (ok && pid > 0 && pid != ::getpid() && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
            QFile::remove(dir.filePath(entry));
    }
}

// mkdir -p that keeps the reason (QDir::mkpath only says false): 0 or an errno.
int makeFolders(const QString &folder)
{
    const QByteArray native = QFile::encodeName(folder);
    if (::mkdir(native.constData(), 0777) == 0 || errno == EEXIST)
        return QFileInfo(folder).isDir() ? 0 : ENOTDIR;
    if (errno != ENOENT)
        return errno;
    const QString parent = QFileInfo(folder).absolutePath();
    if (parent == folder)
        return ENOENT;
    if (const int error = makeFolders(parent))
        return error;
    return ::mkdir(native.constData(), 0777) == 0 || errno == EEXIST ? 0 : errno;
}

} // namespace

bool AtomicFile::isTemporaryName(const QString &fileName, const QString &target)
{
    if (!fileName.startsWith(target + u'.'))
        return false;
    const QString rest = fileName.mid(target.size() + 1);
    if (rest.startsWith(QStringLiteral("tmp-")))
        return true;
    // QSaveFile's template was "<name>.XXXXXX".
    if (rest.size() != 6)
        return false;
    for (QChar c : rest)
        if (!(c.isLetterOrNumber() && c.unicode() < 128))
            return false;
    return true;
}

void AtomicFile::write(const QString &path, const QByteArray &bytes)
{
    const QFileInfo info(path);
    const QString folder = info.absolutePath();
    if (const int error = makeFolders(folder))
        throw LabError(QStringLiteral("%1: cannot create folder %2: %3").arg(path, folder, FileIo::errorText(error)));
    removeOrphans(folder, info.fileName());

    // The temporary file is created beside the target (same file system, so rename is atomic).
    QString temporary;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temporary = QStringLiteral("%1/%2%3%4-%5").arg(folder, info.fileName(), tmpInfix).arg(qint64(::getpid()))
                        .arg(QRandomGenerator::global()->generate() % 1000000u, 6, 10, QChar(u'0'));
        fd = ::open(QFile::encodeName(temporary).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST && errno != EINTR)
            break;
    }
    if (fd < 0)
        throw LabError(QStringLiteral("%1: cannot write: %2").arg(path, FileIo::errorText(errno)));

    auto fail = [&](const QString &what, int error) {
        if (fd >= 0)
            ::close(fd);
        ::unlink(QFile::encodeName(temporary).constData());
        throw LabError(QStringLiteral("%1: %2: %3; the previous file is unchanged").arg(path, what, FileIo::errorText(error)));
    };

    const char *data = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, data, size_t(left));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail(QStringLiteral("write failed"), n < 0 ? errno : ENOSPC);
        data += n;
        left -= n;
    }
    // Data and size on disk before the name points at them: otherwise a power cut after
    // the rename can leave the new name with no content.
    if (::fsync(fd) != 0)
        fail(QStringLiteral("write failed"), errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0 && errno != EINTR)
        fail(QStringLiteral("write failed"), errno);
    if (const int injected = FaultInjection::saveStep(info.fileName()))
        fail(QStringLiteral("write failed (injected fault)"), injected);
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        fail(QStringLiteral("could not replace the file"), errno);
    if (const int error = FileIo::syncFolder(folder))
        throw LabError(QStringLiteral("%1: written, but its folder could not be synced to disk: %2").arg(path, FileIo::errorText(error)));
}

QString AtomicFile::createUnique(const QString &folder, const QString &base, const QString &suffix)
{
    if (const int error = makeFolders(folder))
        throw LabError(QStringLiteral("%1: cannot create folder: %2").arg(folder, FileIo::errorText(error)));
    for (int n = 1; n <= 1000; ++n) {
        const QString path = QStringLiteral("%1/%2%3%4").arg(folder, base, n == 1 ? QString() : QStringLiteral("-%1").arg(n), suffix);
        // O_EXCL: of two processes asking for the same name in the same second, one gets "-2".
        const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            ::close(fd);
            return path;
        }
        if (errno != EEXIST)
            throw LabError(QStringLiteral("%1/%2%3: cannot create: %4").arg(folder, base, suffix, FileIo::errorText(errno)));
    }
    throw LabError(QStringLiteral("%1/%2%3: no free name").arg(folder, base, suffix));
}

void AtomicFile::remove(const QString &path)
{
    const QFileInfo info(path);
    if (const int injected = FaultInjection::saveStep(QStringLiteral("remove ") + info.fileName()))
        throw LabError(QStringLiteral("%1: cannot remove (injected fault): %2").arg(path, FileIo::errorText(injected)));
    if (::unlink(QFile::encodeName(path).constData()) != 0) {
        if (errno == ENOENT)
            return;
        throw LabError(QStringLiteral("%1: cannot remove: %2").arg(path, FileIo::errorText(errno)));
    }
    if (const int error = FileIo::syncFolder(info.absolutePath()))
        throw LabError(QStringLiteral("%1: removed, but its folder could not be synced to disk: %2").arg(path, FileIo::errorText(error)));
}

} // namespace lab
