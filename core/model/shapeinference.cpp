#include "core/model/shapeinference.h"

#include <QLocale>
#include <initializer_list>
#include <limits>

namespace lab {

QString Shape::describe() const
{
    if (flat)
        return QString::number(features);
    return QStringLiteral("%1×%2×%3").arg(channels).arg(height).arg(width);
}

namespace {

constexpr qint64 saturated = std::numeric_limits<qint64>::max();

// a × b for non-negative sizes, saturating instead of overflowing: an absurd design must
// read as "too large", never wrap to a negative size ("-4.1 TB of weights").
qint64 product(std::initializer_list<qint64> factors)
{
    qint64 result = 1;
    for (qint64 f : factors) {
        if (f < 0 || __builtin_mul_overflow(result, f, &result))
            return saturated;
    }
    return result;
}

qint64 sum(qint64 a, qint64 b)
{
    qint64 result;
    return __builtin_add_overflow(a, b, &result) ? saturated : result;
}

} // namespace

qint64 ShapeReport::trainingBytes(int batchSize) const
{
    // Weights, gradients and Adam's two moments, plus each layer's output kept for
    // backward and its gradient.
    qint64 activations = 0;
    for (const LayerShape &l : layers)
        activations = sum(activations, l.output.elements());
    return sum(product({parameters, 4, 4}), product({activations, qint64(qMax(batchSize, 1)), 4, 2}));
}

namespace {

QString humanBytes(qint64 bytes)
{
    return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

// Output size of a sliding window, or <= 0 when the window does not fit.
qint64 windowOutput(qint64 size, int kernel, int stride, int padding)
{
    const qint64 span = size + 2 * qint64(padding) - kernel;
    return span < 0 ? 0 : span / stride + 1;   // (C++ division truncates -1/2 to 0: test first)
}

} // namespace

ShapeReport ShapeReport::infer(const NetworkSpec &spec, int classes)
{
    ShapeReport report;
    auto fail = [&](int index, const QString &why) {
        report.errorLayer = index;
        const QString what = index >= 0 && index < spec.layers.size() ? spec.layers[index].describe() : QString();
        report.error = index >= 0 ? QStringLiteral("layer %1 (%2): %3").arg(index + 1).arg(what, why) : why;
        return report;
    };

    if (spec.inputChannels < 1 || spec.inputHeight < 1 || spec.inputWidth < 1)
        return fail(-1, QStringLiteral("the input shape must be positive, e.g. 1×28×28"));
    if (spec.inputChannels > maxInputSize || spec.inputHeight > maxInputSize || spec.inputWidth > maxInputSize)
        return fail(-1, QStringLiteral("the input shape %1×%2×%3 is too large (at most %4 per dimension)")
                            .arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth).arg(maxInputSize));
    if (spec.layers.isEmpty())
        return fail(-1, QStringLiteral("the network has no layers; add Flatten and Linear(10) at least"));

    Shape shape;
    shape.channels = spec.inputChannels;
    shape.height = spec.inputHeight;
    shape.width = spec.inputWidth;

