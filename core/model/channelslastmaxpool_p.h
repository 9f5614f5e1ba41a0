#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include <torch/torch.h>

namespace lab {

/** A MaxPool2d of 2×2 windows with stride 2, no padding, no dilation and floor rounding. */
bool isPlainTwoByTwoMaxPool(const torch::nn::MaxPool2dImpl &pool);

/**
 * True when channelsLastMaxPool should stand in for `pool` on `x`: a plain 2×2 pool
 * (isPlainTwoByTwoMaxPool) and a 4-d float tensor stored channels-last (NHWC) with at least
 * one whole window.
 */
bool fitsChannelsLastMaxPool(const torch::Tensor &x, const torch::nn::MaxPool2dImpl &pool);

/**
 * The 2×2 max pool of channels-last images, followed by a ReLU when `relu` is set (max and
 * ReLU commute, so this is also ReLU-then-pool): libtorch's numbers, and when `x` needs a
 * gradient, libtorch's gradient (each window's gradient goes to the first of its largest
 * values in row order, and nowhere where the ReLU is closed).
 *
 * Why it exists: libtorch 1.13's pool writes a 64-bit index for every output value and its
 * backward clears the whole input gradient before scattering into it. Here the backward
 * finds each window's winner again from the saved input and writes all four gradients in
 * one sweep: quick-99's second pool and ReLU took ~0.5 ms of a 16 ms step in libtorch.
 */
torch::Tensor channelsLastMaxPool(const torch::Tensor &x, bool relu);

} // namespace lab
