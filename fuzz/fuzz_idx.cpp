// libFuzzer target: the idx reader (raw and gzip) must turn any byte string into either an
// IdxFile whose sizes agree with its bytes or a LabError, never a crash, a hang or a
// multi-gigabyte allocation.
#include "core/common/laberror.h"
#include "core/data/idxfile.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <cstdlib>

namespace {

// The same output limit IdxFile::read() uses for .gz files (2 GiB of idx payload + header),
// so the fuzzer exercises exactly what opening a hostile file would do.
constexpr qsizetype readLimit = (qsizetype(1) << 31) + 64;

void check(const lab::IdxFile &file)
{
    qsizetype total = 1;
    for (int dim : file.dims) {
        if (dim <= 0)
            std::abort();
        total *= dim;
    }
    if (file.dims.isEmpty() || total != file.bytes.size() || file.count() * file.itemSize() != total)
        std::abort();
    // What parse() accepted must survive a round trip unchanged.
    const lab::IdxFile again = lab::IdxFile::parse(file.serialize(), QStringLiteral("roundtrip"));
    if (again.dims != file.dims || again.bytes != file.bytes)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const QString name = QStringLiteral("fuzz.idx");
    try {
        check(lab::IdxFile::parse(bytes, name));
    } catch (const lab::LabError &) {
    }
    try {
        const QByteArray inflated = lab::IdxFile::gunzip(bytes, name, readLimit);
        if (inflated.size() > readLimit)
            std::abort();
        check(lab::IdxFile::parse(inflated, name));
    } catch (const lab::LabError &) {
    }
    return 0;
}
