#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

namespace lab {

/**
 * An idx file (the MNIST container): a big-endian header with a magic number
 * (0x0000, type 0x08 = unsigned byte, number of dimensions) and one 32-bit size per
 * dimension, then the bytes. Reads raw or gzip-compressed files; every check failure is
 * a LabError naming the file and what was wrong. A declared size is never trusted to
 * allocate memory before it has been checked against the file's real size.
 */
class IdxFile
{
public:
    QVector<int> dims;      ///< e.g. {60000, 28, 28} for images, {60000} for labels
    QByteArray bytes;       ///< product(dims) unsigned bytes

    int count() const { return dims.isEmpty() ? 0 : dims.first(); }
    /** Bytes per item: product of every dimension but the first. */
    qsizetype itemSize() const;

    /** Reads `path`; a name ending in .gz is inflated. Throws LabError. */
    static IdxFile read(const QString &path);
    /**
     * Parses an in-memory (already inflated) idx image; `name` is used in messages. Taken
     * by value: a caller that moves its buffer in avoids copying 47 MB of MNIST.
     */
    static IdxFile parse(QByteArray raw, const QString &name);
    /** Inflates gzip data, refusing more than `maxBytes` of output. Throws LabError. */
    static QByteArray gunzip(const QByteArray &gz, const QString &name, qsizetype maxBytes);

    /** Serialises to idx bytes (raw). */
    QByteArray serialize() const;
    /** Writes atomically; gzip-compressed if `path` ends in .gz. */
    void write(const QString &path) const;
};

} // namespace lab
