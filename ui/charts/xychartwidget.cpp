#include "ui/charts/xychartwidget.h"

#include <QAction>
#include <QMenu>

#include <QChart>
#include <QChartView>
#include <QFontMetricsF>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QValueAxis>


namespace lab {

XyChartWidget::XyChartWidget(const QString &exportName, const QString &title, QWidget *parent)
    : ChartWidget(exportName, parent)
{
    m_chart = new QChart;
    m_chart->setTitle(title);
    auto *x = new QValueAxis;
    x->setLabelFormat(QStringLiteral("%.4g"));
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.4g"));
    auto *ylog = new QLogValueAxis;
    ylog->setLabelFormat(QStringLiteral("%g"));
    ylog->setBase(10);
    ylog->setMinorTickCount(-1);
    m_xAxis = x;
    m_yLinear = y;
    m_yLog10 = ylog;
    m_yAxis = y;
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);

    m_view = showChart(m_chart, QSize(240, 180));
    connect(m_chart, &QChart::plotAreaChanged, this, [this] { fitTitles(); });

    m_timer.setSingleShot(true);
    m_timer.setInterval(refreshMilliseconds);
    connect(&m_timer, &QTimer::timeout, this, [this] { refresh(); });
}

XyChartWidget::~XyChartWidget()
{
    // The unused y axis is not owned by the chart.
    delete (m_yAxis == m_yLinear ? m_yLog10 : m_yLinear);
}

void XyChartWidget::scheduleRefresh()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void XyChartWidget::refreshNow()
{
    m_timer.stop();
    refresh();
    fitTitles();   // refresh() may have put a full title back
}

void XyChartWidget::setShortTitles(const QString &title, const QString &yTitle)
{
    m_shortTitle = title;
    m_shortYTitle = yTitle;
    fitTitles();
}

void XyChartWidget::fitTitles()
{
    // Whatever else a subclass put up is the full text; the short one only stands in for it.
    if (m_chart->title() != m_shortTitle)
        m_fullTitle = m_chart->title();
    if (m_yAxis->titleText() != m_shortYTitle)
        m_fullYTitle = m_yAxis->titleText();
    const QRectF plot = m_chart->plotArea();
    if (!m_shortTitle.isEmpty()) {
        // Qt Charts cuts the title at the chart's width less its margins.
        const qreal room = m_chart->size().width() - m_chart->margins().left() - m_chart->margins().right() - 16;
        const QString wanted = QFontMetricsF(m_chart->titleFont()).horizontalAdvance(m_fullTitle) <= room ? m_fullTitle : m_shortTitle;
        if (m_chart->title() != wanted)
            m_chart->setTitle(wanted);
    }
    if (!m_shortYTitle.isEmpty() && plot.height() > 0) {
        // The y title runs along the plot's height.
        const bool fits = QFontMetricsF(m_yAxis->titleFont()).horizontalAdvance(m_fullYTitle) <= plot.height() - 4;
        const QString wanted = fits ? m_fullYTitle : m_shortYTitle;
        for (QAbstractAxis *axis : {m_yLinear, m_yLog10})
            if (axis->titleText() != wanted)
                axis->setTitleText(wanted);
    }
}

QLineSeries *XyChartWidget::addLineSeries(const QString &name, const QColor &color, qreal width, bool points)
{
    auto *s = new QLineSeries;
    s->setName(name);
    QPen pen(color);
    pen.setWidthF(width);
    s->setPen(pen);
    s->setPointsVisible(points);
    m_chart->addSeries(s);
    s->attachAxis(m_xAxis);
    s->attachAxis(m_yAxis);
    return s;
}

void XyChartWidget::removeSeries(QXYSeries *series)
{
    m_markers.removeAll(series);
    m_chart->removeSeries(series);
    delete series;
}

void XyChartWidget::setMarkerSeries(QXYSeries *series)
{
    m_markers.append(series);
}

void XyChartWidget::replaceThinned(QXYSeries *series, const QVector<QPointF> &points, int maxPoints)
{
    if (points.size() <= maxPoints) {
        series->replace(QList<QPointF>(points.cbegin(), points.cend()));
        return;
    }
    const qsizetype stride = (points.size() + maxPoints - 1) / maxPoints;
    QList<QPointF> thin;
    thin.reserve(points.size() / stride + 2);
    for (qsizetype i = 0; i < points.size(); i += stride)
        thin.append(points.at(i));
    if (thin.last() != points.last())
        thin.append(points.last());
    series->replace(thin);
}

void XyChartWidget::setXRange(qreal min, qreal max)
{
    if (max <= min)
        max = min + 1;
    setNiceRange(static_cast<QValueAxis *>(m_xAxis), min, max);
}

void XyChartWidget::setYRange(qreal min, qreal max)
{
    if (m_yLog) {
        min = qMax(min, 1e-6);
        if (max <= min)
            max = min * 10;
    } else if (max <= min) {
        max = min + 1;
    }
    if (m_yLog)
        m_yAxis->setRange(min, max);
    else
        setNiceRange(static_cast<QValueAxis *>(m_yAxis), min, max);
}

void XyChartWidget::setLogScale(bool log)
{
    if (!allowsLogScale())
        log = false;
    if (log == m_yLog)
        return;
    setYLogScale(log);
    Q_EMIT logScaleToggled(log);
}

void XyChartWidget::addContextActions(QMenu *menu)
{
    if (!allowsLogScale())
        return;
    QAction *a = addCheckableAction(menu, tr("Log scale"), logScale());
    connect(a, &QAction::toggled, this, &XyChartWidget::setLogScale);
}

void XyChartWidget::setYLogScale(bool log)
{
    if (log == m_yLog)
        return;
    QAbstractAxis *from = m_yAxis;
    QAbstractAxis *to = log ? m_yLog10 : m_yLinear;
    const QString title = from->titleText();
    const QList<QAbstractSeries *> all = m_chart->series();
    for (QAbstractSeries *s : all)
        s->detachAxis(from);
    for (QXYSeries *marker : std::as_const(m_markers))
        marker->clear();   // markers may touch y = 0; refreshNow() redraws them in range
    m_chart->removeAxis(from);   // ownership returns to us
    to->setTitleText(title);
    if (log)
        to->setRange(1e-3, 10.0);   // a positive range before any series sees the axis
    m_chart->addAxis(to, Qt::AlignLeft);
    for (QAbstractSeries *s : all)
        s->attachAxis(to);
    m_yAxis = to;
    m_yLog = log;
    refreshNow();
}

void XyChartWidget::setAxisTitles(const QString &x, const QString &y)
{
    m_xAxis->setTitleText(x);
    m_yLinear->setTitleText(y);
    m_yLog10->setTitleText(y);
}

QStringList XyChartWidget::seriesNames() const
{
    QStringList names;
    for (QAbstractSeries *s : m_chart->series()) {
        auto *xy = qobject_cast<QXYSeries *>(s);
        if (xy && xy->count() > 0 && !m_markers.contains(xy))
            names << xy->name();
    }
    return names;
}

int XyChartWidget::pointCount(const QString &name) const
{
    for (QAbstractSeries *s : m_chart->series())
        if (auto *xy = qobject_cast<QXYSeries *>(s); xy && xy->name() == name)
            return int(xy->count());
    return 0;
}

int XyChartWidget::seriesCount() const
{
    return int(seriesNames().size());
}

void XyChartWidget::chartResized()
{
    // Pending points are drawn too, and labels that depend on the plot's width follow it.
    refreshNow();
}

} // namespace lab
