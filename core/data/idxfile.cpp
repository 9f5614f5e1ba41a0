#include "core/data/idxfile.h"

#include "core/common/atomicfile.h"
#include "core/common/fileio.h"
#include "core/common/hugepages.h"
#include "core/common/laberror.h"

#include <QFile>
#include <QtEndian>
#include <zlib.h>

#ifdef LAB_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

namespace lab {

namespace {

// The largest idx payload we accept: well above MNIST's 47 MB, far below what would
// hurt a laptop. A header claiming more is malformed, whatever the file size says.
constexpr qsizetype maxIdxBytes = qsizetype(1) << 31;
// The longest idx header: magic + four dimensions.
constexpr qsizetype headerProbe = 4 + 4 * 4;

// The total size (header + data) an idx header declares, once `n` bytes of it are known:
// -1 while the header is incomplete, 0 when these bytes are no idx header at all (the
// parser then says why), else the size. Lets gunzip stop at what the header promised
// instead of inflating a gzip bomb up to the global limit.
qsizetype declaredIdxSize(const uchar *data, qsizetype n)
{
    if (n < 4)
        return -1;
    const int rank = data[3];
    if (data[0] != 0 || data[1] != 0 || data[2] != 0x08 || rank < 1 || rank > 4)
        return 0;
    const qsizetype headerSize = 4 + 4 * rank;
    if (n < headerSize)
        return -1;
    qsizetype total = 1;
    for (int i = 0; i < rank; ++i) {
        const quint32 dim = qFromBigEndian<quint32>(data + 4 + 4 * i);
        if (dim == 0 || dim > quint32(maxIdxBytes))
            return 0;
        total *= qsizetype(dim);
        if (total > maxIdxBytes)
            return 0;
    }
    return headerSize + total;
}

#ifdef LAB_HAVE_LIBDEFLATE
/**
 * The total size the idx header at the start of gzip data `gz` declares, from its first few
 * inflated bytes (zlib, nothing large allocated); −1 when unknown, 0 when not an idx header.
 */
qsizetype gzippedIdxDeclaredSize(const QByteArray &gz)
{
    z_stream stream{};
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        return -1;
    uchar head[headerProbe];
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
    stream.avail_in = uInt(gz.size());
    stream.next_out = head;
    stream.avail_out = uInt(headerProbe);
    int rc = Z_OK;
    qsizetype declared = -1;
    while (declared < 0 && rc == Z_OK && stream.avail_out > 0) {
        rc = inflate(&stream, Z_NO_FLUSH);
        declared = declaredIdxSize(head, headerProbe - qsizetype(stream.avail_out));
    }
    inflateEnd(&stream);
    return declared;
}

/**
 * The common case in one call: a single-member gzip file of an idx image whose trailer
 * states its size honestly, within `maxBytes`. libdeflate inflates a whole buffer ~2.5× as
 * fast as zlib's streaming inflate (MNIST's training images: 0.065 s against 0.17 s), and
 * loading the data is part of every run's time. Anything else — a trailer that lies, data
 * after the first member, a corrupt stream, an idx header that disagrees with the size (a
 * gzip bomb) — returns an empty result and goes through zlib, whose path stops at what the
 * header declares and says exactly what is wrong.
 */
QByteArray inflateWhole(const QByteArray &gz, qsizetype maxBytes)
{
    if (gz.size() < 18)   // gzip's header and trailer alone take 18 bytes
        return QByteArray();
    const qsizetype size = qFromLittleEndian<quint32>(gz.constData() + gz.size() - 4);
    if (size < headerProbe || size > maxBytes || size > gz.size() * 1032 + 1024)
        return QByteArray();
    // Only a size the idx header inside agrees with is allocated: a gzip bomb behind a small
    // header states its real (huge) size in the trailer.
    if (gzippedIdxDeclaredSize(gz) != size)
        return QByteArray();
    QByteArray out(size, Qt::Uninitialized);
    adviseHugePages(out.data(), size_t(out.size()));
    libdeflate_decompressor *decompressor = libdeflate_alloc_decompressor();
    if (!decompressor)
        return QByteArray();
    size_t read = 0, written = 0;
    const libdeflate_result result = libdeflate_gzip_decompress_ex(decompressor, gz.constData(), size_t(gz.size()),
                                                                   out.data(), size_t(out.size()), &read, &written);
    libdeflate_free_decompressor(decompressor);
    if (result != LIBDEFLATE_SUCCESS || read != size_t(gz.size()) || written != size_t(size)
        || declaredIdxSize(reinterpret_cast<const uchar *>(out.constData()), size) != size)
        return QByteArray();
    return out;
}
#endif

} // namespace

qsizetype IdxFile::itemSize() const
{
    qsizetype size = 1;
    for (int i = 1; i < dims.size(); ++i)
        size *= dims[i];
    return size;
}

IdxFile IdxFile::parse(QByteArray raw, const QString &name)
{
    if (raw.size() < 4)
        throw LabError(QStringLiteral("%1: truncated: %2 bytes, an idx header needs at least 4").arg(name).arg(raw.size()));
    const auto *data = reinterpret_cast<const uchar *>(raw.constData());
    if (data[0] != 0 || data[1] != 0)
        throw LabError(QStringLiteral("%1: wrong magic number 0x%2: not an idx file (expected 0x0000 then type and rank)")
                           .arg(name, QString::number(qFromBigEndian<quint32>(data), 16).rightJustified(8, u'0')));
    if (data[2] != 0x08)
        throw LabError(QStringLiteral("%1: element type 0x%2 is not supported (expected 0x08, unsigned byte)")
                           .arg(name, QString::number(data[2], 16).rightJustified(2, u'0')));
    const int rank = data[3];
    if (rank < 1 || rank > 4)
        throw LabError(QStringLiteral("%1: %2 dimensions (expected 1 for labels or 3 for images)").arg(name).arg(rank));
    const qsizetype headerSize = 4 + 4 * rank;
    if (raw.size() < headerSize)
        throw LabError(QStringLiteral("%1: truncated header: %2 bytes, expected %3").arg(name).arg(raw.size()).arg(headerSize));

    IdxFile file;
    qsizetype expected = 1;
    for (int i = 0; i < rank; ++i) {
        const quint32 dim = qFromBigEndian<quint32>(data + 4 + 4 * i);
        if (dim == 0 || dim > quint32(maxIdxBytes))
            throw LabError(QStringLiteral("%1: dimension %2 is %3 (expected 1 to %4)").arg(name).arg(i).arg(dim).arg(maxIdxBytes));
        expected *= qsizetype(dim);
        if (expected > maxIdxBytes)
            throw LabError(QStringLiteral("%1: header declares more than %2 bytes of data").arg(name).arg(maxIdxBytes));
        file.dims.append(int(dim));
    }
    const qsizetype actual = raw.size() - headerSize;
    if (actual < expected)
        throw LabError(QStringLiteral("%1: truncated: header declares %2 bytes of data, the file has %3")
                           .arg(name).arg(expected).arg(actual));
    if (actual > expected)
        throw LabError(QStringLiteral("%1: %2 unexpected bytes after the %3 declared by the header")
                           .arg(name).arg(actual - expected).arg(expected));
    // Dropping the header from the front of an unshared QByteArray moves its start
    // pointer (Qt 6): no copy of the payload.
    raw.remove(0, headerSize);
    file.bytes = std::move(raw);
    return file;
}

QByteArray IdxFile::gunzip(const QByteArray &gz, const QString &name, qsizetype maxBytes)
{
#ifdef LAB_HAVE_LIBDEFLATE
    if (QByteArray whole = inflateWhole(gz, maxBytes); !whole.isEmpty())
        return whole;
#endif
    z_stream stream{};
    // 16 + MAX_WBITS: expect a gzip header, not a raw zlib stream.
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK)
        throw LabError(QStringLiteral("%1: cannot initialise zlib").arg(name));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.constData()));
    stream.avail_in = uInt(gz.size());

    // The gzip trailer's ISIZE (size mod 2^32) is a hint for the first allocation, capped.
    // Never trusted beyond what the input could inflate to (deflate cannot exceed ~1032:1)
    // nor beyond 64 MiB (the buffer doubles from there): a 16-byte file whose last bytes
    // say "2 GB" must not allocate 2 GB (fuzz_idx found that).
    qsizetype guess = gz.size() * 4;
    if (gz.size() >= 4) {
        const quint32 isize = qFromLittleEndian<quint32>(gz.constData() + gz.size() - 4);
        guess = qMax<qsizetype>(qsizetype(isize), 1024);
    }
    guess = qMin<qsizetype>(guess, qMin<qsizetype>(gz.size() * 1032 + 1024, qsizetype(64) << 20));
    QByteArray out;
    out.resize(qMin(guess, maxBytes + 1));
    adviseHugePages(out.data(), size_t(out.size()));
    qsizetype produced = 0;
    qsizetype declared = -1;   // what the idx header inside says the whole file is
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (declared < 0) {
            declared = declaredIdxSize(reinterpret_cast<const uchar *>(out.constData()), produced);
            if (declared == 0) {
                // Not an idx header: no need to inflate more to know that; the parser says why.
                inflateEnd(&stream);
                out.truncate(produced);
                return out;
            }
            if (declared > 0 && declared < maxBytes) {
                maxBytes = declared;
                if (out.size() > maxBytes + 1)
                    out.resize(qMax(maxBytes + 1, produced));
            }
            if (produced > maxBytes) {
                inflateEnd(&stream);
                throw LabError(QStringLiteral("%1: inflates to more than the %2 bytes its idx header declares").arg(name).arg(maxBytes));
            }
        }
        if (produced == out.size()) {
            if (out.size() > maxBytes) {
                inflateEnd(&stream);
                if (declared > 0 && declared == maxBytes)
                    throw LabError(QStringLiteral("%1: inflates to more than the %2 bytes its idx header declares")
                                       .arg(name).arg(declared));
                throw LabError(QStringLiteral("%1: inflates to more than %2 bytes").arg(name).arg(maxBytes));
            }
            out.resize(qMin(out.size() * 2, maxBytes + 1));
            adviseHugePages(out.data() + produced, size_t(out.size() - produced));
        }
        stream.next_out = reinterpret_cast<Bytef *>(out.data() + produced);
        // Until the header is known, inflate only its (at most 20) bytes.
        stream.avail_out = uInt(declared < 0 ? qMin<qsizetype>(out.size() - produced, qMax<qsizetype>(headerProbe - produced, 0))
                                             : out.size() - produced);
        rc = inflate(&stream, Z_NO_FLUSH);
        produced = qsizetype(reinterpret_cast<char *>(stream.next_out) - out.data());
        if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
            inflateEnd(&stream);
            throw LabError(QStringLiteral("%1: truncated gzip stream").arg(name));
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            const QString reason = stream.msg ? QString::fromLatin1(stream.msg) : QStringLiteral("code %1").arg(rc);
            inflateEnd(&stream);
            throw LabError(QStringLiteral("%1: corrupt gzip data (%2)").arg(name, reason));
        }
    }
    inflateEnd(&stream);
    if (produced > maxBytes) {
        if (declared > 0 && declared == maxBytes)
            throw LabError(QStringLiteral("%1: inflates to more than the %2 bytes its idx header declares").arg(name).arg(declared));
        throw LabError(QStringLiteral("%1: inflates to more than %2 bytes").arg(name).arg(maxBytes));
    }
    out.truncate(produced);
    return out;
}

