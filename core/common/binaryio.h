#pragma once

#include <QByteArray>
#include <QtEndian>

#include <zlib.h>

namespace lab {

/**
 * The two pieces the lab's binary files (.mnlm models, .mnck checkpoints) are framed with:
 * big-endian sizes and a CRC-32 over everything before it. Header-only, so the fuzzers'
 * torch-free build of the model-file parser needs nothing more.
 */
inline quint32 crc32Of(const char *data, qsizetype size)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib takes uInt lengths; feed large buffers in pieces.
    while (size > 0) {
        const uInt chunk = uInt(qMin<qsizetype>(size, 1 << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef *>(data), chunk);
        data += chunk;
        size -= chunk;
    }
    return quint32(crc);
}

template <typename T>
void appendBigEndian(QByteArray &out, T value)
{
    char bytes[sizeof(T)];
    qToBigEndian<T>(value, bytes);
    out.append(bytes, sizeof(T));
}

} // namespace lab
