#pragma once

#include "ui/charts/chartwidget.h"
#include "core/eval/confusionmatrix.h"

#include <QFont>
#include <QStringList>

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
    /** The caption of one epoch's matrix: "Confusion matrix, test set, epoch 3 (accuracy 97.50%)". */
    static QString epochCaption(int epoch, double testAccuracy);
    const ConfusionMatrix &matrix() const { return m_matrix; }
    /** Row-normalised view: each cell is the share of its true class, in percent. */
    void setRowNormalized(bool on);
    bool rowNormalized() const { return m_normalized; }

    /** Cell under a widget position, or (-1, -1). */
    QPoint cellAt(const QPoint &pos) const;
    QSize sizeHint() const override { return QSize(460, 400); }
    QSize minimumSizeHint() const override { return QSize(260, 220); }

Q_SIGNALS:
    void cellClicked(int trueLabel, int predicted);
    void rowNormalizedToggled(bool on);

protected:
    void paintContent(QPainter &painter, const QSizeF &size) override;
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    bool event(QEvent *event) override;
    void addContextActions(QMenu *menu) override;

private:
    /** Where everything goes at one size; text sizes follow the size, room for text is measured. */
    struct Geometry
    {
        QFont font;        ///< titles and headers
        QFont small;       ///< cell values and colour-bar ticks
        qreal line = 0;    ///< height of one line of `font`
        QRectF grid;
        qreal cellWidth = 0;
        qreal cellHeight = 0;
        QRectF scale;      ///< the colour bar
    };
    Geometry layout(const QSizeF &size) const;
    void paint(QPainter &painter, const QSizeF &size) const;
    double cellValue(int row, int column) const;
    /** Colour intensity in [0,1]; square-root scale so the few off-diagonal errors show. */
    double intensity(double value) const;
    double maxValue() const;
    /** The colour bar's labels: top (maximum), middle, bottom; empty before the first epoch. */
    QStringList scaleLabels() const;
    static QColor colorFor(double t);

    ConfusionMatrix m_matrix;
    QString m_caption;
    bool m_normalized = false;
};

} // namespace lab
