#pragma once

#include "ui/charts/xychartwidget.h"
#include "core/train/trainconfig.h"

namespace lab {

/**
 * A preview of the learning rate over the whole run (x in epochs) for a configuration,
 * computed by the core's LrSchedule exactly as the trainer will step it: warm-up,
 * step decay, cosine, one-cycle. Small enough to sit under the hyperparameter form.
 */
class LrScheduleChart : public XyChartWidget
{
    Q_OBJECT

public:
    explicit LrScheduleChart(QWidget *parent = nullptr);

    /** MNIST's training set: the Design page does not know the data yet. */
    static constexpr int defaultTrainImages = 60000;

    /** Recomputes the curve; an invalid config (e.g. lr not a number) clears it. */
    void setConfig(const TrainConfig &config, int trainImages = defaultTrainImages);
    /** Optimiser steps per epoch for `config`, as the trainer counts them. */
    static int stepsPerEpoch(const TrainConfig &config, int trainImages = defaultTrainImages);

    /** The plotted points (epoch, learning rate) and the optimiser step of each. */
    QVector<QPointF> points() const { return m_points; }
    QVector<qint64> steps() const { return m_steps; }
    static QString seriesName() { return tr("learning rate"); }

protected:
    void refresh() override;

private:
    /** The curve is sampled: enough points to show each step edge, few enough to redraw on every keystroke. */
    static constexpr int maxPoints = 1200;

    QVector<QPointF> m_points;
    QVector<qint64> m_steps;
    int m_epochs = 1;
    QLineSeries *m_series;
};

} // namespace lab
