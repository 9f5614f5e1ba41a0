#pragma once

#include "core/data/dataset.h"
#include "core/train/trainconfig.h"

#include <vector>

namespace lab {

/** The trainer's augmentation, callable on its own (previews and tests). */
class Augmenter
{
public:
    /**
     * Augments `count` normalised 28×28 images (count×784 values) with a fresh generator
     * seeded by `seed`: the same seed gives the same images.
     */
    static std::vector<float> augment(const std::vector<float> &pixels, int count, const AugmentConfig &config,
                                      Normalization norm, quint64 seed);
};

} // namespace lab
