#include "ui/charts/diagnosticschart.h"

#include "ui/charts/epochcurves.h"
#include "core/model/shapeinference.h"

#include <QAction>
#include <QChart>
#include <QLineSeries>
#include <QMenu>
#include <QValueAxis>

#include <cmath>
#include <limits>

namespace lab {

namespace {
QColor layerColour(int i)
{
    static const QColor palette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                     QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                     QColor(227, 119, 194), QColor(127, 127, 127), QColor(188, 189, 34),
                                     QColor(23, 190, 207)};
    return palette[i % 10];
}
} // namespace

DiagnosticsChart::DiagnosticsChart(Metric metric, QWidget *parent)
    : XyChartWidget(metric == Metric::DeadFraction   ? QStringLiteral("dead-relu")
                    : metric == Metric::GradientNorm ? QStringLiteral("gradient-norm")
                                                     : QStringLiteral("weight-norm"),
                    metricName(metric), parent)
    , m_metric(metric)
{
    setAxisTitles(tr("epoch"), metric == Metric::DeadFraction ? tr("% dead units") : tr("L2 norm"));
    reset(NetworkSpec(), 1);
}

QString DiagnosticsChart::metricName(Metric metric)
{
    switch (metric) {
    case Metric::DeadFraction:
        return tr("Dead ReLU units (never active on the probe batch)");
    case Metric::GradientNorm:
        return tr("Gradient norm per layer");
    case Metric::WeightNorm:
        return tr("Weight norm per layer");
    }
    return QString();
}

QString DiagnosticsChart::layerLabel(const NetworkSpec &spec, int layerIndex, const QString &fallback)
{
    if (layerIndex < 0 || layerIndex >= spec.layers.size())
        return fallback;
    const LayerSpec &layer = spec.layers.at(layerIndex);
    if (layer.type != LayerSpec::Type::Linear && layer.type != LayerSpec::Type::Conv2d)
        return fallback;
    int ordinal = 0;
    for (int i = 0; i <= layerIndex; ++i)
        if (spec.layers.at(i).type == layer.type)
            ++ordinal;
    const ShapeReport report = ShapeReport::infer(spec);
    Shape input;
    input.channels = spec.inputChannels;
    input.height = spec.inputHeight;
    input.width = spec.inputWidth;
    if (layerIndex > 0 && layerIndex - 1 < report.layers.size())
        input = report.layers.at(layerIndex - 1).output;
    if (layer.type == LayerSpec::Type::Linear)
        return tr("Linear %1 (%2→%3)").arg(ordinal).arg(input.elements()).arg(layer.units);
    return tr("Conv2d %1 (%2→%3, %4×%4)").arg(ordinal).arg(input.channels).arg(layer.units).arg(layer.kernel);
}

void DiagnosticsChart::reset(const NetworkSpec &spec, int plannedEpochs)
{
    m_spec = spec;
    m_plannedEpochs = qMax(1, plannedEpochs);
    m_layers.clear();
    m_labels.clear();
    m_data.clear();
    refreshNow();
}

double DiagnosticsChart::valueOf(const LayerDiagnostics &layer) const
{
    switch (m_metric) {
    case Metric::DeadFraction:
        return 100.0 * layer.deadFraction;
    case Metric::GradientNorm:
        return layer.gradientNorm;
    case Metric::WeightNorm:
        return layer.weightNorm;
    }
    return 0;
}

bool DiagnosticsChart::hasRelu(const NetworkSpec &spec, int layerIndex)
{
    if (layerIndex < 0 || layerIndex >= spec.layers.size())
        return true;   // unknown design: show what the record has
    // The ReLU may follow after BatchNorm or Dropout, as the trainer counts it.
    for (int i = layerIndex + 1; i < spec.layers.size(); ++i) {
        const LayerSpec::Type t = spec.layers.at(i).type;
        if (t == LayerSpec::Type::ReLU)
            return true;
        if (t != LayerSpec::Type::BatchNorm && t != LayerSpec::Type::Dropout)
            return false;
    }
    return false;
}

