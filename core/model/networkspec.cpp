#include "core/model/networkspec.h"

#include "core/common/jsonfile.h"
#include "core/common/laberror.h"

#include <QJsonArray>

namespace lab {

QString initKindName(InitKind k)
{
    switch (k) {
    case InitKind::Kaiming: return QStringLiteral("kaiming");
    case InitKind::Xavier: return QStringLiteral("xavier");
    case InitKind::Default: break;
    }
    return QStringLiteral("default");
}

bool initKindFromName(const QString &name, InitKind *out)
{
    const QString key = name.trimmed().toLower();
    if (key == u"default" || key.isEmpty())
        *out = InitKind::Default;
    else if (key == u"kaiming" || key == u"he")
        *out = InitKind::Kaiming;
    else if (key == u"xavier" || key == u"glorot")
        *out = InitKind::Xavier;
    else
        return false;
    return true;
}

NetworkSpec NetworkSpec::fromShorthand(const QString &shorthand, const QString &activation)
{
    const QStringList parts = shorthand.trimmed().split(u'-');
    if (parts.size() < 2)
        throw LabError(QStringLiteral("layers \"%1\": expected widths joined by '-', e.g. 784-50-50-10").arg(shorthand));
    QList<int> widths;
    for (const QString &part : parts) {
        bool ok = false;
        const int w = part.toInt(&ok);
        if (!ok || w <= 0)
            throw LabError(QStringLiteral("layers \"%1\": \"%2\" is not a positive whole number").arg(shorthand, part));
        widths << w;
    }
    NetworkSpec spec;
    if (widths.first() != spec.inputChannels * spec.inputHeight * spec.inputWidth)
        throw LabError(QStringLiteral("layers \"%1\": the first width must be the flattened input, 784 (28×28), not %2")
                           .arg(shorthand).arg(widths.first()));
    LayerSpec::Type act;
    if (!LayerSpec::typeFromName(activation, &act) || !LayerSpec{act}.isActivation())
        throw LabError(QStringLiteral("activation \"%1\": expected relu, sigmoid, tanh, leakyrelu or gelu").arg(activation));
    spec.layers << LayerSpec::flatten();
    for (int i = 1; i < widths.size(); ++i) {
        spec.layers << LayerSpec::linear(widths[i]);
        if (i + 1 < widths.size())
            spec.layers << LayerSpec::activation(act);
    }
    return spec;
}

QString NetworkSpec::shorthand() const
{
    if (layers.isEmpty() || layers.first().type != LayerSpec::Type::Flatten)
        return QString();
    QStringList widths{QString::number(inputChannels * inputHeight * inputWidth)};
    QString activation;
    for (int i = 1; i < layers.size(); ++i) {
        const LayerSpec &l = layers[i];
        const bool expectLinear = (i % 2) == 1;
        if (expectLinear) {
            if (l.type != LayerSpec::Type::Linear)
                return QString();
            widths << QString::number(l.units);
        } else {
            if (!l.isActivation() || i + 1 >= layers.size())
                return QString();
            const QString name = LayerSpec::typeName(l.type).toLower();
            if (!activation.isEmpty() && activation != name)
                return QString();
            activation = name;
        }
    }
    if (layers.last().type != LayerSpec::Type::Linear)
        return QString();
    return widths.join(u'-') + (activation.isEmpty() ? QString() : u' ' + activation);
}

QString NetworkSpec::shortName() const
{
    const QString mlp = shorthand();
    return mlp.isEmpty() ? QStringLiteral("%1 layers").arg(layers.size()) : mlp;
}

QString NetworkSpec::describe() const
{
    QStringList parts;
    for (const LayerSpec &l : layers)
        parts << l.describe();
    return parts.join(QStringLiteral(" → "));
}

QJsonObject NetworkSpec::toJson() const
{
    QJsonArray layerArray;
    for (const LayerSpec &l : layers)
        layerArray.append(l.toJson());
    QJsonObject json{
        {QStringLiteral("input"), QJsonArray{inputChannels, inputHeight, inputWidth}},
        {QStringLiteral("init"), initKindName(init)},
        {QStringLiteral("layers"), layerArray},
    };
    if (!name.isEmpty())
        json.insert(QStringLiteral("name"), name);
    return json;
}

NetworkSpec NetworkSpec::fromJson(const QJsonObject &json, const QString &where)
{
    NetworkSpec spec;
    spec.name = json.value(QStringLiteral("name")).toString();
    const QJsonValue input = json.value(QStringLiteral("input"));
    if (!input.isUndefined()) {
        const QJsonArray dims = input.toArray();
        if (dims.size() != 3 || dims[0].toInt() <= 0 || dims[1].toInt() <= 0 || dims[2].toInt() <= 0)
            throw LabError(QStringLiteral("%1: \"input\" must be [channels, height, width], e.g. [1, 28, 28]").arg(where));
        spec.inputChannels = dims[0].toInt();
        spec.inputHeight = dims[1].toInt();
        spec.inputWidth = dims[2].toInt();
    }
    const QString init = json.value(QStringLiteral("init")).toString();
    if (!initKindFromName(init, &spec.init))
        throw LabError(QStringLiteral("%1: \"init\" is \"%2\", expected default, kaiming or xavier").arg(where, init));

    const QJsonValue layersValue = json.value(QStringLiteral("layers"));
    if (layersValue.isString()) {
        // The blog's shorthand inside a JSON file: {"layers": "784-50-10", "activation": "relu"}
        NetworkSpec mlp;
        try {
            mlp = fromShorthand(layersValue.toString(),
                                json.value(QStringLiteral("activation")).toString(QStringLiteral("relu")));
        } catch (const LabError &e) {
            // Name the file/field the shorthand came from (tst_fuzzregressions found it missing).
            throw LabError(where + QStringLiteral(": ") + e.message());
        }
        mlp.name = spec.name;
        mlp.init = spec.init;
        return mlp;
    }
    if (!layersValue.isArray() || layersValue.toArray().isEmpty())
        throw LabError(QStringLiteral("%1: \"layers\" must be a non-empty array of layers or a shorthand like \"784-50-10\"").arg(where));
    const QJsonArray layerArray = layersValue.toArray();
    for (int i = 0; i < layerArray.size(); ++i) {
        const QString at = QStringLiteral("%1: layers[%2]").arg(where).arg(i);
        if (!layerArray[i].isObject())
            throw LabError(at + QStringLiteral(": expected an object like {\"type\": \"Linear\", \"units\": 50}"));
        spec.layers << LayerSpec::fromJson(layerArray[i].toObject(), at);
    }
    return spec;
}

NetworkSpec NetworkSpec::fromFile(const QString &path)
{
    return fromJson(JsonFile::readObject(path, QStringLiteral("spec file")), path);
}

bool NetworkSpec::operator==(const NetworkSpec &o) const
{
    return name == o.name && inputChannels == o.inputChannels && inputHeight == o.inputHeight
        && inputWidth == o.inputWidth && init == o.init && layers == o.layers;
}

} // namespace lab
