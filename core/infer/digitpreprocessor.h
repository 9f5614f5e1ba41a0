#pragma once

#include "core/infer/grayimage.h"

#include <QString>
#include <vector>

namespace lab {

/** The outcome of preparing a drawing for the model. */
struct PreparedDigit
{
    bool hasInk = false;
    bool inverted = false;           ///< the input had dark ink on a light background
    std::vector<float> pixels;       ///< 784 values in [0,1], 1 = ink, MNIST layout
};

/**
 * Turns any drawing or photo of one digit into what MNIST looks like: ink found
 * (polarity detected from the border), cropped to its bounding box, scaled with
 * anti-aliasing so the longer side is 20 px, placed in 28×28 with the centre of mass at
 * the centre. The canvas and `mnist-lab-cli predict` both use exactly this.
 */
class DigitPreprocessor
{
public:
    /** `inkIsBright`: true when ink is light on dark; use detectInkIsBright() if unknown. */
    static PreparedDigit prepare(const GrayImage &image, bool inkIsBright);
    /** Guesses polarity from the border pixels (the background dominates the border). */
    static bool detectInkIsBright(const GrayImage &image);
    /** prepare(image, detectInkIsBright(image)). */
    static PreparedDigit prepareAuto(const GrayImage &image);
};

} // namespace lab
