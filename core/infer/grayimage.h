#pragma once

#include <QtGlobal>

#include <vector>

namespace lab {

/** A grayscale picture in plain memory: `width*height` values in [0,1], row-major. */
struct GrayImage
{
    int width = 0;
    int height = 0;
    std::vector<float> values;

    float at(int x, int y) const { return values[size_t(y) * width + x]; }

    /**
     * Luminance of 32-bit 0xAARRGGBB pixels (QImage::Format_ARGB32, not premultiplied), the
     * one conversion the canvas and `mnist-lab-cli predict` share. Transparent pixels are
     * flattened onto a background that contrasts with the opaque ones (a dark drawing on a
     * transparent PNG becomes dark on white, a light one light on black), because the
     * colour stored under alpha 0 is arbitrary. Takes raw rows so the core needs no QtGui.
     */
    static GrayImage fromArgb32(const uchar *bits, int width, int height, qsizetype bytesPerLine);
};

} // namespace lab
