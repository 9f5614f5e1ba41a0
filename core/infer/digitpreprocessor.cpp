#include "core/infer/digitpreprocessor.h"

#include <algorithm>
#include <cmath>

namespace lab {

namespace {

constexpr int side = 28;
constexpr double boxSide = 20.0;
// MNIST's own digits have their index-weighted centre of mass at (14, 14) (measured on the
// test set: 14.00, 13.99), i.e. half a pixel right/below the geometric centre 13.5.
constexpr double targetCom = 14.0;
// Ink below this fraction of the way from background to full ink is treated as paper:
// JPEG noise, shadows and sensor grain must not widen the bounding box.
constexpr double noiseFloor = 0.12;

double median(std::vector<float> v)
{
    if (v.empty())
        return 0;
    const auto mid = v.begin() + std::ptrdiff_t(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// The outermost ring of pixels, a little thicker for big images so a single stray row does
// not decide. The background dominates it unless the digit fills the whole picture.
std::vector<float> borderValues(const GrayImage &image)
{
    std::vector<float> border;
    const int w = image.width, h = image.height;
    const int ring = std::max(1, std::min(w, h) / 50);
    for (int y = 0; y < h; ++y) {
        const bool edgeRow = y < ring || y >= h - ring;
        for (int x = 0; x < w; ++x) {
            if (edgeRow || x < ring || x >= w - ring)
                border.push_back(image.at(x, y));
        }
    }
    return border;
}

bool isValid(const GrayImage &image)
{
    return image.width > 0 && image.height > 0
        && image.values.size() == size_t(image.width) * size_t(image.height);
}

/**
 * Integral of the ink (piecewise constant per pixel, zero outside) over any rectangle with
 * fractional corners. The integral function is bilinear inside each pixel cell, so it is
 * exact to interpolate the summed-area table bilinearly.
 */
class InkIntegral
{
public:
    InkIntegral(const std::vector<double> &ink, int w, int h)
        : m_w(w), m_h(h), m_sat(size_t(w + 1) * size_t(h + 1), 0.0)
    {
        for (int y = 0; y < h; ++y) {
            double row = 0;
            for (int x = 0; x < w; ++x) {
                row += ink[size_t(y) * w + x];
                m_sat[size_t(y + 1) * (w + 1) + (x + 1)] = m_sat[size_t(y) * (w + 1) + (x + 1)] + row;
            }
        }
    }

    double over(double x0, double y0, double x1, double y1) const
    {
        return at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0);
    }

private:
    double sat(int x, int y) const { return m_sat[size_t(y) * (m_w + 1) + x]; }

    double at(double x, double y) const
    {
        x = std::clamp(x, 0.0, double(m_w));
        y = std::clamp(y, 0.0, double(m_h));
        const int ix = std::min(int(x), m_w - 1 < 0 ? 0 : m_w - 1);
        const int iy = std::min(int(y), m_h - 1 < 0 ? 0 : m_h - 1);
        const double fx = x - ix, fy = y - iy;
        return (1 - fx) * (1 - fy) * sat(ix, iy) + fx * (1 - fy) * sat(ix + 1, iy)
             + (1 - fx) * fy * sat(ix, iy + 1) + fx * fy * sat(ix + 1, iy + 1);
    }

    int m_w, m_h;
    std::vector<double> m_sat;
};

/**
 * Renders the cropped ink scaled by `scale` into an out-of-place grid of `w`×`h` pixels,
 * the crop's top-left corner landing at (`offsetX`, `offsetY`) in output pixel units.
 * Each output pixel averages the ink under its footprint, at least one source pixel
 * wide: area averaging when shrinking (anti-aliased), bilinear interpolation when growing.
 */
std::vector<double> render(const InkIntegral &ink, double scale, double offsetX, double offsetY, int w, int h)
{
    std::vector<double> out(size_t(w) * size_t(h), 0.0);
    const double half = 0.5 * std::max(1.0 / scale, 1.0);
    const double area = 4 * half * half;
    for (int v = 0; v < h; ++v) {
        const double sy = (v + 0.5 - offsetY) / scale;
        for (int u = 0; u < w; ++u) {
            const double sx = (u + 0.5 - offsetX) / scale;
            out[size_t(v) * w + u] = ink.over(sx - half, sy - half, sx + half, sy + half) / area;
        }
    }
    return out;
}

/** Index-weighted centre of mass (pixel i at coordinate i, MNIST's convention). */
bool centreOfMass(const std::vector<double> &img, int w, int h, double *cx, double *cy)
{
    double mass = 0, sx = 0, sy = 0;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double m = img[size_t(y) * w + x];
            mass += m;
            sx += m * x;
            sy += m * y;
        }
    }
    if (mass <= 0)
        return false;
    *cx = sx / mass;
    *cy = sy / mass;
    return true;
}

} // namespace

