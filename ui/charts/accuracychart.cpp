#include "ui/charts/accuracychart.h"

#include <QLineSeries>

#include <cmath>

namespace lab {

AccuracyChart::AccuracyChart(QWidget *parent)
    : XyChartWidget(QStringLiteral("accuracy"), tr("Accuracy"), parent)
{
    setAxisTitles(tr("epoch"), tr("%"));
    QLineSeries *train = addLineSeries(trainName(), QColor(44, 160, 44), 2.0, true);
    QLineSeries *test = addLineSeries(testName(), QColor(255, 127, 14), 2.0, true);
    m_curves.setSeries(train, test, addLineSeries(tr("validation accuracy"), QColor(148, 103, 189), 2.0, true));
    reset(1);
}

void AccuracyChart::reset(int plannedEpochs)
{
    m_plannedEpochs = qMax(1, plannedEpochs);
    m_curves.clear();
    refreshNow();
}

void AccuracyChart::addEpoch(const EpochMetrics &m)
{
    m_curves.append(m.epoch, m.trainAccuracy, m.testAccuracy, m.validationAccuracy >= 0, m.validationAccuracy);
    scheduleRefresh();
}

void AccuracyChart::showRecord(const RunRecord &record)
{
    reset(EpochCurves::plannedEpochs(record));
    for (const EpochMetrics &m : record.epochs)
        addEpoch(m);
    refreshNow();
}

void AccuracyChart::refresh()
{
    m_curves.push();
    double lo = 100;
    m_curves.forEachPoint([&lo](const QPointF &p) { lo = qMin(lo, p.y()); });
    // Zoom on the interesting band: a few points below the lowest value, in steps of 1%.
    lo = lo >= 100 ? 90 : std::floor(qMax(0.0, lo - 1.0));
    setXRange(0, m_plannedEpochs);
    setYRange(lo, 100);
}

} // namespace lab
