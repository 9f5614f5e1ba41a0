#pragma once

#include "core/model/layerspec.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace lab {

/** How a network's weights start. Framework default is PyTorch's (Kaiming-uniform, a=√5). */
enum class InitKind { Default, Kaiming, Xavier };
QString initKindName(InitKind k);
bool initKindFromName(const QString &name, InitKind *out);

/**
 * A whole network design: the input shape (1×28×28 for MNIST) and a stack of layers.
 * Serialises to JSON (the spec file format) and parses the blog's shorthand
 * "784-50-50-10" + activation into Flatten → Linear/act … → Linear(10).
 */
struct NetworkSpec
{
    QString name;            ///< the run's model_type, e.g. "2_HL_NN_v1"

    /** The run name of a design nobody named ("custom"); ExperimentRunner applies it. */
    static QString defaultName() { return QStringLiteral("custom"); }
    int inputChannels = 1;
    int inputHeight = 28;
    int inputWidth = 28;
    InitKind init = InitKind::Default;
    QList<LayerSpec> layers;

    /**
     * Parses "784-50-50-10" with `activation` ("relu", "sigmoid", …) between layers.
     * The first number must equal the flattened input (784). Throws LabError.
     */
    static NetworkSpec fromShorthand(const QString &shorthand, const QString &activation);
    /** "784-50-50-10 relu" when the stack is a plain MLP, otherwise empty. */
    QString shorthand() const;
    /** The design in a few words, for tables and summaries: shorthand(), else "12 layers". */
    QString shortName() const;
    /** A one-line summary: "Flatten → Linear(50) → ReLU → …". */
    QString describe() const;

    QJsonObject toJson() const;
    /** `where` names the file/field for messages. Throws LabError. */
    static NetworkSpec fromJson(const QJsonObject &json, const QString &where);
    /** Reads a spec JSON file. Throws LabError naming the file. */
    static NetworkSpec fromFile(const QString &path);

    bool operator==(const NetworkSpec &o) const;
};

} // namespace lab
