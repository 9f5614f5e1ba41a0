#pragma once

#include "ui/charts/chartwidget.h"
#include "core/eval/confusionmatrix.h"

namespace lab {

/**
 * The test set's confusion matrix as a heatmap: rows are true labels, columns predicted
 * labels, counts (or row percentages) in the cells, a colour scale beside it, a tooltip
 * per cell, and cellClicked(true, predicted) for opening the matching images. Painted by
 * hand (no Qt Charts), at any size, so screen and PNG export share one paint routine.
 */
class ConfusionHeatmap : public ChartWidget
{
    Q_OBJECT

public:
    explicit ConfusionHeatmap(QWidget *parent = nullptr);

    void setMatrix(const ConfusionMatrix &matrix, const QString &caption = QString());
    const ConfusionMatrix &matrix() const { return m_matrix; }
    /** Row-normalised view: each cell is the share of its true class, in percent. */
    void setRowNormalized(bool on);
    bool rowNormalized() const { return m_normalized; }

    QImage renderImage(const QSize &size) override;
    /** Cell under a widget position, or (-1, -1). */
    QPoint cellAt(const QPoint &pos) const;
    QSize sizeHint() const override { return QSize(460, 400); }
    QSize minimumSizeHint() const override { return QSize(260, 220); }

Q_SIGNALS:
    void cellClicked(int trueLabel, int predicted);
    void rowNormalizedToggled(bool on);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;
    void addContextActions(QMenu *menu) override;

private:
    struct Geometry
    {
        QRectF grid;
        qreal cell = 0;
        QRectF scale;
    };
    Geometry layout(const QSizeF &size) const;
    void paint(QPainter &painter, const QSizeF &size) const;
    double cellValue(int row, int column) const;
    /** Colour intensity in [0,1]; square-root scale so the few off-diagonal errors show. */
    double intensity(double value) const;
    double maxValue() const;
    static QColor colorFor(double t);

    ConfusionMatrix m_matrix;
    QString m_caption;
    bool m_normalized = false;
};

} // namespace lab
