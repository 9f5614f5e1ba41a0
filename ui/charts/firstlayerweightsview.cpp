#include "ui/charts/firstlayerweightsview.h"

#include "core/common/laberror.h"

#include <QAction>
#include <QHelpEvent>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QToolTip>

#include <cmath>

namespace lab {

namespace {
constexpr int titleHeight = 26;
constexpr int legendHeight = 30;
constexpr int margin = 6;
} // namespace

FirstLayerWeightsView::FirstLayerWeightsView(QWidget *parent)
    : ChartWidget(QStringLiteral("first-layer-weights"), parent)
{
    setMinimumSize(240, 200);
    setMouseTracking(true);
    clear(tr("No model yet: the first-layer weights appear when a run has saved its model."));
}

void FirstLayerWeightsView::setWeights(const FirstLayerWeights &weights, const QString &source)
{
    m_weights = weights;
    m_source = source;
    m_message.clear();
    m_tiles.clear();
    update();
}

bool FirstLayerWeightsView::loadModel(const QString &path, const QString &source)
{
    try {
        setWeights(FirstLayerWeights::load(path), source);
        return true;
    } catch (const LabError &e) {
        clear(e.message());
        return false;
    }
}

void FirstLayerWeightsView::clear(const QString &message)
{
    m_weights = FirstLayerWeights();
    m_tiles.clear();
    m_source.clear();
    m_message = message;
    update();
}

void FirstLayerWeightsView::setPerUnitScale(bool on)
{
    m_perUnitScale = on;
    m_tiles.clear();
    update();
}

QColor FirstLayerWeightsView::colourFor(double v)
{
    // Diverging map: blue (59,76,192) ← white → red (180,4,38), like "coolwarm" ends.
    v = qBound(-1.0, std::isfinite(v) ? v : 0.0, 1.0);
    const QColor end = v < 0 ? QColor(49, 84, 200) : QColor(190, 20, 40);
    const double t = std::abs(v);
    auto mix = [t](int from, int to) { return int(std::lround(from + (to - from) * t)); };
    return QColor(mix(255, end.red()), mix(255, end.green()), mix(255, end.blue()));
}

FirstLayerWeightsView::Layout FirstLayerWeightsView::layoutFor(const QSize &size) const
{
    Layout l;
    l.title = QRect(margin, 0, size.width() - 2 * margin, titleHeight);
    l.legend = QRect(margin, size.height() - legendHeight, size.width() - 2 * margin, legendHeight);
    const QRect area(margin, titleHeight, size.width() - 2 * margin, size.height() - titleHeight - legendHeight);
    const int n = qMax(1, m_weights.units);
    const int tw = qMax(1, m_weights.tileWidth * m_weights.channels);
    const int th = qMax(1, m_weights.tileHeight);
    // The column count that makes tiles largest (one pixel of gap per tile at least).
    double best = -1;
    for (int cols = 1; cols <= n; ++cols) {
        const int rows = (n + cols - 1) / cols;
        const double scale = qMin(double(area.width()) / (cols * (tw + 1)), double(area.height()) / (rows * (th + 1)));
        if (scale > best) {
            best = scale;
            l.columns = cols;
            l.rows = rows;
        }
    }
    // Pixel scale per weight: whole pixels when they fit, so the weights stay crisp.
    const double scale = qMax(0.05, best);
    const double pixel = scale >= 1 ? std::floor(scale) : scale;
    l.tile = QSize(qMax(1, int(tw * pixel)), qMax(1, int(th * pixel)));
    // What whole pixels leave over goes into the gaps: the tiles span the whole area (an
    // exported image has no empty band on one side).
    auto spread = [](int count, int available, int tile, int *origin) {
        if (count <= 1) {
            *origin += (available - tile) / 2;
            return 0.0;
        }
        return double(available - tile) / (count - 1);
    };
    l.origin = area.topLeft();
    int x = l.origin.x(), y = l.origin.y();
    l.pitch = QPointF(spread(l.columns, area.width(), l.tile.width(), &x), spread(l.rows, area.height(), l.tile.height(), &y));
    l.origin = QPoint(x, y);
    return l;
}

QRect FirstLayerWeightsView::tileRect(int unit, const QSize &size) const
{
    if (unit < 0 || unit >= m_weights.units)
        return QRect();
    const Layout l = layoutFor(size);
    const int col = unit % l.columns, row = unit / l.columns;
    return QRect(QPoint(l.origin.x() + int(std::lround(col * l.pitch.x())), l.origin.y() + int(std::lround(row * l.pitch.y()))),
                 l.tile);
}

int FirstLayerWeightsView::unitAt(const QPoint &pos, const QSize &size) const
{
    if (!hasWeights())
        return -1;
    const Layout l = layoutFor(size);
    const int col = l.pitch.x() > 0 ? int(std::floor((pos.x() - l.origin.x()) / l.pitch.x())) : 0;
    const int row = l.pitch.y() > 0 ? int(std::floor((pos.y() - l.origin.y()) / l.pitch.y())) : 0;
    if (col < 0 || col >= l.columns || row < 0 || row >= l.rows)
        return -1;
    const int unit = row * l.columns + col;
    if (unit >= m_weights.units || !tileRect(unit, size).contains(pos))
        return -1;
    return unit;
}

QString FirstLayerWeightsView::describeUnit(int unit) const
{
    float lo = 0, hi = 0;
    const size_t n = size_t(m_weights.valuesPerUnit());
    for (size_t i = size_t(unit) * n; i < (size_t(unit) + 1) * n; ++i) {
        lo = std::min(lo, m_weights.values[i]);
        hi = std::max(hi, m_weights.values[i]);
    }
    const QLocale locale;
    return tr("%1 %2 of %3\nweights %4 … %5")
        .arg(m_weights.kind == FirstLayerWeights::Kind::Linear ? tr("Unit") : tr("Kernel"))
        .arg(unit)
        .arg(m_weights.layerName)
        .arg(locale.toString(lo, 'g', 3), locale.toString(hi, 'g', 3));
}

QString FirstLayerWeightsView::toolTipAt(const QPoint &pos) const
{
    const int unit = unitAt(pos, size());
    return unit >= 0 ? describeUnit(unit) : QString();
}

const QVector<QImage> &FirstLayerWeightsView::tiles() const
{
    if (!m_tiles.isEmpty() || !hasWeights())
        return m_tiles;
    const float global = m_weights.maxAbs();
    const int tw = m_weights.tileWidth * m_weights.channels, th = m_weights.tileHeight;
    m_tiles.reserve(m_weights.units);
    for (int unit = 0; unit < m_weights.units; ++unit) {
        const float scale = m_perUnitScale ? m_weights.maxAbs(unit) : global;
        QImage tile(tw, th, QImage::Format_RGB32);
        for (int c = 0; c < m_weights.channels; ++c)
            for (int y = 0; y < th; ++y)
                for (int x = 0; x < m_weights.tileWidth; ++x) {
                    const float w = m_weights.at(unit, c, y, x);
                    tile.setPixel(c * m_weights.tileWidth + x, y, colourFor(scale > 0 ? w / scale : 0).rgb());
                }
        m_tiles.append(tile);
    }
    return m_tiles;
}

void FirstLayerWeightsView::paint(QPainter &painter, const QSize &size) const
{
    painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    painter.setPen(Qt::black);
    QFont font = painter.font();
    font.setBold(true);
    painter.setFont(font);
    if (!hasWeights()) {
        painter.drawText(QRect(QPoint(0, 0), size).adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const Layout l = layoutFor(size);
    const bool linear = m_weights.kind == FirstLayerWeights::Kind::Linear;
    QString title = linear ? tr("First-layer weights: %1 hidden units × %2 inputs")
                                 .arg(m_weights.units).arg(m_weights.valuesPerUnit())
                           : tr("First convolution: %1 kernels %2×%3")
                                 .arg(m_weights.units).arg(m_weights.tileHeight).arg(m_weights.tileWidth);
    if (!m_source.isEmpty())
        title += QStringLiteral(" — ") + m_source;
    painter.drawText(l.title, Qt::AlignCenter | Qt::TextSingleLine, painter.fontMetrics().elidedText(title, Qt::ElideMiddle, l.title.width()));
    font.setBold(false);
    painter.setFont(font);

    // Tiles at weight resolution, scaled up without smoothing (crisp pixels).
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    const QVector<QImage> &images = tiles();
    for (int unit = 0; unit < images.size(); ++unit)
        painter.drawImage(tileRect(unit, size), images.at(unit));
    const float global = m_weights.maxAbs();

    // Colour bar: −max … 0 … +max, narrower when the labels beside it would not fit.
    const int barWidth = qBound(40, l.legend.width() - 2 * 115, 200);
    const QRect bar(l.legend.center().x() - barWidth / 2, l.legend.y() + 4, barWidth, 10);
    for (int x = 0; x < bar.width(); ++x) {
        painter.setPen(colourFor(2.0 * x / (bar.width() - 1) - 1.0));
        painter.drawLine(bar.x() + x, bar.top(), bar.x() + x, bar.bottom());
    }
    painter.setPen(Qt::darkGray);
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    painter.setPen(Qt::black);
    const QLocale locale;
    const QString range = m_perUnitScale ? tr("each tile: −max|w| … +max|w|") : locale.toString(global, 'g', 3);
    const QRect below(l.legend.x(), bar.bottom() + 1, l.legend.width(), l.legend.bottom() - bar.bottom());
    if (m_perUnitScale) {
        painter.drawText(below, Qt::AlignHCenter | Qt::AlignTop, range);
    } else {
        painter.drawText(QRect(bar.x() - 110, bar.y() - 3, 105, 16), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("−") + range);
        painter.drawText(QRect(bar.right() + 5, bar.y() - 3, 105, 16), Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("+") + range);
        painter.drawText(below, Qt::AlignHCenter | Qt::AlignTop, QStringLiteral("0"));
    }
}

void FirstLayerWeightsView::paintContent(QPainter &painter, const QSizeF &size)
{
    paint(painter, size.toSize());
}

void FirstLayerWeightsView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paint(painter, size());
}

bool FirstLayerWeightsView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (!text.isEmpty())
            QToolTip::showText(help->globalPos(), text, this, tileRect(unitAt(help->pos(), size()), size()));
        else
            QToolTip::hideText();
        return true;
    }
    return ChartWidget::event(event);
}

void FirstLayerWeightsView::addContextActions(QMenu *menu)
{
    QAction *a = addCheckableAction(menu, tr("Scale each tile separately"), m_perUnitScale);
    connect(a, &QAction::toggled, this, &FirstLayerWeightsView::setPerUnitScale);
}

} // namespace lab
