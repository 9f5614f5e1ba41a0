#include "core/infer/grayimage.h"

namespace lab {

namespace {

quint32 pixelAt(const uchar *bits, qsizetype bytesPerLine, int x, int y)
{
    return reinterpret_cast<const quint32 *>(bits + y * bytesPerLine)[x];
}

// The same weights as Qt's qGray(): (11 r + 16 g + 5 b) / 32, in [0,255].
double luminance(quint32 argb)
{
    const int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
    return (r * 11 + g * 16 + b * 5) / 32.0;
}

double alpha(quint32 argb)
{
    return (argb >> 24) / 255.0;
}

} // namespace

GrayImage GrayImage::fromArgb32(const uchar *bits, int width, int height, qsizetype bytesPerLine)
{
    // The background under transparent pixels: white behind dark content, black behind light.
    double sum = 0, weight = 0;
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const quint32 p = pixelAt(bits, bytesPerLine, x, y);
            sum += alpha(p) * luminance(p);
            weight += alpha(p);
        }
    }
    const bool darkContent = weight <= 0 || sum / weight < 128;
    const double background = darkContent ? 255.0 : 0.0;

    GrayImage out;
    out.width = width;
    out.height = height;
    out.values.resize(size_t(width) * size_t(height));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const quint32 p = pixelAt(bits, bytesPerLine, x, y);
            const double a = alpha(p);
            out.values[size_t(y) * width + x] = float((a * luminance(p) + (1 - a) * background) / 255.0);
        }
    }
    return out;
}

} // namespace lab