IdxFile IdxFile::read(const QString &path)
{
    QByteArray bytes = FileIo::readAll(path, QStringLiteral("file"));
    if (path.endsWith(QStringLiteral(".gz"), Qt::CaseInsensitive))
        bytes = gunzip(bytes, path, maxIdxBytes + 64);
    return parse(std::move(bytes), path);
}

QByteArray IdxFile::serialize() const
{
    QByteArray out;
    out.reserve(4 + 4 * dims.size() + bytes.size());
    out.append(char(0)).append(char(0)).append(char(0x08)).append(char(dims.size()));
    for (int dim : dims) {
        char be[4];
        qToBigEndian<quint32>(quint32(dim), be);
        out.append(be, 4);
    }
    out.append(bytes);
    return out;
}

void IdxFile::write(const QString &path) const
{
    QByteArray out = serialize();
    if (path.endsWith(QStringLiteral(".gz"), Qt::CaseInsensitive)) {
        z_stream stream{};
        if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw LabError(QStringLiteral("%1: cannot initialise zlib").arg(path));
        QByteArray gz;
        gz.resize(qsizetype(deflateBound(&stream, uLong(out.size()))));
        stream.next_in = reinterpret_cast<Bytef *>(out.data());
        stream.avail_in = uInt(out.size());
        stream.next_out = reinterpret_cast<Bytef *>(gz.data());
        stream.avail_out = uInt(gz.size());
        const int rc = deflate(&stream, Z_FINISH);
        gz.truncate(qsizetype(stream.total_out));
        deflateEnd(&stream);
        if (rc != Z_STREAM_END)
            throw LabError(QStringLiteral("%1: compression failed").arg(path));
        out = gz;
    }
    AtomicFile::write(path, out);
}

} // namespace lab