bool DigitPreprocessor::detectInkIsBright(const GrayImage &image)
{
    if (!isValid(image))
        return true;
    // A dark border means a dark background, so the ink is the bright part.
    return median(borderValues(image)) < 0.5;
}

PreparedDigit DigitPreprocessor::prepareAuto(const GrayImage &image)
{
    return prepare(image, detectInkIsBright(image));
}

PreparedDigit DigitPreprocessor::prepare(const GrayImage &image, bool inkIsBright)
{
    PreparedDigit result;
    result.inverted = !inkIsBright;
    result.pixels.assign(size_t(side) * side, 0.0f);
    if (!isValid(image))
        return result;

    const int w = image.width, h = image.height;
    auto inkOf = [inkIsBright](float v) {
        const double c = std::clamp(double(v), 0.0, 1.0);
        return inkIsBright ? c : 1.0 - c;
    };

    // Paper is rarely exactly white (or a screen exactly black): measure it on the border,
    // then map [background + floor, 1] to [0, 1].
    std::vector<float> border = borderValues(image);
    for (float &v : border)
        v = float(inkOf(v));
    const double background = std::min(median(border), 0.9);
    const double floorLevel = background + noiseFloor * (1.0 - background);
    const double range = 1.0 - floorLevel;

    int minX = w, minY = h, maxX = -1, maxY = -1;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            if (inkOf(image.at(x, y)) > floorLevel) {
                minX = std::min(minX, x);
                maxX = std::max(maxX, x);
                minY = std::min(minY, y);
                maxY = std::max(maxY, y);
            }
        }
    }
    if (maxX < 0)
        return result;   // nothing but paper: no ink, no guess

    const int cropW = maxX - minX + 1, cropH = maxY - minY + 1;
    std::vector<double> crop(size_t(cropW) * size_t(cropH));
    double peak = 0;
    for (int y = 0; y < cropH; ++y) {
        for (int x = 0; x < cropW; ++x) {
            const double v = std::max(0.0, (inkOf(image.at(minX + x, minY + y)) - floorLevel) / range);
            crop[size_t(y) * cropW + x] = v;
            peak = std::max(peak, v);
        }
    }
    const InkIntegral integral(crop, cropW, cropH);
    const double scale = boxSide / std::max(cropW, cropH);

    // Find where the crop's corner must go so the centre of mass lands on (14, 14). Shifting
    // by whole pixels moves the rendered CoM exactly; a fractional shift resamples and moves
    // it very slightly differently. So: render unclipped into a scratch grid with the same
    // sub-pixel phase as the candidate offset, measure, correct; two passes converge.
    const int pad = 4;
    const int gridW = int(std::ceil(cropW * scale)) + 2 * pad + 1;
    const int gridH = int(std::ceil(cropH * scale)) + 2 * pad + 1;
    double offX = 0, offY = 0;      // the crop corner in 28×28 output pixels
    for (int pass = 0; pass < 2; ++pass) {
        const double phaseX = offX - std::floor(offX), phaseY = offY - std::floor(offY);
        const std::vector<double> scratch = render(integral, scale, pad + phaseX, pad + phaseY, gridW, gridH);
        double cx = 0, cy = 0;
        if (!centreOfMass(scratch, gridW, gridH, &cx, &cy))
            return result;
        offX = pad + phaseX + (targetCom - cx);
        offY = pad + phaseY + (targetCom - cy);
    }

    const std::vector<double> out = render(integral, scale, offX, offY, side, side);
    double outPeak = 0;
    for (double v : out)
        outPeak = std::max(outPeak, v);
    if (outPeak <= 0 || peak <= 0)
        return result;
    // MNIST's strokes always reach full ink; thin pens or pale pencil get the same contrast.
    for (size_t i = 0; i < out.size(); ++i)
        result.pixels[i] = float(std::clamp(out[i] / outPeak, 0.0, 1.0));
    result.hasInk = true;
    return result;
}

} // namespace lab
