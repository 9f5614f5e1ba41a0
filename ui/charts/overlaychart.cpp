#include "ui/charts/overlaychart.h"

#include <QActionGroup>
#include <QChart>
#include <QFontMetricsF>
#include <QGraphicsLayout>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>

#include <cmath>

namespace lab {

namespace {
const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40),
                           QColor(148, 103, 189), QColor(140, 86, 75), QColor(227, 119, 194), QColor(127, 127, 127),
                           QColor(188, 189, 34), QColor(23, 190, 207)};

double metricValue(const EpochMetrics &m, OverlayChart::Metric metric)
{
    switch (metric) {
    case OverlayChart::Metric::TestAccuracy: return m.testAccuracy;
    case OverlayChart::Metric::TrainAccuracy: return m.trainAccuracy;
    case OverlayChart::Metric::TestLoss: return m.testLoss;
    case OverlayChart::Metric::TrainLoss: return m.trainLoss;
    }
    return 0;
}

bool isAccuracy(OverlayChart::Metric m)
{
    return m == OverlayChart::Metric::TestAccuracy || m == OverlayChart::Metric::TrainAccuracy;
}

QString runName(const RunRecord &r)
{
    return r.modelType.isEmpty() ? r.id : r.modelType;
}
} // namespace

OverlayChart::OverlayChart(Metric metric, QWidget *parent)
    : XyChartWidget(isAccuracy(metric) ? QStringLiteral("overlay-accuracy") : QStringLiteral("overlay-loss"), QString(), parent),
      m_metric(metric)
{
    setMetric(metric);
    // The legend's labels follow the chart's size: on screen and for every export size
    // (ChartWidget lays the chart out there and back, so the screen is unchanged after).
    connect(chart(), &QGraphicsWidget::geometryChanged, this, &OverlayChart::fitLegend);
}

QString OverlayChart::metricName(Metric metric)
{
    switch (metric) {
    case Metric::TestAccuracy: return tr("Test accuracy");
    case Metric::TrainAccuracy: return tr("Train accuracy");
    case Metric::TestLoss: return tr("Test loss");
    case Metric::TrainLoss: return tr("Train loss");
    }
    return QString();
}

QString OverlayChart::runLabel(const RunRecord &r)
{
    return QStringLiteral("%1 (%2)").arg(runName(r), r.summary());
}

QStringList OverlayChart::legendLabels() const
{
    QStringList labels;
    for (QLineSeries *series : m_series)
        for (QLegendMarker *marker : chart()->legend()->markers(series))
            labels << marker->label();
    return labels;
}

