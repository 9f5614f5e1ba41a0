#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include "core/model/networkbuilder_p.h"

#include <memory>
#include <vector>

namespace lab {

/**
 * Forward and backward passes of a plain MLP (Flatten, Linear, and ReLU / LeakyReLU /
 * Sigmoid / Tanh between them) written out without autograd.
 *
 * Why: a libtorch training step is ~25 dispatched operations plus an autograd graph. At
 * batch 1 that bookkeeping costs several times the arithmetic (784-50-50-10: ~280 µs per
 * step, of which the maths is a few tens of µs), and at batch 50 it is still a good part
 * of a step. Here batches under 16 run plain loops; larger ones call the same BLAS matrix
 * products autograd would (on preallocated buffers) and do the rest in loops.
 *
 * It writes the gradients autograd would compute into the parameters' grad(), so the
 * optimiser, the diagnostics and the checkpoints work unchanged. Summation order differs
 * from libtorch's in the loops, so results agree to float rounding, not bit for bit; a run
 * is still deterministic for a seed, since the trainer picks this path from the design.
 */
class PlainMlpPasses
{
public:
    /** Batches from this size on use BLAS matrix products; smaller ones plain loops. */
    static constexpr int blasFromBatch = 16;
    /**
     * Larger batches stay with autograd: their steps are all matrix products, and this
     * class's two buffers per layer would double the activation memory of a huge batch.
     */
    static constexpr int maxBatch = 1024;

    /**
     * The passes for `network` at up to `maxBatch` images, or null when `spec` is not a plain
     * MLP. `labelSmoothing` is TrainConfig::labelSmoothing (0 = plain cross-entropy).
     */
    static std::unique_ptr<PlainMlpPasses> tryCreate(const NetworkSpec &spec, const BuiltNetwork &network, int maxBatch,
                                                     double labelSmoothing = 0.0);

    /**
     * Mean cross-entropy of `batch` (≤ maxBatch) images (in features each, normalised)
     * against their labels, smoothed as libtorch's cross_entropy(label_smoothing) does;
     * leaves d(loss)/d(parameter) in every parameter's grad().
     * `correct`, when given, receives how many images the forward pass classified right.
     */
    double forwardBackward(const float *images, const std::int64_t *labels, int batch, int *correct = nullptr);

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
        torch::Tensor output;        ///< maxBatch × out, after the activation
        torch::Tensor delta;         ///< maxBatch × out: d(loss)/d(output before the activation)
    };

    void forwardLinear(Layer &layer, const float *input, int batch) const;
    void backwardLinear(Layer &layer, const float *input, int batch, Layer *below) const;

    std::vector<Layer> m_layers;
    int m_maxBatch = 0;
    float m_labelSmoothing = 0.0f;
};

} // namespace lab