void DiagnosticsChart::addEpoch(const EpochMetrics &metrics)
{
    for (const LayerDiagnostics &layer : metrics.layers) {
        // A layer without a ReLU has no dead units by definition: a flat 0 line would only add noise.
        if (m_metric == Metric::DeadFraction && !hasRelu(m_spec, layer.layerIndex))
            continue;
        if (!m_data.contains(layer.layerIndex)) {
            m_layers.append(layer.layerIndex);
            m_labels.insert(layer.layerIndex, layerLabel(m_spec, layer.layerIndex, layer.name));
        }
        m_data[layer.layerIndex].append(QPointF(metrics.epoch, valueOf(layer)));
    }
    scheduleRefresh();
}

void DiagnosticsChart::showRecord(const RunRecord &record)
{
    reset(record.spec, EpochCurves::plannedEpochs(record));
    for (const EpochMetrics &m : record.epochs)
        addEpoch(m);
    refreshNow();
}

QPair<double, double> DiagnosticsChart::yRange() const
{
    if (auto *axis = qobject_cast<QValueAxis *>(yAxis()))
        return {axis->min(), axis->max()};
    // QLogValueAxis: min()/max() through the generic properties.
    return {yAxis()->property("min").toDouble(), yAxis()->property("max").toDouble()};
}

QVector<QPointF> DiagnosticsChart::points(const QString &name) const
{
    for (QLineSeries *s : m_series)
        if (s->name() == name) {
            const QList<QPointF> p = s->points();
            return QVector<QPointF>(p.cbegin(), p.cend());
        }
    return {};
}

void DiagnosticsChart::refresh()
{
    while (m_series.size() > m_layers.size())
        removeSeries(m_series.takeLast());
    while (m_series.size() < m_layers.size())
        m_series.append(addLineSeries(QString(), layerColour(int(m_series.size())), 2.0, true));

    double lo = std::numeric_limits<double>::max(), hi = 0;
    for (int i = 0; i < m_layers.size(); ++i) {
        const int layer = m_layers.at(i);
        QVector<QPointF> data = m_data.value(layer);
        for (QPointF &p : data) {
            if (!std::isfinite(p.y()))
                p.setY(0);
            // A log axis cannot show 0: a vanished gradient sits at the floor instead.
            if (yLogScale() && p.y() <= 0)
                p.setY(1e-12);
            if (p.y() > 0)
                lo = qMin(lo, p.y());
            hi = qMax(hi, p.y());
        }
        m_series[i]->setName(m_labels.value(layer));
        m_series[i]->replace(QList<QPointF>(data.cbegin(), data.cend()));
    }
    setXRange(0, m_plannedEpochs);
    if (m_metric == Metric::DeadFraction) {
        bool anyRelu = m_spec.layers.isEmpty();
        for (int i = 0; i < m_spec.layers.size() && !anyRelu; ++i)
            anyRelu = m_spec.layers.at(i).type == LayerSpec::Type::ReLU;
        chart()->setTitle(anyRelu ? metricName(m_metric) : tr("Dead ReLU units: this network has no ReLU"));
        setShortTitles(anyRelu ? tr("Dead ReLU units") : tr("No ReLU layers"), QString());
        setYRange(0, hi > 0 ? qMin(100.0, hi * 1.15) : 10.0);
    } else if (yLogScale()) {
        if (hi <= 0) {
            lo = 1e-3;
            hi = 10;
        }
        // Whole decades, so a small first-layer norm is read against round ticks.
        setYRange(std::pow(10.0, std::floor(std::log10(lo))) * 0.999, std::pow(10.0, std::ceil(std::log10(hi * 1.01))) * 1.001);
    } else {
        setYRange(0, hi > 0 ? hi * 1.08 : 1.0);
    }
}

} // namespace lab
