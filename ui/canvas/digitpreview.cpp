#include "ui/canvas/digitpreview.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace lab {

DigitPreview::DigitPreview(QWidget *parent)
    : QWidget(parent)
{
    setToolTip(tr("What the model sees: the ink cropped, scaled to 20 px, centred by mass in 28×28"));
}

void DigitPreview::setPixels(const std::vector<float> &pixels)
{
    if (pixels.size() != 784) {
        m_image = QImage();
    } else {
        m_image = QImage(28, 28, QImage::Format_Grayscale8);
        for (int y = 0; y < 28; ++y) {
            uchar *line = m_image.scanLine(y);
            for (int x = 0; x < 28; ++x)
                line[x] = uchar(std::lround(std::clamp(pixels[size_t(y) * 28 + x], 0.0f, 1.0f) * 255.0f));
        }
    }
    update();
}

void DigitPreview::setSaliency(const std::vector<float> &attribution)
{
    m_saliency = QImage();
    if (attribution.size() == 784) {
        float largest = 0;
        for (float a : attribution)
            largest = std::max(largest, std::abs(a));
        if (largest > 0) {
            m_saliency = QImage(28, 28, QImage::Format_ARGB32);
            for (int y = 0; y < 28; ++y) {
                auto *line = reinterpret_cast<QRgb *>(m_saliency.scanLine(y));
                for (int x = 0; x < 28; ++x) {
                    const float a = attribution[size_t(y) * 28 + x] / largest;
                    // Square root: a few strong pixels must not wash out the rest. Opaque
                    // enough to read at a glance, never hiding the digit under it.
                    const int alpha = int(std::lround(std::sqrt(std::abs(a)) * 220));
                    line[x] = a >= 0 ? qRgba(230, 40, 30, alpha) : qRgba(40, 90, 240, alpha);
                }
            }
        }
    }
    update();
}

void DigitPreview::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const int side = std::min(width(), height());
    const QRect target((width() - side) / 2, (height() - side) / 2, side, side);
    p.fillRect(target, Qt::black);
    if (!m_image.isNull()) {
        // No smoothing: each model pixel stays a visible square.
        p.setRenderHint(QPainter::SmoothPixmapTransform, false);
        p.drawImage(target, m_image);
        if (!m_saliency.isNull())
            p.drawImage(target, m_saliency);
    }
    // The 20×20 box MNIST digits are scaled into, as a faint guide.
    p.setPen(QColor(80, 80, 80));
    const double cell = side / 28.0;
    p.drawRect(QRectF(target.left() + 4 * cell, target.top() + 4 * cell, 20 * cell, 20 * cell));
}

} // namespace lab
