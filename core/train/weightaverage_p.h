#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include <QtGlobal>
#include <torch/torch.h>
#include <vector>

namespace lab {

/**
 * An exponential moving average of a network's weights and floating-point buffers
 * (BatchNorm's running statistics), kept beside the trained values (TrainConfig::
 * weightAverageDecay). The trainer updates it after every optimiser step and swaps it into
 * the network for whatever should see the averaged model: evaluations, the best-epoch copy,
 * the saved model. Integer buffers (BatchNorm's batch counter) are not averaged; they stay
 * the network's own.
 */
class WeightAverage
{
public:
    WeightAverage(torch::nn::Module &network, double decay);

    /**
     * avg ← d·avg + (1 − d)·w after optimiser step `step` (1-based), with
     * d = min(decay, (1 + step) / (10 + step)): the ramp keeps the first epochs' average
     * from being mostly the random initial weights.
     */
    void update(qint64 step);
    /** Exchanges the network's values and the averaged ones; twice restores both. */
    void swap();

    void save(torch::serialize::OutputArchive &archive) const;
    /** Leaves the average as it is (the network's starting values) when `archive` holds none. */
    void load(torch::serialize::InputArchive &archive);

private:
    std::vector<torch::Tensor> m_live;       ///< the network's parameters and floating buffers
    std::vector<torch::Tensor> m_averaged;   ///< one per m_live, same shape and memory order
    double m_decay;
};

/** While alive, the network holds the averaged weights (when there is an average). */
class AveragedWeightsIn
{
public:
    explicit AveragedWeightsIn(WeightAverage *average) : m_average(average)
    {
        if (m_average)
            m_average->swap();
    }
    ~AveragedWeightsIn()
    {
        if (m_average)
            m_average->swap();
    }
    AveragedWeightsIn(const AveragedWeightsIn &) = delete;
    AveragedWeightsIn &operator=(const AveragedWeightsIn &) = delete;

private:
    WeightAverage *m_average;
};

} // namespace lab
