#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include <torch/torch.h>

#include <vector>

namespace lab {

/**
 * True when channelsLastBatchNorm should stand in for `bn` on `x`: a 4-d float tensor
 * stored channels-last (NHWC) whose channel count is not a multiple of 8, and a batch norm
 * with the default affine weights and running statistics.
 */
bool fitsChannelsLastBatchNorm(const torch::Tensor &x, const torch::nn::BatchNorm2dImpl &bn);

/**
 * bn->forward(x) for channels-last images, with the same numbers and side effects: in
 * training mode it normalises with the batch's statistics, updates the running mean and
 * (unbiased) variance and counts the batch, and its backward gives libtorch's gradients;
 * in evaluation mode it applies the running statistics.
 *
 * Why it exists: libtorch 1.13's CPU batch norm on channels-last tensors is slow when the
 * channel count is not a multiple of 8. One layer on 256×12×24×24 activations took 28 ms
 * (forward and backward, 2 threads) against 6 ms here, and a one-epoch run of a two-conv
 * net with 12 and 24 channels took 12.4 s instead of 7.1 s. Here the tensor is read as a
 * (N·H·W)×C matrix and each pass is one sweep over memory.
 */
torch::Tensor channelsLastBatchNorm(const torch::Tensor &x, torch::nn::BatchNorm2dImpl &bn);

/** A per-channel map y = scale·x + shift. */
struct ChannelAffine
{
    std::vector<double> scale, shift;
};

/**
 * `bn` in evaluation mode as a per-channel affine map: scale = γ/√(var + ε) and
 * shift = β − mean·scale, from its running statistics. Used by channelsLastBatchNorm and
 * to fold a batch norm into the convolution before it (inputConvPool).
 */
ChannelAffine runningStatisticsAffine(const torch::nn::BatchNorm2dImpl &bn);

} // namespace lab
