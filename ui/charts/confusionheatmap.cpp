#include "ui/charts/confusionheatmap.h"

#include <QAction>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QLinearGradient>
#include <QLocale>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace lab {

ConfusionHeatmap::ConfusionHeatmap(QWidget *parent)
    : ChartWidget(QStringLiteral("confusion"), parent)
{
    setMouseTracking(false);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ConfusionHeatmap::setMatrix(const ConfusionMatrix &matrix, const QString &caption)
{
    m_matrix = matrix;
    m_caption = caption;
    update();
}

QString ConfusionHeatmap::epochCaption(int epoch, double testAccuracy)
{
    return tr("Confusion matrix, test set, epoch %1 (accuracy %2%)").arg(epoch).arg(QLocale().toString(testAccuracy, 'f', 2));
}

void ConfusionHeatmap::setRowNormalized(bool on)
{
    if (on == m_normalized)
        return;
    m_normalized = on;
    update();
    Q_EMIT rowNormalizedToggled(on);
}

double ConfusionHeatmap::cellValue(int row, int column) const
{
    const double count = double(m_matrix.at(row, column));
    if (!m_normalized)
        return count;
    const qint64 total = m_matrix.rowTotal(row);
    return total > 0 ? 100.0 * count / double(total) : 0.0;
}

double ConfusionHeatmap::maxValue() const
{
    double hi = 0;
    for (int r = 0; r < ConfusionMatrix::classes; ++r)
        for (int c = 0; c < ConfusionMatrix::classes; ++c)
            hi = qMax(hi, cellValue(r, c));
    return hi;
}

double ConfusionHeatmap::intensity(double value) const
{
    const double hi = maxValue();
    return hi > 0 ? std::sqrt(qBound(0.0, value / hi, 1.0)) : 0.0;
}

QColor ConfusionHeatmap::colorFor(double t)
{
    // White → light blue → deep blue.
    const QColor a(255, 255, 255), b(107, 174, 214), c(8, 48, 107);
    auto mix = [](const QColor &x, const QColor &y, double f) {
        return QColor(int(x.red() + (y.red() - x.red()) * f), int(x.green() + (y.green() - x.green()) * f),
                      int(x.blue() + (y.blue() - x.blue()) * f));
    };
    return t < 0.5 ? mix(a, b, t * 2) : mix(b, c, (t - 0.5) * 2);
}

QStringList ConfusionHeatmap::scaleLabels() const
{
    if (m_matrix.isEmpty())
        return {};   // no "0 / 0 / 0" before there is anything to scale
    const double hi = maxValue();
    // √ scale: the middle of the bar is a quarter of the maximum.
    if (m_normalized)
        return {QStringLiteral("%1%").arg(QLocale().toString(hi, 'f', 0)),
                QStringLiteral("%1%").arg(QLocale().toString(hi / 4, 'f', 0)), QStringLiteral("0%")};
    return {QLocale().toString(qint64(hi)), QLocale().toString(qint64(hi / 4)), QStringLiteral("0")};
}

ConfusionHeatmap::Geometry ConfusionHeatmap::layout(const QSizeF &size) const
{
    Geometry g;
    // Text grows with the chart, within readable bounds; the margins are measured from it,
    // so headers, "predicted", "true" and the colour-bar labels always fit inside.
    g.font.setPixelSize(int(qBound<qreal>(10, qMin(size.width(), size.height() * 1.6) / 55, 18)));
    const QFontMetricsF fm(g.font);
    g.line = fm.height();
    g.small = g.font;
    qreal labelWidth = fm.horizontalAdvance(QStringLiteral("0"));
    for (const QString &label : scaleLabels())
        labelWidth = qMax(labelWidth, fm.horizontalAdvance(label));
    const qreal top = 1.5 * g.line + 1.2 * g.line;                        // title, column header
    const qreal left = 1.4 * g.line + fm.horizontalAdvance(QStringLiteral("9")) + 8;   // "true", row header
    const qreal bottom = 1.5 * g.line;                                    // "predicted"
    const qreal barWidth = qBound<qreal>(10, size.width() * 0.02, 24);
    const qreal right = 10 + barWidth + 4 + labelWidth + 4;
    g.grid = QRectF(left, top, qMax<qreal>(10, size.width() - left - right), qMax<qreal>(10, size.height() - top - bottom));
    g.cellWidth = g.grid.width() / ConfusionMatrix::classes;
    g.cellHeight = g.grid.height() / ConfusionMatrix::classes;
    g.scale = QRectF(g.grid.right() + 10, g.grid.top(), barWidth, g.grid.height());
    // Cell values: as large as the narrowest cell allows for the longest value.
    int digits = 1;
    for (int r = 0; r < ConfusionMatrix::classes; ++r)
        for (int c = 0; c < ConfusionMatrix::classes; ++c)
            digits = qMax(digits, int((m_normalized ? QLocale().toString(cellValue(r, c), 'f', 1)
                                                    : QString::number(m_matrix.at(r, c))).size()));
    g.small.setPixelSize(int(qBound<qreal>(6, qMin(g.cellHeight * 0.45, g.cellWidth / (0.62 * digits + 0.5)), g.font.pixelSize())));
    return g;
}

void ConfusionHeatmap::paint(QPainter &p, const QSizeF &size) const
{
    p.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
    const Geometry g = layout(size);
    p.setFont(g.font);

    // Caption and axis titles.
    p.setPen(Qt::black);
    const QString title = m_caption.isEmpty() ? tr("Confusion matrix (test set)") : m_caption;
    p.drawText(QRectF(0, 0, size.width(), 1.5 * g.line), Qt::AlignHCenter | Qt::AlignVCenter,
               QFontMetricsF(g.font).elidedText(title, Qt::ElideMiddle, size.width() - 4));
    p.drawText(QRectF(g.grid.left(), g.grid.bottom(), g.grid.width(), 1.5 * g.line), Qt::AlignHCenter | Qt::AlignVCenter,
               tr("predicted"));
    p.save();
    p.translate(0.7 * g.line, g.grid.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-g.grid.height() / 2, -0.6 * g.line, g.grid.height(), 1.2 * g.line), Qt::AlignCenter, tr("true"));
    p.restore();

    const int n = ConfusionMatrix::classes;
    for (int i = 0; i < n; ++i) {
        p.drawText(QRectF(g.grid.left() + i * g.cellWidth, g.grid.top() - 1.2 * g.line, g.cellWidth, 1.2 * g.line),
                   Qt::AlignCenter, QString::number(i));
        p.drawText(QRectF(g.grid.left() - 1.4 * g.line, g.grid.top() + i * g.cellHeight, 1.4 * g.line - 6, g.cellHeight),
                   Qt::AlignRight | Qt::AlignVCenter, QString::number(i));
    }
    // Values only where they are readable.
    const bool values = g.small.pixelSize() >= 8;
    p.setFont(g.small);
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c < n; ++c) {
            const QRectF cell(g.grid.left() + c * g.cellWidth, g.grid.top() + r * g.cellHeight, g.cellWidth, g.cellHeight);
            const double v = cellValue(r, c);
            const double t = intensity(v);
            p.fillRect(cell, colorFor(t));
            if (v > 0 && values) {
                p.setPen(t > 0.6 ? Qt::white : (r == c ? Qt::black : QColor(150, 0, 0)));
                const QString text = m_normalized ? QLocale().toString(v, 'f', v >= 10 ? 0 : 1)
                                                  : QString::number(qint64(v));
                p.drawText(cell, Qt::AlignCenter, text);
            }
        }
    }
    p.setPen(QColor(200, 200, 200));
    p.drawRect(g.grid);

    // Colour scale with its end labels.
    QLinearGradient gradient(g.scale.bottomLeft(), g.scale.topLeft());
    for (int i = 0; i <= 10; ++i)
        gradient.setColorAt(i / 10.0, colorFor(i / 10.0));
    p.fillRect(g.scale, gradient);
    p.setPen(QColor(120, 120, 120));
    p.drawRect(g.scale);
    p.setPen(Qt::black);
    p.setFont(g.font);
    const QStringList labels = scaleLabels();
    if (labels.size() == 3) {
        const qreal x = g.scale.right() + 4, w = size.width() - x;
        p.drawText(QRectF(x, g.scale.top(), w, g.line), Qt::AlignLeft | Qt::AlignTop, labels.at(0));
        p.drawText(QRectF(x, g.scale.center().y() - g.line / 2, w, g.line), Qt::AlignLeft | Qt::AlignVCenter, labels.at(1));
        p.drawText(QRectF(x, g.scale.bottom() - g.line, w, g.line), Qt::AlignLeft | Qt::AlignBottom, labels.at(2));
    }
    if (m_matrix.isEmpty()) {
        p.setPen(QColor(120, 120, 120));
        p.drawText(g.grid, Qt::AlignCenter | Qt::TextWordWrap, tr("Filled in after the first epoch"));
    }
}

