#pragma once

#include "core/model/networkspec.h"

#include <QString>
#include <QVector>

namespace lab {

/** A tensor shape without the batch dimension: C×H×W, or just features when flat. */
struct Shape
{
    int channels = 1;
    int height = 28;
    int width = 28;
    bool flat = false;       ///< after Flatten/Linear: `features` is the whole shape
    qint64 features = 0;

    qint64 elements() const { return flat ? features : qint64(channels) * height * width; }
    QString describe() const;
};

/** What each layer does to the shape, its parameters and its cost; or where it fails. */
struct LayerShape
{
    Shape output;
    qint64 parameters = 0;
    qint64 macsPerSample = 0;    ///< multiply-accumulates of a forward pass
};

/**
 * Checks a design layer by layer before any allocation. `ok()` is false at the first
 * layer that does not fit (e.g. Conv2d after Flatten, kernel larger than the image,
 * a final layer that is not 10 wide), with `errorLayer` and a readable `error`.
 */
struct ShapeReport
{
    QVector<LayerShape> layers;
    int errorLayer = -1;         ///< index into spec.layers, or -1 when the whole stack fits
    QString error;
    qint64 parameters = 0;
    qint64 macsPerSample = 0;

    bool ok() const { return error.isEmpty(); }
    /** Bytes of the weights (float32). */
    qint64 parameterBytes() const { return parameters * 4; }
    /** Rough bytes needed to train with Adam at `batchSize`: weights, grads, two moments, activations. */
    qint64 trainingBytes(int batchSize) const;

    /** The largest input channels, height or width a design may declare. */
    static constexpr int maxInputSize = 4096;
    /** The largest design we agree to allocate (weights, in parameters). */
    static constexpr qint64 maxParameters = 250'000'000;

    static ShapeReport infer(const NetworkSpec &spec, int classes = 10);
};

} // namespace lab
