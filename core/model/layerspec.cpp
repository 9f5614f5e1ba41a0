#include "core/model/layerspec.h"

#include "core/common/laberror.h"

#include <QJsonValue>

#include <cmath>
#include <limits>

namespace lab {

namespace {

struct TypeInfo
{
    LayerSpec::Type type;
    const char *name;
    QList<LayerSpec::Field> fields;
};

using F = LayerSpec::Field;

const QVector<TypeInfo> &typeTable()
{
    static const QVector<TypeInfo> table = {
        {LayerSpec::Type::Flatten, "Flatten", {}},
        {LayerSpec::Type::Linear, "Linear", {F::Units}},
        {LayerSpec::Type::ReLU, "ReLU", {}},
        {LayerSpec::Type::Sigmoid, "Sigmoid", {}},
        {LayerSpec::Type::Tanh, "Tanh", {}},
        {LayerSpec::Type::LeakyReLU, "LeakyReLU", {F::P}},
        {LayerSpec::Type::GELU, "GELU", {}},
        {LayerSpec::Type::Dropout, "Dropout", {F::P}},
        {LayerSpec::Type::Conv2d, "Conv2d", {F::Units, F::Kernel, F::Stride, F::Padding}},
        {LayerSpec::Type::MaxPool2d, "MaxPool2d", {F::Kernel, F::Stride, F::Padding}},
        {LayerSpec::Type::BatchNorm, "BatchNorm", {}},
    };
    return table;
}

int intField(const QJsonObject &json, const char *key, int fallback, const QString &where)
{
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.isUndefined())
        return fallback;
    // Range before conversion: casting a double outside the integer range is undefined
    // behaviour (fuzz_modelfile found "units": 1e300).
    const double d = v.toDouble();
    if (!v.isDouble() || !(d >= double(std::numeric_limits<int>::min()) && d <= double(std::numeric_limits<int>::max()))
        || d != std::floor(d))
        throw LabError(QStringLiteral("%1: \"%2\" must be a whole number (%3 to %4)")
                           .arg(where, QLatin1String(key))
                           .arg(std::numeric_limits<int>::min())
                           .arg(std::numeric_limits<int>::max()));
    return int(d);
}

} // namespace

QString LayerSpec::typeName(Type t)
{
    for (const TypeInfo &info : typeTable())
        if (info.type == t)
            return QString::fromLatin1(info.name);
    return QStringLiteral("?");
}

bool LayerSpec::typeFromName(const QString &name, Type *out)
{
    QString key = name.trimmed().toLower();
    key.remove(u'_').remove(u'-');
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("conv"), QStringLiteral("conv2d")},
        {QStringLiteral("maxpool"), QStringLiteral("maxpool2d")},
        {QStringLiteral("pool"), QStringLiteral("maxpool2d")},
        {QStringLiteral("bn"), QStringLiteral("batchnorm")},
        {QStringLiteral("batchnorm1d"), QStringLiteral("batchnorm")},
        {QStringLiteral("batchnorm2d"), QStringLiteral("batchnorm")},
        {QStringLiteral("dense"), QStringLiteral("linear")},
        {QStringLiteral("leaky"), QStringLiteral("leakyrelu")},
    };
    key = aliases.value(key, key);
    for (const TypeInfo &info : typeTable()) {
        if (QString::fromLatin1(info.name).toLower() == key) {
            *out = info.type;
            return true;
        }
    }
    return false;
}

QStringList LayerSpec::allTypeNames()
{
    QStringList names;
    for (const TypeInfo &info : typeTable())
        names << QString::fromLatin1(info.name);
    return names;
}

bool LayerSpec::isActivation() const
{
    return type == Type::ReLU || type == Type::Sigmoid || type == Type::Tanh || type == Type::LeakyReLU
        || type == Type::GELU;
}