    for (int i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec &l = spec.layers[i];
        LayerShape out;
        switch (l.type) {
        case LayerSpec::Type::Flatten:
            shape.features = shape.elements();
            shape.flat = true;
            break;
        case LayerSpec::Type::Linear: {
            if (!shape.flat)
                return fail(i, QStringLiteral("needs a flat input but gets %1; add Flatten before it").arg(shape.describe()));
            if (l.units < 1)
                return fail(i, QStringLiteral("units is %1, expected at least 1").arg(l.units));
            out.parameters = sum(product({shape.features, l.units}), l.units);
            out.macsPerSample = product({shape.features, l.units});
            shape.features = l.units;
            break;
        }
        case LayerSpec::Type::Conv2d: {
            if (shape.flat)
                return fail(i, QStringLiteral("needs an image (channels×height×width) but gets %1 flat features; "
                                              "put convolutions before Flatten").arg(shape.features));
            if (l.units < 1)
                return fail(i, QStringLiteral("channels is %1, expected at least 1").arg(l.units));
            if (l.kernel < 1 || l.stride < 1 || l.padding < 0)
                return fail(i, QStringLiteral("kernel and stride must be at least 1 and padding at least 0"));
            // Limits that keep every size small and every loop short: a padding past the
            // image or as wide as the kernel only adds rows of zeros.
            if (l.padding >= l.kernel || l.padding > qMax(shape.height, shape.width))
                return fail(i, QStringLiteral("padding %1 must be smaller than the kernel (%2) and at most the %3×%4 input")
                                   .arg(l.padding).arg(l.kernel).arg(shape.height).arg(shape.width));
            const qint64 h = windowOutput(shape.height, l.kernel, l.stride, l.padding);
            const qint64 w = windowOutput(shape.width, l.kernel, l.stride, l.padding);
            if (h < 1 || w < 1)
                return fail(i, QStringLiteral("kernel %1 does not fit the %2×%3 input (padding %4)")
                                   .arg(l.kernel).arg(shape.height).arg(shape.width).arg(l.padding));
            out.parameters = sum(product({shape.channels, l.units, l.kernel, l.kernel}), l.units);
            out.macsPerSample = product({h, w, l.units, shape.channels, l.kernel, l.kernel});
            shape.channels = l.units;
            shape.height = int(h);
            shape.width = int(w);
            break;
        }
        case LayerSpec::Type::MaxPool2d: {
            if (shape.flat)
                return fail(i, QStringLiteral("needs an image but gets %1 flat features; put pooling before Flatten")
                                   .arg(shape.features));
            const int stride = l.stride > 0 ? l.stride : l.kernel;
            if (l.kernel < 1 || l.padding < 0 || 2 * qint64(l.padding) > l.kernel)
                return fail(i, QStringLiteral("kernel must be at least 1 and padding at most half the kernel"));
            // A window larger than the padded image never fits; one as large as 2^31 would
            // also make max_pool2d loop for hours (found by hand: kernel 2147483647).
            if (l.padding > qMax(shape.height, shape.width))
                return fail(i, QStringLiteral("padding %1 is larger than the %2×%3 input")
                                   .arg(l.padding).arg(shape.height).arg(shape.width));
            const qint64 h = windowOutput(shape.height, l.kernel, stride, l.padding);
            const qint64 w = windowOutput(shape.width, l.kernel, stride, l.padding);
            if (h < 1 || w < 1)
                return fail(i, QStringLiteral("kernel %1 does not fit the %2×%3 input").arg(l.kernel).arg(shape.height).arg(shape.width));
            out.macsPerSample = product({h, w, shape.channels, l.kernel, l.kernel});
            shape.height = int(h);
            shape.width = int(w);
            break;
        }
        case LayerSpec::Type::BatchNorm: {
            const qint64 n = shape.flat ? shape.features : shape.channels;
            out.parameters = product({2, n});
            out.macsPerSample = product({shape.elements(), 2});
            break;
        }
        case LayerSpec::Type::Dropout:
            if (l.p < 0 || l.p >= 1)
                return fail(i, QStringLiteral("p is %1, expected 0 ≤ p < 1").arg(l.p));
            break;
        case LayerSpec::Type::LeakyReLU:
            if (l.p < 0 || l.p >= 1)
                return fail(i, QStringLiteral("negative slope is %1, expected 0 ≤ slope < 1").arg(l.p));
            out.macsPerSample = shape.elements();
            break;
        default:  // the other activations keep the shape
            out.macsPerSample = shape.elements();
            break;
        }
        out.output = shape;
        report.layers.append(out);
        report.parameters = sum(report.parameters, out.parameters);
        report.macsPerSample = sum(report.macsPerSample, out.macsPerSample);
        if (report.parameters == saturated) {
            return fail(i, QStringLiteral("the design would have more than %1 parameters (the count overflows); "
                                          "the limit is %2 parameters")
                               .arg(QLocale::c().toString(saturated), QLocale::c().toString(maxParameters)));
        }
        if (report.parameters > maxParameters) {
            return fail(i, QStringLiteral("the design would have %1 parameters (%2 of weights, about %3 to train); "
                                          "the limit is %4 parameters")
                               .arg(QLocale::c().toString(report.parameters), humanBytes(report.parameterBytes()),
                                    humanBytes(report.parameters * 16), QLocale::c().toString(maxParameters)));
        }
    }
    if (!shape.flat || shape.features != classes) {
        return fail(int(spec.layers.size()) - 1,
                    QStringLiteral("the network ends with %1 outputs; the last layer must give %2 (one score per digit)")
                        .arg(shape.describe()).arg(classes));
    }
    return report;
}

} // namespace lab
