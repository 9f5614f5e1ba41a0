#pragma once

#include "core/experiment/runrecord.h"
#include "core/model/networkspec.h"
#include "core/train/epochmetrics.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
QT_END_NAMESPACE

namespace lab {

class ChartWidget;
class DiagnosticsChart;

/**
 * The three per-layer diagnostics side by side (dead ReLUs, gradient norm, weight norm)
 * with a log-scale switch for the norms and a short note on how to read them. Used live
 * on the Train page and for a stored run from the Runs page.
 */
class DiagnosticsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit DiagnosticsPanel(QWidget *parent = nullptr);

    void reset(const NetworkSpec &spec, int plannedEpochs);
    void addEpoch(const EpochMetrics &metrics);
    void showRecord(const RunRecord &record);

    DiagnosticsChart *deadChart() const { return m_dead; }
    DiagnosticsChart *gradientChart() const { return m_gradient; }
    DiagnosticsChart *weightChart() const { return m_weight; }
    QCheckBox *logScaleBox() const { return m_logScale; }
    QList<ChartWidget *> charts() const;

private:
    void updateNote(const EpochMetrics *last);

    DiagnosticsChart *m_dead;
    DiagnosticsChart *m_gradient;
    DiagnosticsChart *m_weight;
    QCheckBox *m_logScale;
    QLabel *m_note;
};

} // namespace lab
