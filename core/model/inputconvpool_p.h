#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include <torch/torch.h>

namespace lab {

/**
 * The first layers of most MNIST convolution nets — a convolution of the one-channel
 * image, an optional batch norm, a 2×2 max pool and an optional ReLU — computed in one
 * pass, without the full-size convolution output in memory.
 *
 * Why it exists: evaluating the 10,000 test images with a 24-channel 5×5 first layer,
 * libtorch's convolution took ~110 ms and the pool over its 24×24 maps (28 MB per chunk
 * of 512 images, more than the caches hold) another ~130 ms. Here each 2×2 window's four
 * sums stay in registers and only the pooled map is written. In training, oneDNN's weight
 * gradient of a one-channel convolution was the slowest part of quick-99's step; here it
 * is a sum over the pooled positions only.
 *
 * The numbers are the modules' up to float rounding (the sums run in another order, and
 * the batch norm is folded into the weights); tests compare the two, gradients included.
 */

/**
 * How many modules from `first` on this stands in for on `x`, or 0 when it does not apply:
 * an x86-64 CPU with AVX2 and FMA; `x` a contiguous N×1×H×W float tensor that needs no
 * gradient; a Conv2d with one input channel, a square kernel, stride 1, no dilation and the
 * same zero padding on all sides; then at most one BatchNorm2d, only when evaluating (eval
 * mode, running statistics, no gradient wanted for the weights); then a MaxPool2d of 2×2 with
 * stride 2, no padding and floor rounding, with at most one ReLU before or after it.
 */
int inputConvPoolSpan(const torch::nn::Sequential &net, size_t first, const torch::Tensor &x);

/**
 * The output of modules first … first + span − 1 on `x`: N×C×H'×W', channels-last. When
 * gradients are on and the convolution's weights want one, the result carries them back
 * to the weight and bias (not to `x`).
 */
torch::Tensor inputConvPool(const torch::nn::Sequential &net, size_t first, int span, const torch::Tensor &x);

} // namespace lab
