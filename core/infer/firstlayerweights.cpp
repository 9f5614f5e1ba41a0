#include "core/infer/firstlayerweights.h"

#include "core/common/laberror.h"
#include "core/model/networkbuilder_p.h"

#include <algorithm>
#include <cmath>

namespace lab {

float FirstLayerWeights::at(int unit, int channel, int y, int x) const
{
    return values[size_t(unit) * size_t(valuesPerUnit()) + (size_t(channel) * tileHeight + y) * size_t(tileWidth) + x];
}

float FirstLayerWeights::maxAbs() const
{
    float m = 0;
    for (float v : values)
        m = std::max(m, std::abs(v));
    return m;
}

float FirstLayerWeights::maxAbs(int unit) const
{
    float m = 0;
    const size_t n = size_t(valuesPerUnit());
    for (size_t i = size_t(unit) * n; i < (size_t(unit) + 1) * n && i < values.size(); ++i)
        m = std::max(m, std::abs(values[i]));
    return m;
}

FirstLayerWeights FirstLayerWeights::fromModel(const ModelFile &model, const QString &name)
{
    const NetworkSpec &spec = model.spec;
    int first = -1;
    for (int i = 0; i < spec.layers.size() && first < 0; ++i)
        if (spec.layers[i].type == LayerSpec::Type::Linear || spec.layers[i].type == LayerSpec::Type::Conv2d)
            first = i;
    if (first < 0)
        throw LabError(QStringLiteral("%1: the network has no Linear or Conv2d layer, so there are no first-layer weights to show")
                           .arg(name));

    BuiltNetwork built = NetworkBuilder::build(spec);   // throws LabError for a spec that does not fit
    NetworkBuilder::loadWeights(*built.net, model.weights, name);
    if (built.weightLayers.empty() || built.weightLayers.front().specIndex != first)
        throw LabError(QStringLiteral("%1: the built network does not start with the spec's first weight layer").arg(name));
    // Module::load() may swap tensors: read the weight from the module, not the builder's handle.
    const WeightLayer &layer = built.weightLayers.front();
    const auto params = built.net->ptr(layer.moduleIndex)->named_parameters(/*recurse=*/false);
    const torch::Tensor *weightPtr = params.find("weight");
    if (!weightPtr)
        throw LabError(QStringLiteral("%1: layer %2 has no weight").arg(name, layer.name));
    const torch::Tensor weight = weightPtr->detach().to(torch::kFloat32).contiguous();

    FirstLayerWeights out;
    out.layerName = layer.name;
    out.units = int(weight.size(0));
    if (spec.layers[first].type == LayerSpec::Type::Linear) {
        out.kind = Kind::Linear;
        const qint64 inputs = qint64(spec.inputChannels) * spec.inputHeight * spec.inputWidth;
        // Only Flatten, activations, BatchNorm or Dropout may precede it, so its inputs are the pixels.
        if (weight.dim() != 2 || weight.size(1) != inputs)
            throw LabError(QStringLiteral("%1: the first Linear layer has %2 inputs, not the %3 pixels of a %4×%5×%6 image")
                               .arg(name).arg(weight.dim() == 2 ? weight.size(1) : -1).arg(inputs)
                               .arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth));
        out.channels = spec.inputChannels;
        out.tileHeight = spec.inputHeight;
        out.tileWidth = spec.inputWidth;
    } else {
        out.kind = Kind::Conv2d;
        if (weight.dim() != 4)
            throw LabError(QStringLiteral("%1: the first Conv2d weight is not 4-dimensional").arg(name));
        out.channels = int(weight.size(1));
        out.tileHeight = int(weight.size(2));
        out.tileWidth = int(weight.size(3));
    }
    const float *data = weight.data_ptr<float>();
    out.values.assign(data, data + weight.numel());
    return out;
}

FirstLayerWeights FirstLayerWeights::load(const QString &path)
{
    return fromModel(ModelFile::load(path), path);
}

} // namespace lab
