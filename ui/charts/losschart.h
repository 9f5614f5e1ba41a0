#pragma once

#include "ui/charts/epochcurves.h"
#include "ui/charts/xychartwidget.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"

namespace lab {

/**
 * Loss over training, x in epochs: every optimiser step's loss (faint), its smoothed
 * curve (exponential moving average with bias correction), the epoch means of train and
 * test (and validation) loss, and a dashed vertical marker at each hand-made learning-rate
 * change. Linear or log scale.
 */
class LossChart : public XyChartWidget
{
    Q_OBJECT

public:
    explicit LossChart(QWidget *parent = nullptr);

    /** Forgets everything; the x axis spans `plannedEpochs`. */
    void reset(int plannedEpochs);
    void addBatches(const QVector<BatchProgress> &steps);
    void addEpoch(const EpochMetrics &metrics);
    /** Marks a learning-rate change at `step` (1-based optimiser step). */
    void addLrChange(qint64 step, double learningRate);
    /** Replaces the markers with the changes a run recorded. */
    void setLrChanges(const QVector<LrChange> &changes);
    int lrChangeCount() const { return int(m_lrChanges.size()); }
    /** Shows a finished or saved run: its thinned batch losses, epochs and lr changes. */
    void showRecord(const RunRecord &record);


    static QString rawName() { return tr("batch loss"); }
    static QString smoothName() { return tr("batch loss (smoothed)"); }
    static QString trainName() { return tr("train loss (epoch)"); }
    static QString testName() { return tr("test loss (epoch)"); }

protected:
    void refresh() override;
    bool allowsLogScale() const override { return true; }

private:
    void addLoss(qint64 step, double loss);
    double stepToEpoch(qint64 step) const;

    int m_plannedEpochs = 1;
    int m_batchesPerEpoch = 0;
    double m_ema = 0;
    double m_emaWeight = 0;
    QVector<QPointF> m_raw;
    QVector<QPointF> m_smooth;
    QVector<QPair<qint64, double>> m_lrChanges;
    QLineSeries *m_rawSeries;
    QLineSeries *m_smoothSeries;
    EpochCurves m_curves;
    QList<QLineSeries *> m_lrSeries;
};

} // namespace lab
