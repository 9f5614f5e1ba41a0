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
    QStringList fields;
};

const QVector<TypeInfo> &typeTable()
{
    static const QVector<TypeInfo> table = {
        {LayerSpec::Type::Flatten, "Flatten", {}},
        {LayerSpec::Type::Linear, "Linear", {QStringLiteral("units")}},
        {LayerSpec::Type::ReLU, "ReLU", {}},
        {LayerSpec::Type::Sigmoid, "Sigmoid", {}},
        {LayerSpec::Type::Tanh, "Tanh", {}},
        {LayerSpec::Type::LeakyReLU, "LeakyReLU", {QStringLiteral("p")}},
        {LayerSpec::Type::GELU, "GELU", {}},
        {LayerSpec::Type::Dropout, "Dropout", {QStringLiteral("p")}},
        {LayerSpec::Type::Conv2d, "Conv2d",
         {QStringLiteral("units"), QStringLiteral("kernel"), QStringLiteral("stride"), QStringLiteral("padding")}},
        {LayerSpec::Type::MaxPool2d, "MaxPool2d",
         {QStringLiteral("kernel"), QStringLiteral("stride"), QStringLiteral("padding")}},
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

QStringList LayerSpec::usedFields() const
{
    for (const TypeInfo &info : typeTable())
        if (info.type == type)
            return info.fields;
    return {};
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
    for (const QString &field : usedFields()) {
        if (field == u"units")
            json.insert(field, units);
        else if (field == u"kernel")
            json.insert(field, kernel);
        else if (field == u"stride")
            json.insert(field, stride);
        else if (field == u"padding")
            json.insert(field, padding);
        else if (field == u"p")
            json.insert(field, p);
    }
    return json;
}

LayerSpec LayerSpec::fromJson(const QJsonObject &json, const QString &where)
{
    const QJsonValue typeValue = json.value(QStringLiteral("type"));
    if (!typeValue.isString())
        throw LabError(QStringLiteral("%1: missing \"type\" (one of %2)").arg(where, allTypeNames().join(QStringLiteral(", "))));
    LayerSpec layer;
    if (!typeFromName(typeValue.toString(), &layer.type))
        throw LabError(QStringLiteral("%1: unknown layer type \"%2\" (expected one of %3)")
                           .arg(where, typeValue.toString(), allTypeNames().join(QStringLiteral(", "))));
    if (layer.type == Type::LeakyReLU)
        layer.p = 0.01;
    if (layer.type == Type::MaxPool2d) {
        layer.kernel = 2;
        layer.stride = 0;
    }
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