void OverlayChart::fitLegend()
{
    QChart *c = chart();
    const int n = qMin(m_runs.size(), m_series.size());
    if (n == 0)
        return;
    QStringList full, compact;
    // Only the settings in which the runs differ tell them apart; the name says the rest.
    QVector<QStringList> parts;
    for (int i = 0; i < n; ++i)
        parts.append(m_runs.at(i).summaryParts());
    QStringList names;
    for (int i = 0; i < n; ++i) {
        const RunRecord &r = m_runs.at(i);
        full << runLabel(r);
        names << runName(r);
        QStringList differing;
        for (int k = 0; k < parts.at(i).size(); ++k)
            for (int j = 0; j < n; ++j)
                if (parts.at(j).at(k) != parts.at(i).at(k)) {
                    differing << parts.at(i).at(k);
                    break;
                }
        compact << (differing.isEmpty() ? runName(r) : QStringLiteral("%1 (%2)").arg(runName(r), differing.join(QStringLiteral(", "))));
    }
    // Same name and same settings (two seeds): the run's id tells them apart.
    for (int i = 0; i < n; ++i)
        if (compact.count(compact.at(i)) > 1 && names.count(names.at(i)) > 1)
            compact[i] = QStringLiteral("%1 (%2)").arg(compact.at(i), m_runs.at(i).id);

    // Qt Charts lays the legend below the plot in one row and cuts labels with "..." when the
    // row is too long. Measured as Qt does (legend font, marker square, spacing and margins),
    // with room to spare so the estimate never falls short of Qt's.
    const QFontMetricsF fm(c->legend()->font());
    const qreal itemExtra = 2 * fm.height() + 16;
    const qreal width = c->size().width() - c->margins().left() - c->margins().right() - 16;
    auto rowWidth = [&](const QStringList &labels) {
        qreal w = 0;
        for (const QString &l : labels)
            w += fm.horizontalAdvance(l) + itemExtra;
        return w;
    };
    auto longest = [&](const QStringList &labels) {
        qreal w = 0;
        for (const QString &l : labels)
            w = qMax(w, fm.horizontalAdvance(l) + itemExtra);
        return w;
    };
    QStringList labels = full;
    Qt::Alignment side = Qt::AlignBottom;
    if (rowWidth(full) > width) {
        labels = compact;
        // Still too long for one row: one run per line beside the plot, if that leaves the
        // plot at least half the width.
        if (rowWidth(compact) > width && longest(compact) <= 0.5 * width)
            side = Qt::AlignRight;
    }
    if (c->legend()->alignment() != side)
        c->legend()->setAlignment(side);
    bool changed = false;
    for (int i = 0; i < n; ++i)
        for (QLegendMarker *marker : c->legend()->markers(m_series.at(i)))
            if (marker->label() != labels.at(i)) {
                marker->setLabel(labels.at(i));
                changed = true;
            }
    // A new label is laid out (and cut to its room) only when the legend lays out again, which
    // an export at the same legend size would not do before it paints: now.
    if (changed && c->legend()->layout()) {
        c->legend()->layout()->invalidate();
        c->legend()->layout()->activate();
    }
}

void OverlayChart::setMetric(Metric metric)
{
    m_metric = metric;
    setAxisTitles(tr("epoch"), isAccuracy(metric) ? tr("%") : tr("cross-entropy"));
    refreshNow();
}

void OverlayChart::setRuns(const QVector<RunRecord> &runs)
{
    m_runs = runs;
    scheduleRefresh();
}

void OverlayChart::addContextActions(QMenu *menu)
{
    auto *group = new QActionGroup(menu);
    for (Metric m : {Metric::TestAccuracy, Metric::TrainAccuracy, Metric::TestLoss, Metric::TrainLoss}) {
        QAction *a = menu->addAction(metricName(m));
        a->setCheckable(true);
        a->setChecked(m == m_metric);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, m] { setMetric(m); });
    }
}

void OverlayChart::refresh()
{
    while (m_series.size() > m_runs.size())
        removeSeries(m_series.takeLast());
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    int maxEpoch = 1;
    for (int i = 0; i < m_runs.size(); ++i) {
        if (i >= m_series.size())
            m_series.append(addLineSeries(QString(), kPalette[i % 10], 2.0, false));
        const RunRecord &r = m_runs.at(i);
        QList<QPointF> points;
        for (const EpochMetrics &m : r.epochs) {
            const double v = metricValue(m, m_metric);
            if (!std::isfinite(v))
                continue;
            points.append(QPointF(m.epoch, v));
            lo = qMin(lo, v);
            hi = qMax(hi, v);
            maxEpoch = qMax(maxEpoch, m.epoch);
        }
        m_series[i]->setName(runLabel(r));
        m_series[i]->setPointsVisible(points.size() < 30);
        m_series[i]->replace(points);
    }
    // An empty chart says how to fill it.
    chart()->setTitle(m_runs.isEmpty() ? tr("%1 per epoch: select runs in the table to compare them").arg(metricName(m_metric))
                      : hi < lo       ? tr("%1 per epoch: the selected runs have no finished epoch yet").arg(metricName(m_metric))
                                      : tr("%1 per epoch").arg(metricName(m_metric)));
    if (hi < lo) {
        lo = 0;
        hi = isAccuracy(m_metric) ? 100 : 1;
    }
    setXRange(0, maxEpoch);
    if (isAccuracy(m_metric))
        setYRange(std::floor(qMax(0.0, lo - 1)), qMin(100.0, std::ceil(hi + 0.5)));
    else
        setYRange(0, hi * 1.08);
    fitLegend();
}

} // namespace lab
