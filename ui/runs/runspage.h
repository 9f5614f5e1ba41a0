#pragma once

#include "core/experiment/runrecord.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;
QT_END_NAMESPACE

namespace lab {

class OverlayChart;
class RunDiagnosticsDialog;
class RunTableModel;

/**
 * The Runs screen: every run of the store in a sortable, filterable table; delete (with
 * confirmation), open the folder, test a run's model on the canvas, resume a stopped or
 * interrupted run; selecting several runs overlays their loss and accuracy curves.
 */
class RunsPage : public QWidget
{
    Q_OBJECT

public:
    explicit RunsPage(QWidget *parent = nullptr);

    void setRunsFolder(const QString &folder);
    QString runsFolder() const { return m_folder; }

    RunTableModel *model() const { return m_model; }
    OverlayChart *lossOverlay() const { return m_lossOverlay; }
    OverlayChart *accuracyOverlay() const { return m_accuracyOverlay; }

    /** The records of the selected rows, in view order. */
    QVector<RunRecord> selectedRuns() const;
    /** Selects the rows of these run folders (replacing the selection). */
    void selectRuns(const QStringList &folders);
    /** Deletes run folders without asking (the Delete button asks first). Returns an error or empty. */
    QString deleteRuns(const QStringList &folders);
    /**
     * Whether Resume can continue this run from where it stopped: a cancelled or interrupted
     * run (a "running" one whose process is gone), or a failed one that kept its checkpoint.
     * Not a finished or diverged run, nor one a process is training now.
     */
    static bool canResume(const RunRecord &record);
    /** While a run or sweep trains, Resume waits (one run at a time on this machine). */
    void setCanStartRuns(bool can);
    /** Opens (non-modal) the diagnostics window of one run: per-layer charts, test error, first-layer weights. */
    RunDiagnosticsDialog *openDiagnostics(const RunRecord &record);

public Q_SLOTS:
    /** Re-reads the store, keeping the selection where the runs still exist. */
    void refresh();
    /** Exports the selected run's model (ONNX or PyTorch); with no single run selected, asks for a model file. */
    void exportModelInteractive();
    /** Exports the selected runs' curves as CSV into a folder the user picks. */
    void exportCsvInteractive();

Q_SIGNALS:
    /** "Test this model": open the run's model on the Draw & test page. */
    void testModelRequested(const QString &runFolder);
    /** "Resume": continue the (resumable, see canResume()) run on the Train page. */
    void resumeRequested(const lab::RunRecord &record);
    /** "Open in Design": load the run's layer stack and hyperparameters into the Design page. */
    void openInDesignRequested(const lab::RunRecord &record);

private:
    void onSelectionChanged();
    void deleteSelectedInteractive();
    void openSelectedFolder();

    QString m_folder;
    RunTableModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_view;
    QLineEdit *m_filter;
    QLabel *m_count;
    QPushButton *m_delete;
    QPushButton *m_open;
    QPushButton *m_test;
    QPushButton *m_openInDesign;
    QPushButton *m_resume;
    bool m_canStartRuns = true;
    QPushButton *m_diagnostics;
    QPushButton *m_exportModel;
    QPushButton *m_exportCsv;
    OverlayChart *m_lossOverlay;
    OverlayChart *m_accuracyOverlay;
};

} // namespace lab
