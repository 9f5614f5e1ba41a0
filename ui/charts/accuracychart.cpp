#include "charts/accuracychart.h"

#include <QLineSeries>

#include <cmath>

namespace lab {

AccuracyChart::AccuracyChart(QWidget *parent)
    : XyChartWidget(QStringLiteral("accuracy"), tr("Accuracy"), parent)
{
    setAxisTitles(tr("epoch"), tr("%"));
    m_trainSeries = addLineSeries(trainName(), QColor(44, 160, 44), 2.0, true);
    m_testSeries = addLineSeries(testName(), QColor(255, 127, 14), 2.0, true);
    m_validationSeries = addLineSeries(tr("validation accuracy"), QColor(148, 103, 189), 2.0, true);
    reset(1);
}

void AccuracyChart::reset(int plannedEpochs)
{
    m_plannedEpochs = qMax(1, plannedEpochs);
    m_train.clear();
    m_test.clear();
    m_validation.clear();
    refreshNow();
}

void AccuracyChart::addEpoch(const EpochMetrics &m)
{
    m_train.append(QPointF(m.epoch, m.trainAccuracy));
    m_test.append(QPointF(m.epoch, m.testAccuracy));
    if (m.validationAccuracy >= 0)
        m_validation.append(QPointF(m.epoch, m.validationAccuracy));
    scheduleRefresh();
}

void AccuracyChart::showRecord(const RunRecord &record)
{
    reset(qMax(record.config.epochs, record.completedEpochs()));
    for (const EpochMetrics &m : record.epochs)
        addEpoch(m);
    refreshNow();
}

void AccuracyChart::refresh()
{
    m_trainSeries->replace(QList<QPointF>(m_train.cbegin(), m_train.cend()));
    m_testSeries->replace(QList<QPointF>(m_test.cbegin(), m_test.cend()));
    m_validationSeries->replace(QList<QPointF>(m_validation.cbegin(), m_validation.cend()));
    m_validationSeries->setVisible(!m_validation.isEmpty());
    double lo = 100;
    for (const QVector<QPointF> *v : {&m_train, &m_test, &m_validation})
        for (const QPointF &p : *v)
            lo = qMin(lo, p.y());
    // Zoom on the interesting band: a few points below the lowest value, in steps of 1%.
    lo = lo >= 100 ? 90 : std::floor(qMax(0.0, lo - 1.0));
    setXRange(0, m_plannedEpochs);
    setYRange(lo, 100);
}

} // namespace lab
