#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"
#include "ui/common/banner.h"

#include <QElapsedTimer>
#include <QVector>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QTabWidget;
QT_END_NAMESPACE

namespace lab {

class AccuracyChart;
class ChartWidget;
class ConfusionHeatmap;
class DiagnosticsPanel;
class FirstLayerWeightsView;
class LossChart;
class TestErrorChart;
class RunSession;

/**
 * The Train screen: Train / Pause / Resume / Stop, progress (epoch, batch, samples per
 * second, time left), live loss, accuracy and test-error charts (with published results),
 * per-layer diagnostics, the first-layer weights at the end, the confusion heatmap with an epoch
 * slider and a gallery per cell, the learning rate of a paused run, and a banner that
 * says how the run ended. The run itself lives in a RunSession (worker thread).
 */
class TrainPage : public QWidget
{
    Q_OBJECT

public:
    explicit TrainPage(QWidget *parent = nullptr);
    ~TrainPage() override;

    /** Starts a run; false (with a message) when one is already running. */
    bool startRun(const RunRequest &request);
    /**
     * Shows a stored run as it ended (charts, confusion matrix with its epochs, weights,
     * a banner naming it), e.g. the last session's run at start. False, with the page
     * unchanged, while a run is going on or when `folder` holds no readable record.
     * `dataFolder` is where the gallery finds the test images.
     */
    bool showStoredRun(const QString &folder, const QString &dataFolder);
    /**
     * Continues the stopped or interrupted run in `folder` from its checkpoint (the same
     * ExperimentRunner::resume as `mnist-lab-cli resume`): its epochs so far on the charts,
     * the rest live. False, with a message, while a run is going on or when it is unreadable.
     */
    bool resumeRun(const QString &folder, const QString &dataFolder);
    /** Enables the Train button (the design is valid). */
    void setCanTrain(bool can, const QString &why = QString());

    /**
     * A run holds the page. One that was asked to stop no longer does: the next run may
     * start while it finishes its batch, and nothing it still reports reaches the page.
     */
    bool isRunning() const;
    RunSession *session() const { return m_session; }
    /** The folder of the current or last run (empty before the first run started). */
    QString runFolder() const { return m_record.folder; }
    /** The last run's record as it ended (status Running while a run goes on). */
    const RunRecord &record() const { return m_record; }
    /** The banner text saying how the last run ended. */
    QString statusText() const;

    LossChart *lossChart() const { return m_loss; }
    AccuracyChart *accuracyChart() const { return m_accuracy; }
    ConfusionHeatmap *heatmap() const { return m_heatmap; }
    TestErrorChart *testErrorChart() const { return m_testError; }
    DiagnosticsPanel *diagnosticsPanel() const { return m_diagnostics; }
    FirstLayerWeightsView *weightsView() const { return m_weights; }
    QList<ChartWidget *> charts() const;

    /** Writes every chart of charts() as <exportName>.png into `folder` (ChartWidget::exportAll). */
    QStringList exportAllCharts(const QString &folder, const QSize &size, QString *error = nullptr);
    /** Opens the gallery of test images for one confusion cell at the slider's epoch. */
    void openGallery(int trueLabel, int predicted);

public Q_SLOTS:
    void pause();
    void resume();
    void stop();
    /** Interactive "export all charts of this run" into the run folder. */
    void exportAllInteractive();

Q_SIGNALS:
    /** The Train button: the window starts a run with the current design. */
    void trainRequested();
    void runStarted(const lab::RunRecord &record);
    /** The run ended and is in the run store (any status). */
    void runEnded(const lab::RunRecord &record);
    void runFailed(const QString &message);
    /** The run started, paused, resumed or ended: what the window's Train/Pause/Resume/Stop follow. */
    void runStateChanged(bool running, bool paused);

private:
    void onStarted(const RunRecord &record);
    void onBatches(const QVector<BatchProgress> &steps);
    void onEpoch(const EpochMetrics &metrics);
    void onEnded(const RunRecord &record);
    void onFailed(const QString &message);
    void updateButtons();
    void showEpoch(int epoch);
    void applyLearningRate();

    RunSession *m_session;
    RunRequest m_request;
    RunRecord m_record;
    QVector<EpochMetrics> m_epochs;
    BatchProgress m_lastBatch;
    bool m_canTrain = true;
    bool m_lastRunning = false;   ///< the state runStateChanged() last told
    bool m_lastPaused = false;
    QElapsedTimer m_sinceStart;

    QPushButton *m_train;
    QPushButton *m_pause;
    QPushButton *m_stop;
    QLineEdit *m_lr;
    QPushButton *m_applyLr;
    QPushButton *m_exportAll;
    QProgressBar *m_progress;
    QLabel *m_speed;
    Banner *m_banner;
    QCheckBox *m_logScale;
    QCheckBox *m_normalized;
    QSlider *m_epochSlider;
    QLabel *m_epochLabel;
    LossChart *m_loss;
    AccuracyChart *m_accuracy;
    ConfusionHeatmap *m_heatmap;
    TestErrorChart *m_testError;
    DiagnosticsPanel *m_diagnostics;
    FirstLayerWeightsView *m_weights;
    QTabWidget *m_tabs;
};

} // namespace lab
