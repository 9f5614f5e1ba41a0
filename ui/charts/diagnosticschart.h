#pragma once

#include "ui/charts/xychartwidget.h"
#include "core/experiment/runrecord.h"
#include "core/model/networkspec.h"
#include "core/train/epochmetrics.h"

#include <QMap>

namespace lab {

/**
 * One per-layer diagnostic over the epochs: the fraction of dead ReLU units, the weight
 * gradient's norm (vanishing gradients: a sigmoid stack's first layer sits decades
 * below the ReLU one, hence the log scale) or the weight norm. One series per weight
 * layer, labelled "Linear 1 (784→50)" (for dead units: each layer that feeds a ReLU).
 */
class DiagnosticsChart : public XyChartWidget
{
    Q_OBJECT

public:
    enum class Metric { DeadFraction, GradientNorm, WeightNorm };

    explicit DiagnosticsChart(Metric metric, QWidget *parent = nullptr);

    Metric metric() const { return m_metric; }
    /** Forgets the data; `spec` names the layers, the x axis spans `plannedEpochs`. */
    void reset(const NetworkSpec &spec, int plannedEpochs);
    void addEpoch(const EpochMetrics &metrics);
    /** Shows a finished or saved run's per-epoch diagnostics. */
    void showRecord(const RunRecord &record);

    /** The y axis range shown, for tests. */
    QPair<double, double> yRange() const;
    /** The points the series called `name` shows (epoch, value as plotted). */
    QVector<QPointF> points(const QString &name) const;

    static QString metricName(Metric metric);
    /**
     * "Linear 1 (784→50)" or "Conv2d 1 (1→32, 5×5)" for the weight layer at `layerIndex`
     * of `spec`; `fallback` (the record's own name) when the spec does not have it.
     */
    static QString layerLabel(const NetworkSpec &spec, int layerIndex, const QString &fallback);
    /** Whether the weight layer at `layerIndex` feeds a ReLU (the dead-unit chart shows only those). */
    static bool hasRelu(const NetworkSpec &spec, int layerIndex);

protected:
    void refresh() override;
    /** Norms only: a dead fraction is often 0. */
    bool allowsLogScale() const override { return m_metric != Metric::DeadFraction; }

private:
    double valueOf(const LayerDiagnostics &layer) const;

    Metric m_metric;
    NetworkSpec m_spec;
    int m_plannedEpochs = 1;
    QVector<int> m_layers;                  ///< spec layer indices, in order of first appearance
    QMap<int, QString> m_labels;
    QMap<int, QVector<QPointF>> m_data;
    QList<QLineSeries *> m_series;
};

} // namespace lab
