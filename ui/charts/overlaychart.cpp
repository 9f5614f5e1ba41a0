#include "ui/charts/overlaychart.h"

#include <QActionGroup>
#include <QChart>
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
} // namespace

OverlayChart::OverlayChart(Metric metric, QWidget *parent)
    : XyChartWidget(isAccuracy(metric) ? QStringLiteral("overlay-accuracy") : QStringLiteral("overlay-loss"), QString(), parent),
      m_metric(metric)
{
    setMetric(metric);
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
    return QStringLiteral("%1 (%2)").arg(r.modelType.isEmpty() ? r.id : r.modelType, r.summary());
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
}

} // namespace lab
