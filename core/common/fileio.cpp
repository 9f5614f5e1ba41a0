#include "core/common/fileio.h"

#include "core/common/laberror.h"

#include <QFile>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lab {

QString FileIo::errorText(int errnum)
{
    switch (errnum) {
    case ENOSPC: return QStringLiteral("disk full (no space left on device)");
#ifdef EDQUOT
    case EDQUOT: return QStringLiteral("disk quota exceeded");
#endif
    case EROFS: return QStringLiteral("read-only file system");
    case EACCES:
    case EPERM: return QStringLiteral("permission denied");
    case ENOENT: return QStringLiteral("no such file or folder");
    case ENOTDIR: return QStringLiteral("a part of the path is a file, not a folder");
    case EISDIR: return QStringLiteral("is a folder, not a file");
    case EFBIG: return QStringLiteral("file too large (file system or process size limit)");
    case EMFILE:
    case ENFILE: return QStringLiteral("too many open files");
    case EIO: return QStringLiteral("input/output error (failing disk or lost network share?)");
    case ENAMETOOLONG: return QStringLiteral("file name too long");
    default: return QString::fromLocal8Bit(std::strerror(errnum));
    }
}

QByteArray FileIo::readAll(const QString &path, const QString &what)
{
    if (path.startsWith(u':')) {   // a Qt resource (the bundled model): not on the file system
        QFile resource(path);
        if (!resource.open(QIODevice::ReadOnly))
            throw LabError(QStringLiteral("%1: %2 not found").arg(path, what));
        return resource.readAll();
    }
    const QByteArray native = QFile::encodeName(path);
    int fd;
    do
        fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == ENOENT)
            throw LabError(QStringLiteral("%1: %2 not found").arg(path, what));
        throw LabError(QStringLiteral("%1: cannot read %2: %3").arg(path, what, errorText(errno)));
    }
    struct stat info{};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        throw LabError(QStringLiteral("%1: cannot read %2: %3").arg(path, what, errorText(EISDIR)));
    }
    // Straight into one buffer of the file's size (+1 to see the end): MNIST is 47 MB.
    QByteArray bytes(info.st_size > 0 ? qsizetype(info.st_size) + 1 : 4096, Qt::Uninitialized);
    qsizetype have = 0;
    for (;;) {
        if (have == bytes.size())
            bytes.resize(bytes.size() * 2);
        const ssize_t n = ::read(fd, bytes.data() + have, size_t(bytes.size() - have));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            throw LabError(QStringLiteral("%1: cannot read %2: %3").arg(path, what, errorText(error)));
        }
        if (n == 0)
            break;
        have += qsizetype(n);
    }
    bytes.truncate(have);
    ::close(fd);
    return bytes;
}

int FileIo::syncFolder(const QString &folder)
{
    const int fd = ::open(QFile::encodeName(folder).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int error = 0;
    // Some file systems cannot sync a folder (EINVAL); there is nothing more to do there.
    if (::fsync(fd) != 0 && errno != EINVAL)
        error = errno;
    ::close(fd);
    return error;
}

} // namespace lab
