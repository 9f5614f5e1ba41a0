#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include "model/networkbuilder_p.h"

#include <memory>
#include <vector>

namespace lab {

/**
 * Forward and backward passes of a plain MLP (Flatten, Linear, and ReLU / LeakyReLU /
 * Sigmoid / Tanh between them) written out by hand, for batches under 16.
 *
 * Why: at batch 1 a libtorch step is ~25 dispatched operations plus an autograd graph,
 * and that bookkeeping costs several times the arithmetic of a small MLP (784-50-50-10:
 * ~280 µs per step through libtorch, of which the maths is a few tens of µs). The blog's
 * batch-1 run is 60,000 such steps per epoch.
 *
 * It writes the gradients autograd would compute into the parameters' grad(), so the
 * optimiser, the diagnostics and the checkpoints work unchanged. Summation order differs
 * from libtorch's, so results agree to float rounding, not bit for bit; a run is still
 * deterministic for a seed, since the trainer picks this path from the design alone.
 */
class SmallBatchMlp
{
public:
    /** Batches below this size use the hand-written passes. */
    static constexpr int maxBatch = 15;

    /** The hand-written passes for `network`, or null when `spec` is not a plain MLP. */
    static std::unique_ptr<SmallBatchMlp> tryCreate(const NetworkSpec &spec, const BuiltNetwork &network);

    /**
     * Mean cross-entropy of `batch` images (784 floats each, normalised) against their
     * labels; leaves d(loss)/d(parameter) in every parameter's grad().
     */
    double forwardBackward(const float *images, const std::int64_t *labels, int batch);

private:
    enum class Activation { None, ReLU, LeakyReLU, Sigmoid, Tanh };
    struct Layer
    {
        torch::Tensor weight;        ///< out × in, the network's own parameter
        torch::Tensor bias;          ///< out
        torch::Tensor weightGrad;    ///< same shapes, handed to the parameters each step
        torch::Tensor biasGrad;
        int in = 0;
        int out = 0;
        Activation activation = Activation::None;
        float slope = 0.01f;         ///< LeakyReLU's negative slope
        std::vector<float> output;   ///< maxBatch × out, after the activation
    };
    std::vector<Layer> m_layers;
    std::vector<float> m_delta, m_deltaBelow;   ///< maxBatch × widest layer: d(loss)/d(pre-activation)
};

} // namespace lab
