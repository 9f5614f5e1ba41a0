#include "ui/charts/testerrorchart.h"

#include "core/common/laberror.h"

#include <QAction>
#include <QChart>
#include <QCheckBox>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace lab {

namespace {
// A log axis cannot show 0% (a perfectly fitted training set): it sits on this floor.
constexpr double errorFloor = 0.01;

double errorOf(double accuracy) { return qMax(errorFloor, 100.0 - accuracy); }
} // namespace

TestErrorChart::TestErrorChart(QWidget *parent)
    : XyChartWidget(QStringLiteral("test-error"), tr("Test error vs. published results"), parent)
{
    setAxisTitles(tr("epoch"), tr("error % (log)"));
    QLineSeries *train = addLineSeries(trainName(), QColor(44, 160, 44), 2.0, true);
    QLineSeries *test = addLineSeries(testName(), QColor(255, 127, 14), 2.5, true);
    m_curves.setSeries(train, test, addLineSeries(tr("validation error"), QColor(148, 103, 189), 2.0, true));
    setYLogScale(true);
    // The in-plot labels get shorter when the plot gets narrow.
    connect(chart(), &QChart::plotAreaChanged, this, [this] { scheduleRefresh(); });

    m_referencesBox = new QCheckBox(tr("Show published results"), this);
    m_referencesBox->setChecked(true);
    m_referencesBox->setToolTip(tr("Dashed lines: MNIST test errors from the literature and the blog's best run "
                                   "(grey: no augmentation, teal: trained on distorted/augmented images)"));
    if (auto *box = qobject_cast<QVBoxLayout *>(layout()))
        box->addWidget(m_referencesBox);
    connect(m_referencesBox, &QCheckBox::toggled, this, &TestErrorChart::setReferencesVisible);

    try {
        m_references = ReferenceResults::builtIn();
    } catch (const LabError &e) {
        qWarning("%s", qPrintable(e.message()));   // the chart still shows the run
    }
    reset(1);
}

void TestErrorChart::reset(int plannedEpochs)
{
    m_plannedEpochs = qMax(1, plannedEpochs);
    m_curves.clear();
    refreshNow();
}

void TestErrorChart::addEpoch(const EpochMetrics &m)
{
    m_curves.append(m.epoch, errorOf(m.trainAccuracy), errorOf(m.testAccuracy), m.validationAccuracy >= 0,
                    errorOf(m.validationAccuracy));
    scheduleRefresh();
}

void TestErrorChart::showRecord(const RunRecord &record)
{
    reset(EpochCurves::plannedEpochs(record));
    for (const EpochMetrics &m : record.epochs)
        addEpoch(m);
    refreshNow();
}

void TestErrorChart::setReferences(const QVector<ReferenceResult> &references)
{
    m_references = references;
    refreshNow();
}

void TestErrorChart::setReferencesVisible(bool visible)
{
    if (visible == m_referencesVisible)
        return;
    m_referencesVisible = visible;
    m_referencesBox->setChecked(visible);
    refreshNow();
    Q_EMIT referencesVisibleChanged(visible);
}

QVector<TestErrorChart::Line> TestErrorChart::lines() const
{
    QVector<Line> out;
    QVector<QStringList> whats, sources;
    for (const ReferenceResult &r : m_references) {
        qsizetype at = 0;
        while (at < out.size() && !(std::abs(out[at].error - r.testError) < 1e-9 && out[at].augmented == r.augmented))
            ++at;
        if (at == out.size()) {
            Line l;
            l.error = r.testError;
            l.augmented = r.augmented;
            out.append(l);
            whats.append(QStringList());
            sources.append(QStringList());
        }
        whats[at] << tr("%1: %2").arg(r.source, r.model);
        sources[at] << r.source;
    }
    for (qsizetype i = 0; i < out.size(); ++i) {
        const QString tail = tr("%1% (%2)").arg(QString::number(out[i].error, 'g', 3),
                                                out[i].augmented ? tr("augmented") : tr("no augmentation"));
        out[i].label = whats[i].join(QStringLiteral(" / ")) + QStringLiteral(" — ") + tail;
        // Narrow plots: the line's style already says augmented (teal dash-dot) or not (grey dash).
        out[i].shortLabel = sources[i].join(QStringLiteral(" / ")) + QStringLiteral(" ")
                            + QString::number(out[i].error, 'g', 3) + u'%' + (out[i].augmented ? tr(" aug.") : QString());
    }
    // From the largest error down, so the label places below cycle through neighbouring lines.
    std::stable_sort(out.begin(), out.end(), [](const Line &a, const Line &b) { return a.error > b.error; });
    return out;
}

