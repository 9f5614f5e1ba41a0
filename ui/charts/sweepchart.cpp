#include "ui/charts/sweepchart.h"

#include <QAction>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMenu>
#include <QValueAxis>

#include <algorithm>
#include <limits>

namespace lab {

namespace {

const QList<QColor> lineColors = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                               QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                               QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f)};

// The top of a range that can have round ticks: a single x value or a flat metric
// (max == min) gets a range one unit wide.
double roundableMax(double min, double max)
{
    return max > min ? max : min + 1;
}

ChartWidget::NiceTicks roundTicks(double min, double max)
{
    return ChartWidget::niceTicks(min, roundableMax(min, max));
}

void setRoundRange(QValueAxis *axis, double min, double max)
{
    ChartWidget::setNiceRange(axis, min, roundableMax(min, max));
}

bool isNumber(const QString &s)
{
    bool ok = false;
    s.toDouble(&ok);
    return ok;
}

} // namespace

SweepChart::SweepChart(QWidget *parent) : ChartWidget(QStringLiteral("sweep"), parent)
{
    m_chart = new QChart;
    m_view = showChart(m_chart, QSize(320, 240));
    rebuild();
}

SweepChart::~SweepChart() = default;

void SweepChart::setSweep(const Sweep &sweep)
{
    m_sweep = sweep;
    m_hasSweep = !sweep.axes.isEmpty();
    m_metric = sweep.metric;
    m_lines.clear();
    m_numericX = m_hasSweep && std::all_of(sweep.axes[0].values.cbegin(), sweep.axes[0].values.cend(), isNumber);
    const bool log = m_hasSweep && sweep.axes[0].logScale;
    const bool changed = log != m_xLog;
    m_xLog = log;
    rebuild();
    if (changed)
        Q_EMIT xLogScaleToggled(m_xLog);
}

double SweepChart::xOf(const QString &value) const
{
    if (m_numericX)
        return value.toDouble();
    return double(m_sweep.axes[0].values.indexOf(value));
}

void SweepChart::setCells(const QVector<SweepCell> &cells, const QString &metric,
                          const QVector<SweepCell> &comparisonCells, const QString &comparisonMetric)
{
    m_metric = metric;
    m_comparisonMetric = comparisonCells.isEmpty() ? QString() : comparisonMetric;
    m_lines.clear();
    if (m_hasSweep) {
        appendLines(cells, metric, false);
        if (!m_comparisonMetric.isEmpty())
            appendLines(comparisonCells, m_comparisonMetric, true);
    }
    rebuild();
}

void SweepChart::appendLines(const QVector<SweepCell> &cells, const QString &metric, bool comparison)
{
    const bool twoAxes = m_sweep.axes.size() > 1;
    // One line per second-axis value, in the order the sweep file lists them.
    const QStringList groups = twoAxes ? m_sweep.axes[1].values : QStringList{QString()};
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const QString &group = groups[g];
        Line line;
        // With one axis the two metrics get two colours; with two, a group keeps its colour
        // and the comparison is told apart by its dashes.
        line.colour = comparison && groups.size() == 1 ? 1 : int(g);
        line.dashed = comparison;
        const QString what = m_comparisonMetric.isEmpty() ? QString() : metricTitle(metric);
        if (twoAxes)
            // Worded like the runs' names: "learning rate 0.01".
            line.name = parameterTitle(m_sweep.axes[1].parameter) + u' ' + group
                        + (what.isEmpty() ? QString() : QStringLiteral(" · ") + what);
        else
            line.name = !what.isEmpty() ? what : m_sweep.seeds > 1 ? tr("mean ± std") : metricTitle(metric);   // one seed: no ± to speak of
        QVector<SweepCell> mine;
        for (const SweepCell &c : cells)
            if (!c.axisValues.isEmpty() && (!twoAxes || c.axisValues.value(1) == group))
                mine.append(c);
        std::sort(mine.begin(), mine.end(), [this](const SweepCell &a, const SweepCell &b) {
            return xOf(a.axisValues.first()) < xOf(b.axisValues.first());
        });
        for (const SweepCell &c : mine) {
            line.mean.append(QPointF(xOf(c.axisValues.first()), c.mean));
            line.std.append(c.std);
        }
        if (!line.mean.isEmpty())
            m_lines.append(line);
    }
}

