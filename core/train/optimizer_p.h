#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include "core/train/trainconfig.h"

#include <torch/torch.h>
#include <vector>

namespace lab {

/**
 * Adam, AdamW, SGD (momentum, Nesterov) and RMSprop as one fused loop per parameter
 * tensor, with the same arithmetic as torch::optim. Why not torch::optim: its step issues
 * ~10 tensor ops per parameter, and at small batches that per-op overhead costs more
 * than the forward and backward passes together (measured: ~40% of an epoch of
 * 784-50-50-10 at batch 50). The learning rate is passed to every step so schedules and
 * hand changes need no optimiser state.
 */
class Optimizer
{
public:
    Optimizer(std::vector<torch::Tensor> parameters, const TrainConfig &config);

    /** One update with learning rate `lr`, from the gradients currently in the parameters. */
    void step(double lr);
    /** Drops the gradients (backward allocates fresh ones; cheaper than zeroing). */
    void zeroGrad();
    qint64 steps() const { return m_steps; }

    void save(torch::serialize::OutputArchive &archive) const;
    void load(torch::serialize::InputArchive &archive);

private:
    std::vector<torch::Tensor> m_params;
    std::vector<torch::Tensor> m_first;    ///< Adam: m; SGD: momentum buffer; RMSprop: square average
    std::vector<torch::Tensor> m_second;   ///< Adam: v
    TrainConfig m_config;
    qint64 m_steps = 0;
};

} // namespace lab