QStringList TestErrorChart::referenceLabels() const
{
    QStringList labels;
    for (QLineSeries *s : m_referenceSeries)
        if (s->isVisible() && s->count() > 0)
            labels << s->name();
    return labels;
}

double TestErrorChart::referenceLevel(const QString &label) const
{
    for (QLineSeries *s : m_referenceSeries)
        if (s->isVisible() && s->count() > 0 && s->name() == label)
            return s->at(0).y();
    return -1;
}

void TestErrorChart::addContextActions(QMenu *menu)
{
    QAction *a = addCheckableAction(menu, tr("Show published results"), m_referencesVisible);
    connect(a, &QAction::toggled, this, &TestErrorChart::setReferencesVisible);
    QAction *log = addCheckableAction(menu, tr("Log scale"), yLogScale());
    connect(log, &QAction::toggled, this, [this](bool on) { setYLogScale(on); });
}

void TestErrorChart::refresh()
{
    m_curves.push();

    double lo = std::numeric_limits<double>::max(), hi = 0;
    m_curves.forEachPoint([&lo, &hi](const QPointF &p) {
        lo = qMin(lo, p.y());
        hi = qMax(hi, p.y());
    });
    const QVector<Line> refs = m_referencesVisible ? lines() : QVector<Line>();
    for (const Line &l : refs) {
        lo = qMin(lo, l.error);
        hi = qMax(hi, l.error);
    }
    if (hi <= 0) {
        lo = 0.1;
        hi = 10;
    }
    const double xMax = m_plannedEpochs;
    setXRange(0, xMax);
    double y0, y1;
    if (yLogScale()) {
        // Whole decades, a hair wider so the end ticks (0.1, 10) keep their labels.
        y0 = std::pow(10.0, std::floor(std::log10(lo * 0.9))) * 0.999;
        y1 = std::pow(10.0, std::ceil(std::log10(hi * 1.1))) * 1.001;
    } else {
        y0 = 0;
        y1 = hi * 1.1;
    }
    setYRange(y0, y1);

    // Reference lines: dashed, labelled in the plot (not the legend) next to the line.
    while (m_referenceSeries.size() > refs.size())
        removeSeries(m_referenceSeries.takeLast());
    while (m_referenceSeries.size() < refs.size()) {
        QLineSeries *s = addLineSeries(QString(), Qt::gray, 1.3);
        setMarkerSeries(s);
        s->setPointLabelsVisible(true);
        s->setPointLabelsClipping(false);
        QFont font = s->pointLabelsFont();
        font.setPointSizeF(qMax(6.0, font.pointSizeF() * 0.8));
        s->setPointLabelsFont(font);
        for (QLegendMarker *m : chart()->legend()->markers(s))
            m->setVisible(false);
        m_referenceSeries.append(s);
    }
    const bool compact = chart()->plotArea().width() < compactBelowPixels;
    for (int i = 0; i < refs.size(); ++i) {
        const Line &l = refs.at(i);
        QLineSeries *s = m_referenceSeries[i];
        const QColor colour = l.augmented ? QColor(0, 128, 128) : QColor(90, 90, 90);
        QPen pen(colour);
        pen.setWidthF(1.3);
        pen.setStyle(l.augmented ? Qt::DashDotLine : Qt::DashLine);
        s->setPen(pen);
        s->setName(l.label);
        s->setPointLabelsColor(colour);
        s->setPointLabelsFormat(compact ? l.shortLabel : l.label);
        // Lines close to a neighbour (the cluster between 0.95% and 1.68%) cycle their labels
        // through three places so neighbours never share one; a line on its own gets the
        // middle, where a long label is not cut at the plot's edge.
        const bool nearAbove = i > 0 && refs.at(i - 1).error / l.error < 1.5;
        const bool nearBelow = i + 1 < refs.size() && l.error / refs.at(i + 1).error < 1.5;
        const double labelX = !nearAbove && !nearBelow ? xMax * 0.5 : xMax * (i % 3 == 0 ? 0.17 : i % 3 == 1 ? 0.5 : 0.83);
        s->replace(QList<QPointF>{QPointF(0, l.error), QPointF(labelX, l.error), QPointF(xMax, l.error)});
        s->setPointConfiguration(0, QXYSeries::PointConfiguration::LabelVisibility, false);
        s->setPointConfiguration(2, QXYSeries::PointConfiguration::LabelVisibility, false);
        s->setVisible(true);
    }
}

} // namespace lab
