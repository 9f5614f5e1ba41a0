#pragma once

#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"
#include "core/train/epochmetrics.h"

#include <QElapsedTimer>
#include <QVector>
#include <QWidget>

#include <memory>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
QT_END_NAMESPACE

namespace lab {

class SweepChart;
class SweepTimeEstimate;
class RunSession;

/**
 * The Sweeps screen: pick a built-in sweep or open a sweep file, see its grid (axes,
 * values, seeds, runs, base experiment), optionally lower the epochs or seeds for a quick
 * look, then Start runs it in the background (RunSession) with overall and per-run
 * progress and Stop ends it cleanly. The table lists every run of the grid; the chart
 * fills in as runs finish. Every run lands in the run store like any other.
 */
class SweepPage : public QWidget
{
    Q_OBJECT

public:
    explicit SweepPage(QWidget *parent = nullptr);
    ~SweepPage() override;

    /** Where runs read their data and write their folders (empty = DataLocator's choice). */
    void setFolders(const QString &dataFolder, const QString &runsFolder);

    /** Loads a built-in sweep ("width", "learning-rate"); false with the error shown otherwise. */
    bool loadBuiltIn(const QString &name);
    /** Loads a sweep JSON file; false with the error shown when it is unreadable or invalid. */
    bool loadFile(const QString &path);
    /**
     * Shows a sweep's summary file (an in-process sweep's, or `sweep --collect`'s from a
     * cluster run): its grid, its runs in the table and the same chart. Nothing is run.
     * False with the error shown when it is not a summary.
     */
    bool loadSummary(const QString &path);
    /** The loaded sweep with the page's epochs/seeds overrides applied. */
    Sweep sweep() const;

    /** Starts the loaded sweep; false (with a message) when none is loaded or one is running. */
    bool start();
    bool isRunning() const;

    /** The current or last sweep's grid points and the records of its ended runs (index-aligned). */
    const QVector<SweepPoint> &points() const { return m_points; }
    QVector<RunRecord> endedRecords() const;
    /** The records aligned with points(): status Running for runs that have not ended. */
    const QVector<RunRecord> &records() const { return m_records; }

    SweepChart *chart() const { return m_chart; }
    /** The error banner's text, empty when no error is shown. */
    QString errorText() const;
    /** The grid description shown before starting. */
    QString gridText() const;
    /** Overall progress text ("Run 2 of 4 · …"). */
    QString progressText() const;
    /** The time text beside the bars ("0:12 elapsed · about 1:40 left", or the total once ended). */
    QString timeText() const;
    /** The running sweep's estimated seconds left (each remaining run weighted by its cost); -1 unknown or not running. */
    double secondsLeft() const;

public Q_SLOTS:
    void stop();
    /** Asks for a sweep JSON file and loads it. */
    void openFileInteractive();
    /** Asks for a sweep summary (e.g. <runs>/sweeps/…-collected.json) and shows it. */
    void openSummaryInteractive();

Q_SIGNALS:
    /** A run of the sweep started / ended (it is in the run store); for the Runs page. */
    void runStarted(int index, int total);
    void runEnded(const lab::RunRecord &record);
    /** The whole sweep ended: all runs done, or stopped early when `cancelled`. */
    void sweepEnded(bool cancelled);
    /** The sweep could not start or a run threw; the message is also shown on the page. */
    void sweepFailed(const QString &message);

private:
    void chooseSource(int index);
    bool load(const QString &path);
    void showGrid();
    void updateChart();
    void updateButtons();
    void showError(const QString &message);
    void fillTable();
    void setRow(int index, const QString &status, const RunRecord *record);
    void onRunStarting(int index, int total, const QString &name);
    void onBatch(const BatchProgress &progress);
    void showTimeLeft();
    void onRunEnded(int index, const RunRecord &record);
    void onFinished(const QString &summaryPath, bool cancelled);
    void onFailed(const QString &message);

    RunSession *m_session;
    QString m_dataFolder;
    QString m_runsFolder;
    Sweep m_loadedSweep;        // as read from the file, without overrides
    bool m_loaded = false;
    bool m_gridOk = false;      // the overrides give a valid grid
    bool m_keepLog = false;     // grid redrawn for new epochs/seeds: keep the user's log choice
    Sweep m_running;            // the sweep being run (overrides applied)
    QVector<SweepPoint> m_points;
    QVector<RunRecord> m_records;
    int m_currentIndex = -1;
    int m_total = 0;
    QElapsedTimer m_sinceStart;
    std::unique_ptr<SweepTimeEstimate> m_estimate;
    BatchProgress m_lastBatch;    // the current run's newest step (how far a run got when it ended early)

    QComboBox *m_source;
    QPushButton *m_open;
    QPushButton *m_openSummary;
    QSpinBox *m_epochs;
    QSpinBox *m_seeds;
    QPushButton *m_start;
    QPushButton *m_stop;
    QLabel *m_grid;
    QLabel *m_error;
    QProgressBar *m_overall;
    QProgressBar *m_current;
    QLabel *m_eta;
    QTableWidget *m_table;
    QComboBox *m_metric;
    QComboBox *m_comparison;
    QCheckBox *m_logX;
    QPushButton *m_export;
    SweepChart *m_chart;
};

} // namespace lab
