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

} // namespace lab
