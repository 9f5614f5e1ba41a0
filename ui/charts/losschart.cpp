#include "ui/charts/losschart.h"

#include <QAction>
#include <QLegend>
#include <QLegendMarker>
#include <QChart>
#include <QLineSeries>
#include <QMenu>

#include <cmath>

namespace lab {

namespace {
// Smoothing horizon in steps: about a tenth of an epoch, at least 10 steps.
double emaBeta(int batchesPerEpoch)
{
    const double horizon = qMax(10.0, batchesPerEpoch / 10.0);
    return 1.0 - 1.0 / horizon;
}
} // namespace

LossChart::LossChart(QWidget *parent) : XyChartWidget(QStringLiteral("loss"), tr("Loss"), parent)
{
    setAxisTitles(tr("epoch"), tr("cross-entropy"));
    setShortTitles(QString(), tr("loss"));
    QColor faint(31, 119, 180, 45);
    m_rawSeries = addLineSeries(rawName(), faint, 1.0);
    m_smoothSeries = addLineSeries(smoothName(), QColor(31, 119, 180), 2.0);
    QLineSeries *train = addLineSeries(trainName(), QColor(44, 160, 44), 2.0, true);
    QLineSeries *test = addLineSeries(testName(), QColor(255, 127, 14), 2.0, true);
    m_curves.setSeries(train, test, addLineSeries(tr("validation loss (epoch)"), QColor(148, 103, 189), 2.0, true));
    reset(1);
}

void LossChart::reset(int plannedEpochs)
{
    m_plannedEpochs = qMax(1, plannedEpochs);
    m_batchesPerEpoch = 0;
    m_ema = 0;
    m_emaWeight = 0;
    m_raw.clear();
    m_smooth.clear();
    m_curves.clear();
    m_lrChanges.clear();
    refreshNow();
}

double LossChart::stepToEpoch(qint64 step) const
{
    return m_batchesPerEpoch > 0 ? double(step) / m_batchesPerEpoch : double(step);
}

void LossChart::addLoss(qint64 step, double loss)
{
    if (!std::isfinite(loss))
        return;   // a diverged step: the status banner says so, the chart stays readable
    const double beta = emaBeta(m_batchesPerEpoch);
    m_ema = beta * m_ema + (1 - beta) * loss;
    m_emaWeight = beta * m_emaWeight + (1 - beta);
    const double x = stepToEpoch(step);
    m_raw.append(QPointF(x, loss));
    m_smooth.append(QPointF(x, m_ema / m_emaWeight));
}

void LossChart::addBatches(const QVector<BatchProgress> &steps)
{
    for (const BatchProgress &p : steps) {
        if (m_batchesPerEpoch == 0)
            m_batchesPerEpoch = qMax(1, p.batchesPerEpoch);
        addLoss(p.step, p.loss);
    }
    scheduleRefresh();
}

void LossChart::addEpoch(const EpochMetrics &m)
{
    m_curves.append(m.epoch, m.trainLoss, m.testLoss, m.validationLoss >= 0, m.validationLoss);
    scheduleRefresh();
}

void LossChart::addLrChange(qint64 step, double learningRate)
{
    m_lrChanges.append({step, learningRate});
    scheduleRefresh();
}

void LossChart::setLrChanges(const QVector<LrChange> &changes)
{
    m_lrChanges.clear();
    for (const LrChange &c : changes)
        m_lrChanges.append({c.step, c.learningRate});
    scheduleRefresh();
}

void LossChart::showRecord(const RunRecord &record)
{
    reset(EpochCurves::plannedEpochs(record));
    // Steps per epoch from the config; the record does not keep the training set size.
    qint64 totalSteps = qint64(record.batchLosses.size()) * qMax(1, record.batchLossStride);
    m_batchesPerEpoch = record.completedEpochs() > 0 ? int(qMax<qint64>(1, totalSteps / record.completedEpochs())) : 1;
    if (record.config.maxBatchesPerEpoch > 0)
        m_batchesPerEpoch = qMin(m_batchesPerEpoch, record.config.maxBatchesPerEpoch);
    for (int i = 0; i < record.batchLosses.size(); ++i)
        addLoss(qint64(i) * qMax(1, record.batchLossStride) + 1, record.batchLosses.at(i));
    for (const EpochMetrics &m : record.epochs)
        addEpoch(m);
    for (const LrChange &c : record.lrChanges)
        m_lrChanges.append({c.step, c.learningRate});
    refreshNow();
}

void LossChart::refresh()
{
    replaceThinned(m_rawSeries, m_raw);
    replaceThinned(m_smoothSeries, m_smooth);
    m_curves.push();

    double lo = std::numeric_limits<double>::max(), hi = 0;
    auto include = [&lo, &hi](const QPointF &p) {
        if (p.y() > 0)
            lo = qMin(lo, p.y());
        hi = qMax(hi, p.y());
    };
    auto scan = [&include](const QVector<QPointF> &v) {
        for (const QPointF &p : v)
            include(p);
    };
    scan(m_smooth);
    m_curves.forEachPoint(include);
    // The raw series can spike far above everything else; let it widen the range only on log scale.
    if (yLogScale())
        scan(m_raw);
    if (hi <= 0) {
        lo = 0.01;
        hi = 2.5;
    }
    const double maxX = qMax<double>(m_plannedEpochs, m_raw.isEmpty() ? 0 : m_raw.last().x());
    setXRange(0, maxX);
    if (yLogScale())
        setYRange(lo * 0.8, hi * 1.25);
    else
        setYRange(0, hi * 1.08);

    // Learning-rate markers: one dashed vertical series each, labelled in the legend.
    while (m_lrSeries.size() > m_lrChanges.size())
        removeSeries(m_lrSeries.takeLast());
    const double y0 = yLogScale() ? lo * 0.8 : 0, y1 = yLogScale() ? hi * 1.25 : hi * 1.08;
    for (int i = 0; i < m_lrChanges.size(); ++i) {
        if (i >= m_lrSeries.size()) {
            QLineSeries *s = addLineSeries(QString(), QColor(214, 39, 40), 1.5);
            QPen pen = s->pen();
            pen.setStyle(Qt::DashLine);
            s->setPen(pen);
            setMarkerSeries(s);
            m_lrSeries.append(s);
        }
        const double x = stepToEpoch(m_lrChanges.at(i).first - 1);
        m_lrSeries[i]->setName(tr("lr → %1").arg(m_lrChanges.at(i).second, 0, 'g', 3));
        m_lrSeries[i]->replace(QList<QPointF>{QPointF(x, y0), QPointF(x, y1)});
    }
}

} // namespace lab
