#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"
#include "ui/training/workerthread.h"

#include <QObject>
#include <QVector>

#include <memory>

namespace lab {

class RunControl;
class TrainingWorker;

/**
 * Owns the training thread and its worker and is the GUI's handle on a run:
 * start / pause / resume / stop / change the learning rate, plus signals that arrive on
 * the GUI thread. Destroying it cancels a running run and waits for the thread (the
 * trainer checks the cancel flag between batches, so this takes well under a second).
 */
class TrainingSession : public QObject
{
    Q_OBJECT

public:
    explicit TrainingSession(QObject *parent = nullptr);
    ~TrainingSession() override;

    /** Starts a run; false (and nothing happens) while one is running. */
    bool start(const RunRequest &request);
    void pause();
    void resume();
    /** Asks the run to stop after the current batch; ended() follows with status cancelled. */
    void stop();
    /** Applied at the next batch (meant for a paused run); recorded in the run's lr changes. */
    void setLearningRate(double lr);

    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    /** Increases with each start(); lets receivers tell runs apart. */
    quint64 runId() const { return m_runId; }

Q_SIGNALS:
    void started(lab::RunRecord record);
    void batches(QVector<lab::BatchProgress> steps);
    void epochFinished(lab::EpochMetrics metrics);
    void ended(lab::RunRecord record);
    void failed(QString message);
    /** Running or paused changed. */
    void stateChanged();

private:
    void setRunning(bool running);

    TrainingWorker *m_worker;   // lives on m_thread, which deletes it after the thread stopped
    WorkerThread m_thread;
    std::shared_ptr<RunControl> m_control;
    bool m_running = false;
    bool m_paused = false;
    quint64 m_runId = 0;
};

} // namespace lab
