#include "core/experiment/checkpointfile.h"

#include "core/common/atomicfile.h"
#include "core/common/binaryio.h"
#include "core/common/fileio.h"
#include "core/common/laberror.h"

#include <QJsonDocument>
#include <QtEndian>

namespace lab {

namespace {

constexpr char magic[4] = {'M', 'N', 'C', 'K'};
constexpr quint32 version = 1;

} // namespace

QByteArray CheckpointFile::serialize() const
{
    const QByteArray header = QJsonDocument(QJsonObject{{QStringLiteral("epoch"), epoch},
                                                        {QStringLiteral("record"), record.toJson()}})
                                  .toJson(QJsonDocument::Compact);
    QByteArray out;
    out.reserve(4 + 4 + 4 + header.size() + 8 + state.size() + 4);
    out.append(magic, 4);
    appendBigEndian<quint32>(out, version);
    appendBigEndian<quint32>(out, quint32(header.size()));
    out.append(header);
    appendBigEndian<quint64>(out, quint64(state.size()));
    out.append(state);
    appendBigEndian<quint32>(out, crc32Of(out.constData(), out.size()));
    return out;
}

CheckpointFile CheckpointFile::deserialize(const QByteArray &bytes, const QString &name)
{
    CheckpointFile file;
    if (bytes.startsWith("PK")) {
        // A libtorch archive (a zip) as written before this format: usable, nothing to check it against.
        file.legacy = true;
        file.state = bytes;
        return file;
    }
    const auto *data = reinterpret_cast<const uchar *>(bytes.constData());
    if (bytes.size() < 4 + 4 + 4 + 8 + 4 || !bytes.startsWith(QByteArray(magic, 4)))
        throw LabError(QStringLiteral("%1: not a checkpoint of this lab (or truncated: %2 bytes)").arg(name).arg(bytes.size()));
    const quint32 stored = qFromBigEndian<quint32>(data + bytes.size() - 4);
    if (stored != crc32Of(bytes.constData(), bytes.size() - 4))
        throw LabError(QStringLiteral("%1: checkpoint is damaged (checksum mismatch)").arg(name));
    const quint32 fileVersion = qFromBigEndian<quint32>(data + 4);
    if (fileVersion != version)
        throw LabError(QStringLiteral("%1: checkpoint format %2 is not supported (expected %3)").arg(name).arg(fileVersion).arg(version));
    const qsizetype headerSize = qsizetype(qFromBigEndian<quint32>(data + 8));
    if (headerSize > bytes.size() - (12 + 8 + 4))
        throw LabError(QStringLiteral("%1: checkpoint header is truncated").arg(name));
    const qsizetype stateAt = 12 + headerSize + 8;
    const quint64 stateSize = qFromBigEndian<quint64>(data + 12 + headerSize);
    if (stateSize != quint64(bytes.size() - stateAt - 4))
        throw LabError(QStringLiteral("%1: checkpoint state is truncated").arg(name));
    QJsonParseError error;
    const QJsonDocument header = QJsonDocument::fromJson(bytes.mid(12, headerSize), &error);
    if (error.error != QJsonParseError::NoError || !header.isObject())
        throw LabError(QStringLiteral("%1: checkpoint header is not valid JSON").arg(name));
    file.epoch = header.object().value(QStringLiteral("epoch")).toInt(-1);
    file.record = RunRecord::fromJson(header.object().value(QStringLiteral("record")).toObject(), name + QStringLiteral(": record"));
    if (file.epoch < 0 || file.epoch != file.record.completedEpochs())
        throw LabError(QStringLiteral("%1: checkpoint says epoch %2 but holds a record of %3 epochs")
                           .arg(name).arg(file.epoch).arg(file.record.completedEpochs()));
    file.state = bytes.mid(stateAt, qsizetype(stateSize));
    return file;
}

void CheckpointFile::save(const QString &path) const
{
    AtomicFile::write(path, serialize());
}

CheckpointFile CheckpointFile::load(const QString &path)
{
    return deserialize(FileIo::readAll(path, QStringLiteral("checkpoint")), path);
}

} // namespace lab
