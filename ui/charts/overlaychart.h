#pragma once

#include "ui/charts/xychartwidget.h"
#include "core/experiment/runrecord.h"

namespace lab {

/**
 * One curve per run for comparison, each labelled with its model_type and key
 * hyperparameters. The metric (test/train accuracy, test/train loss per epoch) is chosen
 * from the context menu or setMetric().
 */
class OverlayChart : public XyChartWidget
{
    Q_OBJECT

public:
    enum class Metric { TestAccuracy, TrainAccuracy, TestLoss, TrainLoss };

    OverlayChart(Metric metric, QWidget *parent = nullptr);

    void setRuns(const QVector<RunRecord> &runs);
    void setMetric(Metric metric);
    Metric metric() const { return m_metric; }
    static QString metricName(Metric metric);
    /** "2_HL_NN_v1 (784-50-50-10 relu, 10 ep, batch 50, Adam 0.001)". */
    static QString runLabel(const RunRecord &record);
    /**
     * The legend's text for each run at the chart's current size: runLabel() when every label
     * fits in one row below the plot, else the run's name with only the settings that tell
     * the runs apart ("2_HL_NN_v1 (6 ep)"), never text Qt Charts would cut with "...".
     * The series keep runLabel() as their name.
     */
    QStringList legendLabels() const;

protected:
    void refresh() override;
    void addContextActions(QMenu *menu) override;

private:
    /** Sets the legend's labels (and side) for the chart's current size; see legendLabels(). */
    void fitLegend();

    Metric m_metric;
    QVector<RunRecord> m_runs;
    QList<QLineSeries *> m_series;
};

} // namespace lab