bool SweepChart::canUseXLogScale() const
{
    if (!m_hasSweep || !m_numericX)
        return false;
    for (const QString &v : m_sweep.axes[0].values)
        if (!(v.toDouble() > 0))
            return false;
    return true;
}

void SweepChart::setXLogScale(bool log)
{
    if (log == m_xLog)
        return;
    m_xLog = log;
    rebuild();
    Q_EMIT xLogScaleToggled(log);
}

bool SweepChart::xAxisIsLog() const
{
    const QList<QAbstractAxis *> axes = m_chart->axes(Qt::Horizontal);
    return !axes.isEmpty() && qobject_cast<QLogValueAxis *>(axes.first()) != nullptr;
}

QStringList SweepChart::seriesNames() const
{
    QStringList names;
    for (const Line &l : m_lines)
        names << l.name;
    return names;
}

QVector<QPointF> SweepChart::meanPoints(const QString &name) const
{
    for (const Line &l : m_lines)
        if (l.name == name)
            return l.mean;
    return {};
}

QVector<double> SweepChart::stdValues(const QString &name) const
{
    for (const Line &l : m_lines)
        if (l.name == name)
            return l.std;
    return {};
}

QString SweepChart::metricTitle(const QString &metric)
{
    if (metric == u"test_error")
        return tr("Test error (%)");
    if (metric == u"train_error")
        return tr("Train error (%)");
    if (metric == u"test_accuracy")
        return tr("Test accuracy (%)");
    if (metric == u"train_accuracy")
        return tr("Train accuracy (%)");
    if (metric == u"final_train_loss")
        return tr("Final train loss");
    if (metric == u"train_seconds")
        return tr("Training time (s)");
    return metric;
}

QString SweepChart::parameterTitle(const QString &parameter)
{
    return QString(parameter).replace(u'_', u' ');
}

