#pragma once

#include "ui/charts/chartwidget.h"
#include "core/infer/firstlayerweights.h"

#include <QImage>
#include <QRect>
#include <QVector>

namespace lab {

/**
 * A trained network's first layer as images: each hidden unit's input weights as a
 * 28×28 tile (or each first-layer convolution kernel), in a grid, on a diverging
 * blue–white–red colour map with a symmetric scale (white = 0). Hovering a tile shows
 * its unit index and weight range.
 */
class FirstLayerWeightsView : public ChartWidget
{
    Q_OBJECT

public:
    explicit FirstLayerWeightsView(QWidget *parent = nullptr);

    /** Shows `weights`; `source` names where they come from (run id or file). */
    void setWeights(const FirstLayerWeights &weights, const QString &source = QString());
    /** Loads the first layer of a model file; on failure shows the message and returns false. */
    bool loadModel(const QString &path, const QString &source = QString());
    /** Shows `message` instead of tiles. */
    void clear(const QString &message);

    bool hasWeights() const { return m_weights.units > 0; }
    const FirstLayerWeights &weights() const { return m_weights; }
    int tileCount() const { return m_weights.units; }
    QString message() const { return m_message; }

    /** Each tile on its own symmetric scale instead of one scale for all. */
    void setPerUnitScale(bool on);
    bool perUnitScale() const { return m_perUnitScale; }

    /** Where tile `unit` lands in an image of `size` (the widget's own size when painting). */
    QRect tileRect(int unit, const QSize &size) const;
    /** The unit whose tile contains `pos` in an image of `size`, or -1. */
    int unitAt(const QPoint &pos, const QSize &size) const;
    /** The hover text for widget position `pos`: "Unit 7 of Linear(50) …", or empty off the tiles. */
    QString toolTipAt(const QPoint &pos) const;
    /** The map: -1 → blue, 0 → white, +1 → red. */
    static QColor colourFor(double normalized);

protected:
    void paintContent(QPainter &painter, const QSizeF &size) override;
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;
    void addContextActions(QMenu *menu) override;

private:
    struct Layout
    {
        int columns = 1;
        int rows = 1;
        QSize tile;        ///< one tile's size in pixels
        QPointF pitch;     ///< from one tile to the next (the tiles spread over the whole area)
        QPoint origin;     ///< the first tile's top left
        QRect title;
        QRect legend;
    };
    Layout layoutFor(const QSize &size) const;
    void paint(QPainter &painter, const QSize &size) const;
    QString describeUnit(int unit) const;
    /** One image per unit at weight resolution, built once per weights/scale (1000 units repaint fast). */
    const QVector<QImage> &tiles() const;

    FirstLayerWeights m_weights;
    QString m_source;
    QString m_message;
    bool m_perUnitScale = false;
    mutable QVector<QImage> m_tiles;
};

} // namespace lab
