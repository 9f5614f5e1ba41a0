#include "ui/charts/confusionheatmap.h"

#include <QAction>
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

ConfusionHeatmap::Geometry ConfusionHeatmap::layout(const QSizeF &size) const
{
    Geometry g;
    const qreal top = size.height() * 0.08 + 18;      // caption and column header
    const qreal left = size.width() * 0.06 + 28;      // row header
    const qreal scaleWidth = qMax<qreal>(40, size.width() * 0.1);
    const qreal availableW = size.width() - left - scaleWidth - 16;
    const qreal availableH = size.height() - top - 24;
    g.cell = qMax<qreal>(4, qMin(availableW, availableH) / ConfusionMatrix::classes);
    g.grid = QRectF(left, top, g.cell * ConfusionMatrix::classes, g.cell * ConfusionMatrix::classes);
    g.scale = QRectF(g.grid.right() + 12, g.grid.top(), qMin<qreal>(18, scaleWidth / 3), g.grid.height());
    return g;
}

void ConfusionHeatmap::paint(QPainter &p, const QSizeF &size) const
{
    p.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
    const Geometry g = layout(size);
    QFont font = p.font();
    font.setPixelSize(int(qBound<qreal>(8, g.cell * 0.28, 28)));
    p.setFont(font);
    QFont small = font;
    small.setPixelSize(int(qBound<qreal>(8, g.cell * 0.24, 22)));

    // Caption and axis titles.
    p.setPen(Qt::black);
    const QString title = m_caption.isEmpty() ? tr("Confusion matrix (test set)") : m_caption;
    p.drawText(QRectF(0, 2, size.width(), g.grid.top() - 20), Qt::AlignHCenter | Qt::AlignVCenter, title);
    p.drawText(QRectF(g.grid.left(), g.grid.bottom() + 2, g.grid.width(), 20), Qt::AlignHCenter | Qt::AlignTop,
               tr("predicted"));
    p.save();
    p.translate(10, g.grid.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-g.grid.height() / 2, -8, g.grid.height(), 18), Qt::AlignCenter, tr("true"));
    p.restore();

    const int n = ConfusionMatrix::classes;
    for (int i = 0; i < n; ++i) {
        p.setPen(Qt::black);
        p.drawText(QRectF(g.grid.left() + i * g.cell, g.grid.top() - 18, g.cell, 16), Qt::AlignCenter, QString::number(i));
        p.drawText(QRectF(g.grid.left() - 24, g.grid.top() + i * g.cell, 20, g.cell), Qt::AlignRight | Qt::AlignVCenter,
                   QString::number(i));
    }
    for (int r = 0; r < n; ++r) {
        for (int c = 0; c < n; ++c) {
            const QRectF cell(g.grid.left() + c * g.cell, g.grid.top() + r * g.cell, g.cell, g.cell);
            const double v = cellValue(r, c);
            const double t = intensity(v);
            p.fillRect(cell, colorFor(t));
            if (v > 0 && g.cell >= 18) {
                p.setPen(t > 0.6 ? Qt::white : (r == c ? Qt::black : QColor(150, 0, 0)));
                p.setFont(small);
                const QString text = m_normalized ? QLocale().toString(v, 'f', v >= 10 ? 0 : 1)
                                                  : QString::number(qint64(v));
                p.drawText(cell, Qt::AlignCenter, text);
            }
        }
    }
    p.setPen(QColor(200, 200, 200));
    p.drawRect(g.grid);
    p.setFont(font);

    // Colour scale with its end labels.
    QLinearGradient gradient(g.scale.bottomLeft(), g.scale.topLeft());
    const double hi = maxValue();
    for (int i = 0; i <= 10; ++i)
        gradient.setColorAt(i / 10.0, colorFor(i / 10.0));
    p.fillRect(g.scale, gradient);
    p.setPen(QColor(120, 120, 120));
    p.drawRect(g.scale);
    p.setPen(Qt::black);
    p.setFont(small);
    const QString top = m_normalized ? QStringLiteral("%1%").arg(QLocale().toString(hi, 'f', 0))
                                     : QLocale().toString(qint64(hi));
    p.drawText(QRectF(g.scale.right() + 3, g.scale.top() - 2, 80, 16), Qt::AlignLeft | Qt::AlignTop, top);
    // √ scale: the middle of the bar is a quarter of the maximum.
    const QString mid = m_normalized ? QStringLiteral("%1%").arg(QLocale().toString(hi / 4, 'f', 0))
                                     : QLocale().toString(qint64(hi / 4));
    p.drawText(QRectF(g.scale.right() + 3, g.scale.center().y() - 8, 80, 16), Qt::AlignLeft | Qt::AlignVCenter, mid);
    p.drawText(QRectF(g.scale.right() + 3, g.scale.bottom() - 14, 80, 16), Qt::AlignLeft | Qt::AlignBottom,
               QStringLiteral("0"));
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

QImage ConfusionHeatmap::renderImage(const QSize &size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    paint(p, size);
    p.end();
    return image;
}

QPoint ConfusionHeatmap::cellAt(const QPoint &pos) const
{
    const Geometry g = layout(size());
    if (!g.grid.contains(pos))
        return QPoint(-1, -1);
    const int c = qBound(0, int((pos.x() - g.grid.left()) / g.cell), ConfusionMatrix::classes - 1);
    const int r = qBound(0, int((pos.y() - g.grid.top()) / g.cell), ConfusionMatrix::classes - 1);
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
