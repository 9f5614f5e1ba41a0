// libFuzzer target: the model-file loader must turn any byte string into either a
// ModelFile or a LabError naming the file, never a crash or a huge allocation.
#include "common/laberror.h"
#include "infer/modelfile.h"

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    try {
        const lab::ModelFile model = lab::ModelFile::deserialize(bytes, QStringLiteral("fuzz.mnlm"));
        // An accepted file serialises again and reads back to the same content.
        const lab::ModelFile again = lab::ModelFile::deserialize(model.serialize(), QStringLiteral("roundtrip.mnlm"));
        if (!(again.spec == model.spec) || again.weights != model.weights || again.summary != model.summary)
            std::abort();
    } catch (const lab::LabError &) {
    }
    return 0;
}
