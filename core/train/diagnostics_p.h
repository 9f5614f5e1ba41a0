#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include "core/model/networkbuilder_p.h"
#include "core/train/epochmetrics.h"

namespace lab {

/** Fraction of units of each ReLU-followed weight layer never active on `probe` (eval mode). */
std::vector<double> deadFractions(BuiltNetwork &network, const torch::Tensor &probe);

/** L2 norm of each weight layer's weight. */
std::vector<double> weightNorms(const BuiltNetwork &network);

/** L2 norm of each weight layer's current gradient (0 when it has none). */
std::vector<double> gradientNorms(const BuiltNetwork &network);

/** Assembles per-layer diagnostics from the three measurements. */
QVector<LayerDiagnostics> layerDiagnostics(const BuiltNetwork &network, const std::vector<double> &dead,
                                           const std::vector<double> &gradients, const std::vector<double> &weights);

} // namespace lab
