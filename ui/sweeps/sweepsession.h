#pragma once

#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"
#include "core/train/epochmetrics.h"
#include "ui/training/workerthread.h"

#include <QObject>

#include <memory>

namespace lab {

class RunControl;
class SweepWorker;

/**
 * The GUI's handle on a running sweep: owns the worker thread, starts and stops, and
 * re-emits the worker's signals on the GUI thread. Destroying it cancels the sweep and
 * waits for the thread (the trainer checks the cancel flag between batches).
 */
class SweepSession : public QObject
{
    Q_OBJECT

public:
    explicit SweepSession(QObject *parent = nullptr);
    ~SweepSession() override;

    /** Starts the sweep; false (and nothing happens) while one is running. */
    bool start(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder);
    /** Asks the current run to stop after its batch; no further run starts. finished() follows. */
    void stop();
    bool isRunning() const { return m_running; }
    bool stopRequested() const;

Q_SIGNALS:
    void runStarting(int index, int total, QString name);
    void batchProgress(lab::BatchProgress progress);
    void epochFinished(int epoch, double testAccuracy);
    void runEnded(int index, lab::RunRecord record);
    void finished(QString summaryPath, bool cancelled);
    void failed(QString message);
    /** Running changed. */
    void stateChanged();

private:
    void setRunning(bool running);

    SweepWorker *m_worker;   // lives on m_thread, which deletes it after the thread stopped
    WorkerThread m_thread;
    std::shared_ptr<RunControl> m_control;
    bool m_running = false;
};

} // namespace lab
