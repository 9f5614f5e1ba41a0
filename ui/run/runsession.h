#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"
#include "core/train/epochmetrics.h"
#include "ui/run/workerthread.h"

#include <QObject>
#include <QVector>

#include <memory>

namespace lab {

class RunControl;
class RunWorker;

/**
 * The GUI's handle on long work: owns the worker thread and its RunWorker, starts single
 * runs and sweeps, pauses, resumes, stops, changes the learning rate. Every job gets an id;
 * the worker tags what it reports with it and the session passes on only what belongs to
 * the current job, so a run that was stopped and replaced cannot paint over its successor.
 * Its signals arrive on the GUI thread. Destroying it cancels the job and waits for the
 * thread (the trainer checks the cancel flag between batches: well under a second).
 */
class RunSession : public QObject
{
    Q_OBJECT

public:
    /** A child of the page it reports to: destroyed with it, cancelling its job. */
    explicit RunSession(QObject *parent);
    /** Cancels the job and joins the thread (the trainer stops at its next batch). */
    ~RunSession() override;

    /**
     * Starts one run. Refused (false) while a job runs, unless it was asked to stop: then
     * that job is left to end in the background and nothing more of it is passed on.
     */
    bool start(const RunRequest &request);
    /**
     * Continues the stopped or interrupted run in `runFolder` from its checkpoint, reported
     * like a new run whose record already holds the epochs done before. As start().
     */
    bool resumeRun(const QString &runFolder, const QString &dataFolder);
    /** Starts a sweep: its runs one after another, each reported like a single run. As start(). */
    bool startSweep(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder);
    void pause();
    void resume();
    /** Asks the job to stop after the current batch (no further run of a sweep starts). */
    void stop();
    /** Applied at the next batch (meant for a paused run); recorded in the run's lr changes. */
    void setLearningRate(double lr);

    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    bool stopRequested() const;
    /** The id of the newest job (0 before the first). */
    quint64 currentJob() const { return m_job; }

Q_SIGNALS:
    void runStarted(lab::RunRecord record, int index, int total);
    void batches(QVector<lab::BatchProgress> steps);
    void epochFinished(lab::EpochMetrics metrics);
    /** A run ended; when it is the job's last, isRunning() is already false. */
    void runEnded(lab::RunRecord record, int index, int total);
    /** The job ended (`summaryPath`: a sweep's summary file, empty for a single run). */
    void finished(QString summaryPath, bool cancelled);
    /** The job could not start or failed with an exception; nothing more will come. */
    void failed(QString message);
    /** Running, paused or stopping changed. */
    void stateChanged();

private:
    bool begin();
    /** begin(), then `call(worker, job, control)` queued to the worker's thread. */
    template <typename Call>
    bool launch(Call call);
    bool isCurrent(quint64 job) const { return job == m_job; }
    void setRunning(bool running);

    RunWorker *m_worker;   // lives on m_thread, which deletes it after the thread stopped
    WorkerThread m_thread;
    std::shared_ptr<RunControl> m_control;
    quint64 m_job = 0;
    bool m_running = false;
    bool m_paused = false;
};

} // namespace lab
