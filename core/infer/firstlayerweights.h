#pragma once

#include "core/model/modelfile.h"

#include <QString>
#include <vector>

namespace lab {

/**
 * The first weight layer of a trained network as plain floats, for drawing each unit's
 * weights as an image: the input weights of every hidden unit of an MLP's first Linear
 * layer (a 28×28 tile per unit for MNIST), or the kernels of a CNN's first Conv2d.
 */
struct FirstLayerWeights
{
    enum class Kind { Linear, Conv2d };

    Kind kind = Kind::Linear;
    QString layerName;        ///< the spec's description, e.g. "Linear(50)"
    int units = 0;            ///< hidden units (Linear) or output channels (Conv2d)
    int channels = 1;         ///< input channels each tile has
    int tileHeight = 0;       ///< 28 for a Linear on MNIST images, the kernel size for Conv2d
    int tileWidth = 0;
    /** units × channels × tileHeight × tileWidth, row-major (unit 0's channel 0 first). */
    std::vector<float> values;

    /** Number of floats per unit (channels × tileHeight × tileWidth). */
    int valuesPerUnit() const { return channels * tileHeight * tileWidth; }
    /** Weight of `unit` at (channel, y, x). */
    float at(int unit, int channel, int y, int x) const;
    /** The largest |w| over all units (0 when empty): the symmetric colour scale. */
    float maxAbs() const;
    /** The largest |w| of one unit. */
    float maxAbs(int unit) const;

    /**
     * Extracts the first Linear or Conv2d layer of `model` (whichever comes first).
     * Throws LabError naming `name` when the weights do not load or the network has
     * neither, or when a first Linear layer does not see the input image directly.
     */
    static FirstLayerWeights fromModel(const ModelFile &model, const QString &name);
    /** ModelFile::load(path) then fromModel(). Throws LabError naming `path`. */
    static FirstLayerWeights load(const QString &path);
};

} // namespace lab
