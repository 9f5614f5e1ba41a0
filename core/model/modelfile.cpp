#include "core/model/modelfile.h"

#include "core/common/atomicfile.h"
#include "core/common/binaryio.h"
#include "core/common/fileio.h"
#include "core/common/laberror.h"

#include <QFile>
#include <QJsonDocument>
#include <QtEndian>

namespace lab {

namespace {

constexpr char magic[8] = {'M', 'N', 'I', 'S', 'T', 'L', 'A', 'B'};
constexpr qsizetype maxHeaderBytes = 16 * 1024 * 1024;

} // namespace

QByteArray ModelFile::serialize() const
{
    QJsonObject header{
        {QStringLiteral("spec"), spec.toJson()},
        {QStringLiteral("normalization"),
         QJsonObject{{QStringLiteral("mean"), double(norm.mean)}, {QStringLiteral("std"), double(norm.std)}}},
        {QStringLiteral("summary"), summary},
    };
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(8 + 4 + 4 + json.size() + 8 + weights.size() + 4);
    out.append(magic, sizeof magic);
    appendBigEndian<quint32>(out, formatVersion);
    appendBigEndian<quint32>(out, quint32(json.size()));
    out.append(json);
    appendBigEndian<quint64>(out, quint64(weights.size()));
    out.append(weights);
    appendBigEndian<quint32>(out, crc32Of(out.constData(), out.size()));
    return out;
}

ModelFile ModelFile::deserialize(const QByteArray &bytes, const QString &name)
{
    const qsizetype size = bytes.size();
    const char *data = bytes.constData();
    if (size < 8 || memcmp(data, magic, sizeof magic) != 0)
        throw LabError(QStringLiteral("%1: not an MNIST Lab model file (it does not start with \"MNISTLAB\")").arg(name));
    if (size < 16)
        throw LabError(QStringLiteral("%1: truncated model file (%2 bytes)").arg(name).arg(size));
    const quint32 version = qFromBigEndian<quint32>(data + 8);
    if (version != formatVersion)
        throw LabError(QStringLiteral("%1: model format version %2; this MNIST Lab reads version %3%4")
                           .arg(name).arg(version).arg(formatVersion)
                           .arg(version > formatVersion ? QStringLiteral(" (the file is from a newer MNIST Lab)") : QString()));
    const quint32 jsonSize = qFromBigEndian<quint32>(data + 12);
    if (qsizetype(jsonSize) > maxHeaderBytes || 16 + qsizetype(jsonSize) + 8 > size)
        throw LabError(QStringLiteral("%1: truncated model file: header of %2 bytes does not fit in %3 bytes")
                           .arg(name).arg(jsonSize).arg(size));
    const qsizetype weightsAt = 16 + qsizetype(jsonSize) + 8;
    const quint64 weightsSize = qFromBigEndian<quint64>(data + 16 + jsonSize);
    if (weightsSize > quint64(size) || weightsAt + qsizetype(weightsSize) + 4 != size)
        throw LabError(QStringLiteral("%1: truncated or padded model file: %2 bytes of weights declared, the file has %3 bytes")
                           .arg(name).arg(weightsSize).arg(size));
    const quint32 storedCrc = qFromBigEndian<quint32>(data + size - 4);
    if (crc32Of(data, size - 4) != storedCrc)
        throw LabError(QStringLiteral("%1: the model file is corrupt (checksum mismatch)").arg(name));

    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.mid(16, jsonSize), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        throw LabError(QStringLiteral("%1: model header is not valid JSON (%2)").arg(name, error.errorString()));
    const QJsonObject header = doc.object();
    ModelFile model;
    model.spec = NetworkSpec::fromJson(header.value(QStringLiteral("spec")).toObject(), name + QStringLiteral(": spec"));
    const QJsonObject norm = header.value(QStringLiteral("normalization")).toObject();
    // Pixels are scaled to [0,1] before the z-score, so mean and std live in [0,1]. Checked as
    // doubles: "std": 3e80 passed "> 0", became float infinity and zeroed every input
    // (fuzz_modelfile found it).
    const double mean = norm.value(QStringLiteral("mean")).toDouble(0.1307);
    const double std = norm.value(QStringLiteral("std")).toDouble(0.3081);
    if (!(mean >= 0 && mean <= 1))
        throw LabError(QStringLiteral("%1: normalization mean is %2, expected 0 to 1").arg(name).arg(mean));
    if (!(std > 0 && std <= 1))
        throw LabError(QStringLiteral("%1: normalization std is %2, expected above 0 and at most 1").arg(name).arg(std));
    model.norm.mean = float(mean);
    model.norm.std = float(std);
    model.summary = header.value(QStringLiteral("summary")).toObject();
    model.weights = bytes.mid(weightsAt, qsizetype(weightsSize));
    return model;
}

void ModelFile::save(const QString &path) const
{
    AtomicFile::write(path, serialize());
}

ModelFile ModelFile::load(const QString &path)
{
    // FileIo: "not found" only when it is missing (an unreadable folder says so).
    return deserialize(FileIo::readAll(path, QStringLiteral("model file")), path);
}

} // namespace lab
