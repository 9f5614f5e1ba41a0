#pragma once

// Header-only, so labtestsupport itself needs no Qt Gui: only the GUI tests include it.

#include <QImage>
#include <QRect>
#include <QSet>

namespace ImageChecks {

/** Distinct colours in a sample (every third pixel) of `image`: a blank image has 1. */
inline int colourCount(const QImage &image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

/**
 * The smallest rectangle holding every pixel that differs from `background`: what a reader
 * sees of the content (an empty image gives an empty rectangle).
 */
inline QRect contentRect(const QImage &image, QRgb background = 0xffffffff)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    int left = argb.width(), right = -1, top = argb.height(), bottom = -1;
    for (int y = 0; y < argb.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x) {
            if (line[x] == background)
                continue;
            left = qMin(left, x);
            right = qMax(right, x);
            top = qMin(top, y);
            bottom = qMax(bottom, y);
        }
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}

} // namespace ImageChecks
