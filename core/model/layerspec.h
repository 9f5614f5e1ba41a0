#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace lab {

/** One layer of a network design, as a person edits it. Plain data; no torch. */
struct LayerSpec
{
    enum class Type {
        Flatten, Linear, ReLU, Sigmoid, Tanh, LeakyReLU, GELU, Dropout, Conv2d, MaxPool2d, BatchNorm
    };

    /** The settings a layer type may use (the others are ignored for that type). */
    enum class Field { Units, Kernel, Stride, Padding, P };

    Type type = Type::Linear;
    int units = 0;          ///< Linear: output features; Conv2d: output channels
    int kernel = 3;         ///< Conv2d / MaxPool2d
    int stride = 1;         ///< Conv2d / MaxPool2d (0 for MaxPool2d means = kernel)
    int padding = 0;        ///< Conv2d / MaxPool2d
    double p = 0.5;         ///< Dropout probability; LeakyReLU negative slope

    static LayerSpec flatten() { return {Type::Flatten}; }
    static LayerSpec linear(int units) { LayerSpec l{Type::Linear}; l.units = units; return l; }
    static LayerSpec activation(Type t) { return defaultFor(t); }
    static LayerSpec dropout(double p) { LayerSpec l{Type::Dropout}; l.p = p; return l; }
    static LayerSpec conv(int channels, int kernel, int stride = 1, int padding = 0)
    { LayerSpec l{Type::Conv2d}; l.units = channels; l.kernel = kernel; l.stride = stride; l.padding = padding; return l; }
    static LayerSpec maxPool(int kernel) { LayerSpec l = defaultFor(Type::MaxPool2d); l.kernel = kernel; return l; }
    static LayerSpec batchNorm() { return {Type::BatchNorm}; }

    /**
     * A new layer of `type` as the Design page adds it and as a spec file's missing fields
     * are filled: Linear 50 units, Conv2d 16 channels 3x3, MaxPool2d 2x2 with stride = kernel
     * (stride 0), LeakyReLU slope 0.01, Dropout 0.5. The one place these defaults live.
     */
    static LayerSpec defaultFor(Type type);

    bool isActivation() const;
    /** The fields that mean something for this type, in table order. */
    QList<Field> usedFields() const;
    bool uses(Field field) const { return usedFields().contains(field); }
    /** The field's key in spec JSON: "units", "kernel", "stride", "padding", "p". */
    static QString fieldKey(Field field);
    /** Short readable form: "Linear(50)", "Conv2d(32, k5, s1, p2)", "ReLU". */
    QString describe() const;

    QJsonObject toJson() const;
    /** Throws LabError naming `where` (e.g. "spec.json: layers[3]") on a bad entry. */
    static LayerSpec fromJson(const QJsonObject &json, const QString &where);

    static QString typeName(Type t);
    /** Case-insensitive; accepts "relu", "leaky_relu", "conv", "maxpool", "bn"… */
    static bool typeFromName(const QString &name, Type *out);
    static QStringList allTypeNames();

    bool operator==(const LayerSpec &o) const;
    bool operator!=(const LayerSpec &o) const { return !(*this == o); }
};

} // namespace lab
