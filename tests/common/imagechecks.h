#pragma once

// Header-only, so labtestsupport itself needs no Qt Gui: only the GUI tests include it.

#include <QImage>
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

} // namespace ImageChecks