void SweepChart::rebuild()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }

    const QString xName = m_hasSweep ? parameterTitle(m_sweep.axes[0].parameter) : tr("axis");
    const int seeds = m_hasSweep ? m_sweep.seeds : 0;
    const QString metrics = m_comparisonMetric.isEmpty()
                                ? metricTitle(m_metric).toLower()
                                : tr("%1 and %2").arg(metricTitle(m_metric).toLower(), metricTitle(m_comparisonMetric).toLower());
    // One seed has no spread to show: say so instead of "mean ± std over 1 seed".
    m_chart->setTitle(!m_hasSweep ? tr("No sweep loaded")
                      : seeds == 1 ? tr("%1: %2 vs %3 (one run per point, no spread)").arg(m_sweep.name, metrics, xName)
                                   : tr("%1: %2 vs %3 (mean ± std over %4 seeds)").arg(m_sweep.name, metrics, xName).arg(seeds));

    // X axis: log10, linear, or one category per word.
    QAbstractAxis *x = nullptr;
    const bool log = xLogScale();
    double xMin = 0, xMax = 1;
    if (m_hasSweep && m_numericX) {
        xMin = std::numeric_limits<double>::max();
        xMax = std::numeric_limits<double>::lowest();
        for (const QString &v : m_sweep.axes[0].values) {
            xMin = std::min(xMin, v.toDouble());
            xMax = std::max(xMax, v.toDouble());
        }
    }
    if (log) {
        auto *axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(QStringLiteral("%g"));
        axis->setMinorTickCount(-1);
        // A little room on both sides so the end points are not cut by the plot edge.
        axis->setRange(xMin / 1.3, xMax * 1.3);
        x = axis;
    } else if (m_hasSweep && !m_numericX) {
        auto *axis = new QCategoryAxis;
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        const QStringList &values = m_sweep.axes[0].values;
        for (int i = 0; i < values.size(); ++i)
            axis->append(values[i], i);
        axis->setRange(-0.5, values.size() - 0.5);
        x = axis;
    } else if (m_hasSweep) {
        // Labels at whole multiples of a round step, written from those multiples: Qt's own
        // evenly spaced ticks add up rounding errors, and a padded range from -0.05 labelled
        // the tick at 0 "-6.939e-18".
        auto *axis = new QCategoryAxis;
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        const double pad = (xMax - xMin) * 0.04;
        const ChartWidget::NiceTicks ticks = roundTicks(xMin - pad, xMax + pad);
        for (qint64 k = ticks.first; k <= ticks.last; ++k)
            axis->append(QString::number(double(k) * ticks.step, 'g', 4), double(k) * ticks.step);
        axis->setRange(double(ticks.first) * ticks.step, double(ticks.last) * ticks.step);
        x = axis;
    } else {
        auto *axis = new QValueAxis;
        axis->setLabelFormat(QStringLiteral("%.4g"));
        const double pad = (xMax - xMin) * 0.04;
        setRoundRange(axis, xMin - pad, xMax + pad);
        x = axis;
    }
    x->setTitleText(xName);
    auto *y = new QValueAxis;
    y->setLabelFormat(QStringLiteral("%.4g"));
    y->setTitleText(m_comparisonMetric.isEmpty() ? metricTitle(m_metric)
                                                 : metricTitle(m_metric) + QStringLiteral(" / ") + metricTitle(m_comparisonMetric));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);

    double yMin = std::numeric_limits<double>::max();
    double yMax = std::numeric_limits<double>::lowest();
    for (int i = 0; i < m_lines.size(); ++i) {
        const Line &line = m_lines[i];
        const QColor color = lineColors[line.colour % lineColors.size()];
        // The band first, so the line is drawn over it.
        auto *upper = new QLineSeries;
        auto *lower = new QLineSeries;
        for (int p = 0; p < line.mean.size(); ++p) {
            const QPointF m = line.mean[p];
            upper->append(m.x(), m.y() + line.std[p]);
            lower->append(m.x(), m.y() - line.std[p]);
            yMin = std::min(yMin, m.y() - line.std[p]);
            yMax = std::max(yMax, m.y() + line.std[p]);
        }
        auto *band = new QAreaSeries(upper, lower);
        upper->setParent(band);
        lower->setParent(band);
        band->setName(line.name + QStringLiteral(" ± std"));
        QColor fill = color;
        fill.setAlpha(50);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        m_chart->addSeries(band);
        band->attachAxis(x);
        band->attachAxis(y);

        auto *mean = new QLineSeries;
        mean->setName(line.name);
        QPen pen(color);
        pen.setWidthF(2.0);
        if (line.dashed)
            pen.setStyle(Qt::DashLine);
        mean->setPen(pen);
        mean->setPointsVisible(true);
        mean->setMarkerSize(7);
        for (const QPointF &p : line.mean)
            mean->append(p);
        m_chart->addSeries(mean);
        mean->attachAxis(x);
        mean->attachAxis(y);
        for (QLegendMarker *marker : m_chart->legend()->markers(band))
            marker->setVisible(false);
    }
    if (m_lines.isEmpty()) {
        yMin = 0;
        yMax = 1;
    } else {
        const double pad = std::max((yMax - yMin) * 0.08, 1e-3);
        yMin -= pad;
        yMax += pad;
        // Errors, accuracies and times are never negative: do not pad below zero.
        if (yMin < 0 && m_metric != u"final_train_loss")
            yMin = 0;
    }
    setRoundRange(y, yMin, yMax);
    m_chart->legend()->setVisible(m_lines.size() > 1);
}

void SweepChart::addContextActions(QMenu *menu)
{
    QAction *log = addCheckableAction(menu, tr("Log x axis"), xLogScale());
    log->setEnabled(canUseXLogScale());
    connect(log, &QAction::toggled, this, &SweepChart::setXLogScale);
}

} // namespace lab
