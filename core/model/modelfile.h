#pragma once

#include "core/data/dataset.h"
#include "core/model/networkspec.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace lab {

/**
 * The lab's model file (.mnlm): everything needed to use a trained network without
 * its run — the spec, the normalisation, a summary of the run, and the weights.
 *
 * Layout: the 8 bytes "MNISTLAB", a big-endian uint32 format version, a uint32 JSON
 * length, the JSON header, a uint64 weights length, the weights (a libtorch archive),
 * then a CRC-32 of everything before it. Any mismatch is a LabError naming the file.
 */
struct ModelFile
{
    static constexpr quint32 formatVersion = 1;
    static constexpr const char *suffix = "mnlm";

    NetworkSpec spec;
    Normalization norm;
    QJsonObject summary;     ///< model_type, test_accuracy, epochs, … of the run that made it
    QByteArray weights;      ///< serialised torch state (parameters and buffers by name)

    QByteArray serialize() const;
    static ModelFile deserialize(const QByteArray &bytes, const QString &name);

    /** Atomic write. Throws LabError. */
    void save(const QString &path) const;
    /** Throws LabError naming `path` for a missing, truncated, foreign or newer file. */
    static ModelFile load(const QString &path);
};

} // namespace lab
