#pragma once

#include <QImage>
#include <QWidget>

#include <vector>

namespace lab {

/**
 * The 28×28 picture the model actually receives, enlarged with hard pixel edges so the
 * user can see what cropping, scaling and centring did to the drawing. Optionally with a
 * saliency overlay on top: red where a pixel pushed the model towards its answer, blue
 * where it pushed against it, stronger colour for a larger share.
 */
class DigitPreview : public QWidget
{
    Q_OBJECT

public:
    explicit DigitPreview(QWidget *parent = nullptr);

    /** 784 values in [0,1] (1 = ink), or an empty vector for "nothing yet". */
    void setPixels(const std::vector<float> &pixels);
    /** The current 28×28 image (white ink on black, as MNIST), null when empty. */
    QImage image() const { return m_image; }
    /** 784 signed attributions (Predictor::explain), or empty for no overlay. */
    void setSaliency(const std::vector<float> &attribution);
    bool hasSaliency() const { return !m_saliency.isNull(); }
    /** The overlay as 28×28 ARGB colours (null when none): what the user sees on top. */
    QImage saliencyImage() const { return m_saliency; }

    QSize sizeHint() const override { return QSize(168, 168); }
    QSize minimumSizeHint() const override { return QSize(84, 84); }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QImage m_image;
    QImage m_saliency;
};

} // namespace lab
