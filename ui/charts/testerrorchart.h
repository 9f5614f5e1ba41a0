#pragma once

#include "ui/charts/epochcurves.h"
#include "ui/charts/xychartwidget.h"
#include "core/experiment/referenceresults.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"

QT_BEGIN_NAMESPACE
class QCheckBox;
class QGraphicsRectItem;
QT_END_NAMESPACE

namespace lab {

/**
 * Test (and train, validation) error in percent per epoch on a log axis, with the
 * published MNIST results drawn as labelled dashed horizontal lines (source, error,
 * augmented or not), so a run is read against the blog's 1.68% and the literature.
 * A checkbox under the chart hides the references.
 */
class TestErrorChart : public XyChartWidget
{
    Q_OBJECT

public:
    explicit TestErrorChart(QWidget *parent = nullptr);

    void reset(int plannedEpochs);
    void addEpoch(const EpochMetrics &metrics);
    void showRecord(const RunRecord &record);

    /** Replaces the reference lines (the built-in published figures by default). */
    void setReferences(const QVector<ReferenceResult> &references);
    QVector<ReferenceResult> references() const { return m_references; }
    void setReferencesVisible(bool visible);
    bool referencesVisible() const { return m_referencesVisible; }
    /** Labels of the reference lines drawn now (empty while hidden). */
    QStringList referenceLabels() const;
    /** The y value of the drawn reference line labelled `label`, or -1. */
    double referenceLevel(const QString &label) const;
    /**
     * The reference labels drawn in the plot now, in chart coordinates (a hidden one, which
     * found no free place, is left out). They never overlap each other and stay inside
     * the plot.
     */
    QList<QRectF> referenceLabelRects() const;
    QCheckBox *referencesBox() const { return m_referencesBox; }

    static QString testName() { return tr("test error"); }
    static QString trainName() { return tr("train error"); }

Q_SIGNALS:
    void referencesVisibleChanged(bool visible);

protected:
    void refresh() override;
    void addContextActions(QMenu *menu) override;

private:
    /** Lines at equal error and augmentation share one line and one label. */
    struct Line
    {
        double error = 0;
        bool augmented = false;
        QString label;     ///< full: sources, models, error, augmentation
        QString shortLabel; ///< for narrow plots: sources, error, augmentation
    };
    QVector<Line> lines() const;
    /**
     * Puts each line's label where it overlaps no other label and stays inside the plot:
     * above or below its line, at one of several places along it, preferring places
     * where no other reference line crosses it; the short text when the full one finds
     * no place; hidden when neither does.
     */
    void placeLabels(const QVector<Line> &refs);

    int m_plannedEpochs = 1;
    EpochCurves m_curves;
    QVector<ReferenceResult> m_references;
    bool m_referencesVisible = true;
    QList<QLineSeries *> m_referenceSeries;
    /** One label per reference line: a translucent white box (so a line under it does not cross the text) with the text. */
    QList<QGraphicsRectItem *> m_labels;
    /** Below this plot width the in-plot labels drop the model names (they would overlap). */
    static constexpr int compactBelowPixels = 700;
    QCheckBox *m_referencesBox;
};

} // namespace lab