void ConfusionHeatmap::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    paint(p, size());
}

void ConfusionHeatmap::paintContent(QPainter &painter, const QSizeF &size)
{
    paint(painter, size);
}

QPoint ConfusionHeatmap::cellAt(const QPoint &pos) const
{
    const Geometry g = layout(size());
    if (!g.grid.contains(pos))
        return QPoint(-1, -1);
    const int c = qBound(0, int((pos.x() - g.grid.left()) / g.cellWidth), ConfusionMatrix::classes - 1);
    const int r = qBound(0, int((pos.y() - g.grid.top()) / g.cellHeight), ConfusionMatrix::classes - 1);
    return QPoint(c, r);
}

void ConfusionHeatmap::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        const QPoint cell = cellAt(event->position().toPoint());
        if (cell.x() >= 0 && !m_matrix.isEmpty())
            Q_EMIT cellClicked(cell.y(), cell.x());
    }
    ChartWidget::mouseReleaseEvent(event);
}

bool ConfusionHeatmap::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPoint cell = cellAt(help->pos());
        if (cell.x() < 0 || m_matrix.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        const int r = cell.y(), c = cell.x();
        const qint64 count = m_matrix.at(r, c);
        const qint64 rowTotal = m_matrix.rowTotal(r);
        const double share = rowTotal > 0 ? 100.0 * double(count) / double(rowTotal) : 0.0;
        const QString text = r == c
            ? tr("%1 of %2 images of %3 recognised (%4%)\nClick to see them")
                  .arg(count).arg(rowTotal).arg(r).arg(QLocale().toString(share, 'f', 1))
            : tr("true %1, predicted %2: %3 images (%4% of the %1s)\nClick to see them")
                  .arg(r).arg(c).arg(count).arg(QLocale().toString(share, 'f', 2));
        QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return ChartWidget::event(event);
}

void ConfusionHeatmap::addContextActions(QMenu *menu)
{
    QAction *a = addCheckableAction(menu, tr("Row-normalised (%)"), m_normalized);
    connect(a, &QAction::toggled, this, &ConfusionHeatmap::setRowNormalized);
}

} // namespace lab
