#include "core/train/diagnostics_p.h"

namespace lab {

std::vector<double> deadFractions(BuiltNetwork &network, const torch::Tensor &probe)
{
    torch::NoGradGuard noGrad;
    const bool wasTraining = network.net->is_training();
    network.net->eval();
    std::vector<torch::Tensor> activations;
    network.forward(probe, &activations);
    if (wasTraining)
        network.net->train();
    std::vector<double> dead;
    for (const WeightLayer &layer : network.weightLayers) {
        if (layer.reluModuleIndex < 0) {
            dead.push_back(0.0);   // no ReLU after it: its units cannot die
            continue;
        }
        const torch::Tensor out = activations[size_t(layer.reluModuleIndex)];
        // One row per unit (feature or channel), every sample and position in the row.
        const torch::Tensor perUnit = out.dim() == 2 ? out.t() : out.transpose(0, 1).reshape({out.size(1), -1});
        const torch::Tensor everActive = (perUnit > 0).any(1);
        dead.push_back(1.0 - everActive.to(torch::kDouble).mean().item<double>());
    }
    return dead;
}

std::vector<double> weightNorms(const BuiltNetwork &network)
{
    torch::NoGradGuard noGrad;
    std::vector<double> norms;
    for (const WeightLayer &layer : network.weightLayers)
        norms.push_back(layer.weight.norm().item<double>());
    return norms;
}

std::vector<double> gradientNorms(const BuiltNetwork &network)
{
    torch::NoGradGuard noGrad;
    std::vector<double> norms;
    for (const WeightLayer &layer : network.weightLayers) {
        const torch::Tensor grad = layer.weight.grad();
        norms.push_back(grad.defined() ? grad.norm().item<double>() : 0.0);
    }
    return norms;
}

QVector<LayerDiagnostics> layerDiagnostics(const BuiltNetwork &network, const std::vector<double> &dead,
                                           const std::vector<double> &gradients, const std::vector<double> &weights)
{
    QVector<LayerDiagnostics> out;
    for (size_t i = 0; i < network.weightLayers.size(); ++i) {
        LayerDiagnostics d;
        d.layerIndex = network.weightLayers[i].specIndex;
        d.name = network.weightLayers[i].name;
        d.deadFraction = i < dead.size() ? dead[i] : 0.0;
        d.gradientNorm = i < gradients.size() ? gradients[i] : 0.0;
        d.weightNorm = i < weights.size() ? weights[i] : 0.0;
        out.append(d);
    }
    return out;
}

} // namespace lab