LayerSpec LayerSpec::defaultFor(Type type)
{
    LayerSpec layer;
    layer.type = type;
    switch (type) {
    case Type::Linear: layer.units = 50; break;
    case Type::Conv2d: layer.units = 16; break;
    case Type::MaxPool2d: layer.kernel = 2; layer.stride = 0; break;   // stride 0 = the kernel
    case Type::LeakyReLU: layer.p = 0.01; break;
    default: break;
    }
    return layer;
}

QList<LayerSpec::Field> LayerSpec::usedFields() const
{
    for (const TypeInfo &info : typeTable())
        if (info.type == type)
            return info.fields;
    return {};
}

QString LayerSpec::fieldKey(Field field)
{
    switch (field) {
    case Field::Units: return QStringLiteral("units");
    case Field::Kernel: return QStringLiteral("kernel");
    case Field::Stride: return QStringLiteral("stride");
    case Field::Padding: return QStringLiteral("padding");
    case Field::P: return QStringLiteral("p");
    }
    return QString();
}

QString LayerSpec::describe() const
{
    switch (type) {
    case Type::Linear:
        return QStringLiteral("Linear(%1)").arg(units);
    case Type::Conv2d:
        return QStringLiteral("Conv2d(%1, k%2, s%3, p%4)").arg(units).arg(kernel).arg(stride).arg(padding);
    case Type::MaxPool2d:
        return QStringLiteral("MaxPool2d(k%1, s%2)").arg(kernel).arg(stride > 0 ? stride : kernel);
    case Type::Dropout:
        return QStringLiteral("Dropout(%1)").arg(p);
    case Type::LeakyReLU:
        return QStringLiteral("LeakyReLU(%1)").arg(p);
    default:
        return typeName(type);
    }
}

QJsonObject LayerSpec::toJson() const
{
    QJsonObject json{{QStringLiteral("type"), typeName(type)}};
    for (const Field field : usedFields()) {
        switch (field) {
        case Field::Units: json.insert(fieldKey(field), units); break;
        case Field::Kernel: json.insert(fieldKey(field), kernel); break;
        case Field::Stride: json.insert(fieldKey(field), stride); break;
        case Field::Padding: json.insert(fieldKey(field), padding); break;
        case Field::P: json.insert(fieldKey(field), p); break;
        }
    }
    return json;
}

LayerSpec LayerSpec::fromJson(const QJsonObject &json, const QString &where)
{
    const QJsonValue typeValue = json.value(QStringLiteral("type"));
    if (!typeValue.isString())
        throw LabError(QStringLiteral("%1: missing \"type\" (one of %2)").arg(where, allTypeNames().join(QStringLiteral(", "))));
    Type type;
    if (!typeFromName(typeValue.toString(), &type))
        throw LabError(QStringLiteral("%1: unknown layer type \"%2\" (expected one of %3)")
                           .arg(where, typeValue.toString(), allTypeNames().join(QStringLiteral(", "))));
    // A width is the design itself, never a default: a spec without one is refused.
    LayerSpec layer = defaultFor(type);
    if (layer.uses(Field::Units) && json.value(QStringLiteral("units")).isUndefined())
        throw LabError(QStringLiteral("%1: %2 needs \"units\" (a whole number above 0)").arg(where, typeName(type)));
    layer.units = intField(json, "units", layer.units, where);
    layer.kernel = intField(json, "kernel", layer.kernel, where);
    layer.stride = intField(json, "stride", layer.stride, where);
    layer.padding = intField(json, "padding", layer.padding, where);
    const QJsonValue pValue = json.value(QStringLiteral("p"));
    if (!pValue.isUndefined()) {
        if (!pValue.isDouble())
            throw LabError(QStringLiteral("%1: \"p\" must be a number").arg(where));
        layer.p = pValue.toDouble();
    }
    return layer;
}

bool LayerSpec::operator==(const LayerSpec &o) const
{
    return type == o.type && units == o.units && kernel == o.kernel && stride == o.stride && padding == o.padding
        && p == o.p;
}

} // namespace lab
