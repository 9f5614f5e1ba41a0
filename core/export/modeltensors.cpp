#include "core/export/modeltensors.h"

#include "core/common/laberror.h"
#include "core/model/networkbuilder_p.h"

namespace lab {

std::vector<NamedTensor> ModelTensors::read(const ModelFile &model, const QString &name)
{
    BuiltNetwork network;
    try {
        network = NetworkBuilder::build(model.spec);
    } catch (const LabError &e) {
        throw LabError(name + QStringLiteral(": ") + e.message());
    }
    NetworkBuilder::loadWeights(*network.net, model.weights, name);

    std::vector<NamedTensor> out;
    auto add = [&out](const std::string &key, const torch::Tensor &value) {
        NamedTensor t;
        t.name = QString::fromStdString(key);
        t.shape = value.sizes().vec();
        if (value.is_floating_point()) {
            const torch::Tensor c = value.detach().to(torch::kFloat).contiguous();
            t.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        } else {
            t.integer = true;
            t.integerValue = value.numel() == 1 ? value.item<std::int64_t>() : 0;
        }
        out.push_back(std::move(t));
    };
    // Per module, parameters then buffers: the order torch's state_dict() uses.
    for (const auto &child : network.net->named_children()) {
        for (const auto &p : child.value()->named_parameters(/*recurse=*/false))
            add(child.key() + "." + p.key(), p.value());
        for (const auto &b : child.value()->named_buffers(/*recurse=*/false))
            add(child.key() + "." + b.key(), b.value());
    }
    return out;
}

} // namespace lab
