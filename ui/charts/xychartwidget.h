#pragma once

#include "ui/charts/chartwidget.h"

#include <QList>
#include <QPointF>
#include <QStringList>
#include <QTimer>
#include <QVector>

QT_BEGIN_NAMESPACE
class QAbstractAxis;
class QChart;
class QChartView;
class QLineSeries;
class QXYSeries;
QT_END_NAMESPACE

namespace lab {

/**
 * A line chart fed from buffers: subclasses append to their own vectors and call
 * scheduleRefresh(); at most every ~50 ms refresh() pushes whole buffers into the series
 * with QXYSeries::replace() (one signal per series, never one per point). All Qt Charts
 * types stay inside ui/charts so the chart engine can be swapped.
 */
class XyChartWidget : public ChartWidget
{
    Q_OBJECT

public:
    XyChartWidget(const QString &exportName, const QString &title, QWidget *parent = nullptr);
    ~XyChartWidget() override;

    /** Names of the series with at least one point (for tests and legends). */
    QStringList seriesNames() const;
    /** Points currently shown by the series called `name` (0 if there is none). */
    int pointCount(const QString &name) const;
    /** Number of visible data series (markers excluded). */
    int seriesCount() const;
    /** Pushes pending buffers now instead of waiting for the timer. */
    void refreshNow();

    /**
     * A log10 y axis: what the chart's "Log scale" menu entry and the pages' checkboxes
     * switch. Stays linear on charts that do not offer it (allowsLogScale()).
     */
    void setLogScale(bool log);
    bool logScale() const { return m_yLog; }

Q_SIGNALS:
    void logScaleToggled(bool log);

protected:
    /** Whether the chart offers a log y axis (its values are positive); the default is no. */
    virtual bool allowsLogScale() const { return false; }
    /** Adds the "Log scale" entry where the chart allows it. */
    void addContextActions(QMenu *menu) override;

    /** Redraw interval: frequent enough to look live, rare enough to keep input responsive. */
    static constexpr int refreshMilliseconds = 50;

    void scheduleRefresh();
    void chartResized() override;
    /** Called by the timer: push buffers into series and rescale axes. */
    virtual void refresh() = 0;

    QLineSeries *addLineSeries(const QString &name, const QColor &color, qreal width, bool points = false);
    void removeSeries(QXYSeries *series);
    /** Replaces the data, thinning to at most `maxPoints` by keeping every k-th point (and the last). */
    static void replaceThinned(QXYSeries *series, const QVector<QPointF> &points, int maxPoints = 2500);

    QChart *chart() const { return m_chart; }
    QAbstractAxis *xAxis() const { return m_xAxis; }
    QAbstractAxis *yAxis() const { return m_yAxis; }
    void setXRange(qreal min, qreal max);
    /** Switches the y axis between linear and log10 (log needs positive data). */
    void setYLogScale(bool log);
    bool yLogScale() const { return m_yLog; }
    void setYRange(qreal min, qreal max);
    void setAxisTitles(const QString &x, const QString &y);
    /**
     * Shorter chart and y-axis titles (empty: none), shown whenever the full ones would be
     * cut to "..." by the chart as laid out: a small window or a small export.
     */
    void setShortTitles(const QString &title, const QString &yTitle);
    /** Series ignored by seriesCount(), e.g. lr markers. */
    void setMarkerSeries(QXYSeries *series);

private:
    QChart *m_chart;
    /** Puts the full or the short titles up, whichever fits the current layout. */
    void fitTitles();
    QString m_fullTitle, m_shortTitle;
    QString m_fullYTitle, m_shortYTitle;
    QChartView *m_view;
    QAbstractAxis *m_xAxis;
    QAbstractAxis *m_yAxis;
    QAbstractAxis *m_yLinear;
    QAbstractAxis *m_yLog10;
    bool m_yLog = false;
    QList<QXYSeries *> m_markers;
    QTimer m_timer;
};

} // namespace lab
