#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files.

#include "core/data/dataset.h"
#include "core/train/trainconfig.h"

#include <torch/torch.h>

namespace lab {

/**
 * Random affine (shift, rotation, scale) and optional elastic distortion of a batch of
 * normalised N×1×H×W images, drawing from `generator` so a seed reproduces it. The
 * background stays background: the warp happens in [0,1] space, where outside is 0.
 */
torch::Tensor augmentBatch(const torch::Tensor &images, const AugmentConfig &config, Normalization norm,
                           at::Generator &generator);

/**
 * The images (N×1×H×W, normalised) warped by one 2×3 affine map each (`theta`, N×2×3, in
 * affine_grid's normalised coordinates): the numbers of affine_grid + bilinear grid_sample
 * with zero padding in [0,1] space, computed directly. The result keeps the input's strides.
 */
torch::Tensor affineWarp(const torch::Tensor &images, const torch::Tensor &theta, Normalization norm);

} // namespace lab
