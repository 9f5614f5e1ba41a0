#pragma once

#include "ui/charts/chartwidget.h"
#include "core/experiment/sweep.h"

#include <QPointF>
#include <QStringList>
#include <QVector>

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
QT_END_NAMESPACE

namespace lab {

/**
 * A sweep's result: the chosen metric against the first axis, mean ± std over the seeds
 * as a line with a shaded band, one line per value of the second axis when there are two.
 * The x axis can be log10 when every value is a positive number; an axis of words
 * (activation, optimizer) is shown as categories. Rebuilt as a whole on every change:
 * a sweep has tens of points, not thousands.
 */
class SweepChart : public ChartWidget
{
    Q_OBJECT

public:
    explicit SweepChart(QWidget *parent = nullptr);
    ~SweepChart() override;

    /** The grid to plot (axes and their values); clears the data and picks the axis's log default. */
    void setSweep(const Sweep &sweep);
    /**
     * Mean ± std per grid point of `metric`, as from Sweep::summarize(); optionally a second
     * metric drawn dashed on the same axes (test error beside train error shows where
     * a wider net starts to overfit — the blog's width question).
     */
    void setCells(const QVector<SweepCell> &cells, const QString &metric,
                  const QVector<SweepCell> &comparisonCells = {}, const QString &comparisonMetric = QString());

    /** Whether the shown x axis is log10 (false when the values do not allow it). */
    bool xLogScale() const { return m_xLog && canUseXLogScale(); }
    /** Every first-axis value is a positive number. */
    bool canUseXLogScale() const;
    /** The x axis object really attached to the chart is a log axis (for tests). */
    bool xAxisIsLog() const;

    /** Names of the mean lines (one per second-axis value, else one). */
    QStringList seriesNames() const;
    /** (x, mean) of one line, in first-axis order. */
    QVector<QPointF> meanPoints(const QString &name) const;
    /** The std of each point of meanPoints(name). */
    QVector<double> stdValues(const QString &name) const;

    /** A metric's words for the reader ("Test error (%)" for test_error); the key elsewhere. */
    static QString metricTitle(const QString &metric);
    /** A sweep parameter worded like the runs' names: "learning rate" for learning_rate. */
    static QString parameterTitle(const QString &parameter);

public Q_SLOTS:
    void setXLogScale(bool log);

Q_SIGNALS:
    void xLogScaleToggled(bool log);

protected:
    void addContextActions(QMenu *menu) override;

private:
    struct Line
    {
        QString name;
        int colour = 0;       ///< index into the palette: a group's lines share it
        bool dashed = false;  ///< the comparison metric
        QVector<QPointF> mean;
        QVector<double> std;
    };

    void rebuild();
    void appendLines(const QVector<SweepCell> &cells, const QString &metric, bool comparison);
    double xOf(const QString &value) const;

    QChart *m_chart;
    QChartView *m_view;
    Sweep m_sweep;
    bool m_hasSweep = false;
    QString m_metric;
    QString m_comparisonMetric;
    QVector<Line> m_lines;
    bool m_xLog = false;
    bool m_numericX = true;
};

} // namespace lab
