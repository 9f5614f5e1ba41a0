#include "ui/charts/testerrorchart.h"

#include "core/common/laberror.h"

#include <QAction>
#include <QChart>
#include <QCheckBox>
#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
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
        for (QLegendMarker *m : chart()->legend()->markers(s))
            m->setVisible(false);
        m_referenceSeries.append(s);
    }
    for (int i = 0; i < refs.size(); ++i) {
        const Line &l = refs.at(i);
        QLineSeries *s = m_referenceSeries[i];
        const QColor colour = l.augmented ? QColor(0, 128, 128) : QColor(90, 90, 90);
        QPen pen(colour);
        pen.setWidthF(1.3);
        pen.setStyle(l.augmented ? Qt::DashDotLine : Qt::DashLine);
        s->setPen(pen);
        s->setName(l.label);
        s->replace(QList<QPointF>{QPointF(0, l.error), QPointF(xMax, l.error)});
        s->setVisible(true);
    }
    placeLabels(refs);
}

void TestErrorChart::placeLabels(const QVector<Line> &refs)
{
    while (m_labels.size() > refs.size())
        delete m_labels.takeLast();
    QFont font = chart()->font();
    font.setPointSizeF(qMax(6.0, font.pointSizeF() * 0.85));
    while (m_labels.size() < refs.size()) {
        auto *box = new QGraphicsRectItem(chart());
        box->setPen(Qt::NoPen);
        box->setBrush(QColor(255, 255, 255, 215));
        box->setZValue(10);   // above the series
        auto *text = new QGraphicsSimpleTextItem(box);
        text->setFont(font);
        m_labels.append(box);
    }
    const QRectF plot = chart()->plotArea();
    if (plot.width() < 20 || plot.height() < 20) {
        for (QGraphicsRectItem *box : std::as_const(m_labels))
            box->hide();
        return;
    }
    const QFontMetricsF fm(font);
    const qreal pad = 2;
    QVector<qreal> ys;
    for (int i = 0; i < refs.size(); ++i)
        ys.append(chart()->mapToPosition(QPointF(0, refs.at(i).error), m_referenceSeries.at(i)).y());
    // Along the line: the middle first (a line on its own), then the sides; lines close to
    // a neighbour start at a different place each, so neighbours rarely compete.
    const QList<qreal> places = {0.5, 0.17, 0.83, 0.33, 0.67, 0.0, 1.0};
    QList<QRectF> placed;
    for (int i = 0; i < refs.size(); ++i) {
        const Line &l = refs.at(i);
        QGraphicsRectItem *box = m_labels.at(i);
        auto *text = static_cast<QGraphicsSimpleTextItem *>(box->childItems().constFirst());
        text->setBrush(l.augmented ? QColor(0, 110, 110) : QColor(70, 70, 70));
        const bool compact = plot.width() < compactBelowPixels;
        QStringList texts;
        if (!compact)
            texts << l.label;
        texts << l.shortLabel;
        auto crossesOtherLine = [&](const QRectF &r) {
            for (int j = 0; j < ys.size(); ++j)
                if (j != i && ys.at(j) > r.top() && ys.at(j) < r.bottom())
                    return true;
            return false;
        };
        QRectF chosen;
        QString chosenText;
        // First a place no other line crosses, then any free place (the box hides the line).
        for (int pass = 0; pass < 2 && chosen.isNull(); ++pass) {
            for (const QString &t : texts) {
                const QSizeF size(fm.horizontalAdvance(t) + 2 * pad, fm.height());
                if (size.width() > plot.width())
                    continue;
                const int start = i % 3;   // neighbours begin at different places
                for (int k = 0; k < places.size() && chosen.isNull(); ++k) {
                    const qreal f = places.at(k < 3 ? (k + start) % 3 : k);
                    const qreal cx = qBound(plot.left() + size.width() / 2, plot.left() + f * plot.width(),
                                            plot.right() - size.width() / 2);
                    for (const qreal top : {ys.at(i) - size.height() - 1, ys.at(i) + 1}) {
                        const QRectF r(QPointF(cx - size.width() / 2, top), size);
                        if (r.top() < plot.top() || r.bottom() > plot.bottom())
                            continue;
                        bool free = pass == 1 || !crossesOtherLine(r);
                        for (const QRectF &other : std::as_const(placed))
                            free = free && !r.intersects(other.adjusted(-pad, -1, pad, 1));
                        if (free) {
                            chosen = r;
                            chosenText = t;
                            break;
                        }
                    }
                }
                if (!chosen.isNull())
                    break;
            }
        }
        if (chosen.isNull()) {
            box->hide();
            continue;
        }
        text->setText(chosenText);
        box->setRect(QRectF(QPointF(0, 0), chosen.size()));
        box->setPos(chosen.topLeft());
        text->setPos(pad, 0);
        box->show();
        placed << chosen;
    }
}

QList<QRectF> TestErrorChart::referenceLabelRects() const
{
    QList<QRectF> rects;
    for (QGraphicsRectItem *box : m_labels)
        if (box->isVisible())
            rects << box->mapRectToParent(box->rect());
    return rects;
}

} // namespace lab
