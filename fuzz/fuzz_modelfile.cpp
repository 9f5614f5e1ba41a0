// libFuzzer target: the model-file loader must turn any byte string into either a
// ModelFile or a LabError naming the file, never a crash, UB or a huge allocation.
//
// The format ends in a CRC-32, which random mutations almost never get right; each input
// is therefore tried twice: as is (the checks in front of the checksum) and with its last
// four bytes replaced by the correct CRC (everything behind it: header JSON, spec parser).
#include "core/common/laberror.h"
#include "core/model/modelfile.h"

#include <QByteArray>
#include <QString>
#include <QtEndian>
#include <cstdint>
#include <cstdlib>
#include <zlib.h>

namespace {

void tryOne(const QByteArray &bytes)
{
    try {
        const lab::ModelFile model = lab::ModelFile::deserialize(bytes, QStringLiteral("fuzz.mnlm"));
        // What was accepted writes out and reads back; the second write is identical to the
        // first (the first read may normalise, e.g. drop fields a layer type does not use).
        const QByteArray once = model.serialize();
        const lab::ModelFile again = lab::ModelFile::deserialize(once, QStringLiteral("roundtrip.mnlm"));
        if (again.serialize() != once || again.weights != model.weights)
            std::abort();
    } catch (const lab::LabError &) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    tryOne(bytes);
    if (bytes.size() >= 20) {
        QByteArray fixed = bytes;
        const uLong crc = crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(fixed.constData()),
                                uInt(fixed.size() - 4));
        qToBigEndian<quint32>(quint32(crc), fixed.data() + fixed.size() - 4);
        if (fixed != bytes)
            tryOne(fixed);
    }
    return 0;
}
