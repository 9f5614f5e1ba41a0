#pragma once

#include "core/experiment/runrecord.h"

#include <QDialog>

QT_BEGIN_NAMESPACE
class QTabWidget;
QT_END_NAMESPACE

namespace lab {

class ChartWidget;
class DiagnosticsPanel;
class FirstLayerWeightsView;
class TestErrorChart;

/**
 * A stored run's diagnostics in a window of its own: per-layer dead ReLUs and gradient
 * and weight norms from its record.json, its test error against the published results,
 * and the first-layer weights of its model.mnlm as tiles.
 */
class RunDiagnosticsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit RunDiagnosticsDialog(const RunRecord &record, QWidget *parent = nullptr);

    const RunRecord &record() const { return m_record; }
    DiagnosticsPanel *diagnostics() const { return m_diagnostics; }
    TestErrorChart *testErrorChart() const { return m_testError; }
    FirstLayerWeightsView *weightsView() const { return m_weights; }
    QList<ChartWidget *> charts() const;

private:
    RunRecord m_record;
    QTabWidget *m_tabs;
    DiagnosticsPanel *m_diagnostics;
    TestErrorChart *m_testError;
    FirstLayerWeightsView *m_weights;
};

} // namespace lab
