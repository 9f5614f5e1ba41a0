#pragma once

// A real small file system for fault tests: a tmpfs of a few pages that really fills up
// (ENOSPC) and can be remounted read-only (EROFS). Mounting needs root (CI runs as root);
// elsewhere the test using it skips visibly, and fails in CI.

#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

class TmpfsMount
{
public:
    /** Mounts a tmpfs of `bytes` on a fresh temporary folder. */
    explicit TmpfsMount(qint64 bytes)
    {
        if (!m_dir.isValid())
            return;
        const QByteArray options = "size=" + QByteArray::number(bytes) + ",mode=0777";
        if (::mount("tmpfs", QFile::encodeName(m_dir.path()).constData(), "tmpfs", 0, options.constData()) == 0)
            m_mounted = true;
        else
            m_error = QString::fromLocal8Bit(std::strerror(errno));
    }
    ~TmpfsMount()
    {
        if (m_mounted)
            ::umount2(QFile::encodeName(m_dir.path()).constData(), MNT_DETACH);
    }

    bool mounted() const { return m_mounted; }
    QString error() const { return m_error; }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

    /** Remounts read-only (true) or read-write. */
    bool setReadOnly(bool readOnly)
    {
        const unsigned long flags = MS_REMOUNT | (readOnly ? MS_RDONLY : 0);
        return ::mount("tmpfs", QFile::encodeName(m_dir.path()).constData(), "tmpfs", flags, nullptr) == 0;
    }

    /** Writes filler files until the file system refuses another byte; returns the bytes written. */
    qint64 fill()
    {
        qint64 total = 0;
        const QByteArray block(4096, 'f');
        for (int i = 0;; ++i) {
            const int fd = ::open(QFile::encodeName(filePath(QStringLiteral("filler-%1").arg(i))).constData(),
                                  O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0)
                return total;
            bool full = false;
            for (ssize_t n; !full;) {
                n = ::write(fd, block.constData(), size_t(block.size()));
                if (n > 0)
                    total += n;
                full = n < block.size();
            }
            ::close(fd);
            // Also single bytes, so no page is left half free.
            const int tail = ::open(QFile::encodeName(filePath(QStringLiteral("filler-%1").arg(i))).constData(), O_WRONLY | O_APPEND);
            if (tail >= 0) {
                while (::write(tail, "x", 1) == 1)
                    ++total;
                ::close(tail);
            }
            if (i > 4)
                return total;
        }
    }

    /** Removes what fill() wrote. */
    void unfill()
    {
        for (const QString &name : QDir(path()).entryList({QStringLiteral("filler-*")}, QDir::Files))
            QFile::remove(filePath(name));
    }

private:
    QTemporaryDir m_dir;
    bool m_mounted = false;
    QString m_error;
};

#define TMPFS_OR_SKIP(var, bytes)                                                                        \
    TmpfsMount var(bytes);                                                                               \
    if (!var.mounted()) {                                                                                \
        const QString why = QStringLiteral("cannot mount a tmpfs (needs root): ") + var.error();        \
        if (TestData::inCi())                                                                            \
            QFAIL(qPrintable(why));                                                                      \
        QSKIP(qPrintable(why));                                                                          \
    }
