#pragma once

#include "core/model/modelfile.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace lab {

/** One trained tensor of a model, by the name torch.nn.Sequential gives it ("0.weight"). */
struct NamedTensor
{
    QString name;
    std::vector<std::int64_t> shape;
    std::vector<float> values;        ///< row-major; empty for integer tensors
    bool integer = false;             ///< e.g. BatchNorm's num_batches_tracked (int64)
    std::int64_t integerValue = 0;    ///< the value of a one-element integer tensor
};

/**
 * The trained tensors of a model file as plain numbers, so exporters that do not need
 * libtorch (ONNX) stay out of the torch translation units.
 */
class ModelTensors
{
public:
    /**
     * Every parameter and buffer of `model`'s network, in module order. Throws LabError
     * naming `name` when the weights do not fit the spec.
     */
    static std::vector<NamedTensor> read(const ModelFile &model, const QString &name);
};

} // namespace lab
