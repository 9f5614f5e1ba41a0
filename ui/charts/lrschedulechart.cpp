#include "ui/charts/lrschedulechart.h"

#include "core/train/lrschedule.h"

#include <QChart>
#include <QLegend>
#include <QLineSeries>

#include <cmath>

namespace lab {

LrScheduleChart::LrScheduleChart(QWidget *parent)
    : XyChartWidget(QStringLiteral("lr-schedule"), tr("Learning-rate schedule"), parent)
{
    setAxisTitles(tr("epoch"), tr("learning rate"));
    m_series = addLineSeries(seriesName(), QColor(214, 39, 40), 2.0);
    chart()->legend()->hide();
    setMinimumHeight(170);
}

int LrScheduleChart::stepsPerEpoch(const TrainConfig &config, int trainImages)
{
    // The validation split comes out of the training set before batching.
    const qint64 images = qMax<qint64>(1, qint64(std::llround(trainImages * (1.0 - qBound(0.0, config.validationFraction, 1.0)))));
    const qint64 batch = qBound(qint64(1), qint64(config.batchSize), images);
    int steps = int((images + batch - 1) / batch);
    if (config.maxBatchesPerEpoch > 0)
        steps = qMin(steps, config.maxBatchesPerEpoch);
    return qMax(1, steps);
}

void LrScheduleChart::setConfig(const TrainConfig &config, int trainImages)
{
    m_points.clear();
    m_steps.clear();
    m_epochs = qMax(1, config.epochs);
    if (config.learningRate > 0 && std::isfinite(config.learningRate) && config.epochs > 0 && config.batchSize > 0) {
        const int perEpoch = stepsPerEpoch(config, trainImages);
        const LrSchedule schedule(config, perEpoch);
        const qint64 total = schedule.totalSteps();
        const qint64 stride = qMax<qint64>(1, (total + maxPoints - 1) / maxPoints);
        double previous = -1;
        for (qint64 step = 0; step < total; step += stride) {
            // A step schedule jumps between samples: add the step just before each jump so the edge is vertical.
            const double lr = schedule.at(step);
            if (config.schedule == ScheduleKind::Step && previous >= 0 && stride > 1 && lr != previous && step - 1 > m_steps.last()) {
                m_steps.append(step - 1);
                m_points.append(QPointF(double(step - 1) / perEpoch, schedule.at(step - 1)));
            }
            m_steps.append(step);
            m_points.append(QPointF(double(step) / perEpoch, lr));
            previous = lr;
        }
        if (m_steps.isEmpty() || m_steps.last() != total - 1) {
            m_steps.append(total - 1);
            m_points.append(QPointF(double(total - 1) / perEpoch, schedule.at(total - 1)));
        }
        chart()->setTitle(tr("Learning rate: %1 · %2 steps/epoch")
                              .arg(TrainConfig::scheduleName(config.schedule)).arg(perEpoch));
    } else {
        chart()->setTitle(tr("Learning rate: enter a valid learning rate"));
    }
    scheduleRefresh();
}

void LrScheduleChart::refresh()
{
    m_series->replace(QList<QPointF>(m_points.cbegin(), m_points.cend()));
    double hi = 0;
    for (const QPointF &p : m_points)
        hi = qMax(hi, p.y());
    setXRange(0, m_epochs);
    setYRange(0, hi > 0 ? hi * 1.08 : 1e-3);
}

} // namespace lab
