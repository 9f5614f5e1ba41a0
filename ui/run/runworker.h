#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runobserver.h"
#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"
#include "core/train/epochmetrics.h"

#include <QElapsedTimer>
#include <QObject>
#include <QVector>

#include <memory>

namespace lab {

class RunControl;

/**
 * Runs jobs on the thread it lives on (a QThread owned by RunSession): a single run
 * (ExperimentRunner) or a sweep (SweepRunner: its run requests in order). It is the
 * RunObserver of both and turns each callback into a signal of its own carrying value
 * copies and the job's id, which Qt queues to the receivers on the GUI thread. Batches are
 * buffered and sent in chunks every ~25 ms, at the end of an epoch and as soon as a pause
 * is requested, so a fast run does not flood the GUI thread. It never touches a widget.
 */
class RunWorker : public QObject, public RunObserver
{
    Q_OBJECT

public:
    explicit RunWorker(QObject *parent = nullptr);

    /** Prepares and trains one run; blocks this worker's thread until it ends. Call it queued. */
    void run(quint64 job, const RunRequest &request, std::shared_ptr<RunControl> control);
    /** Continues a stopped or interrupted run from its checkpoint (ExperimentRunner::resume); blocks. Call it queued. */
    void resume(quint64 job, const QString &runFolder, const QString &dataFolder, std::shared_ptr<RunControl> control);
    /** Runs a whole sweep, one run after another; blocks until it ends. Call it queued. */
    void runSweep(quint64 job, const Sweep &sweep, const QString &dataFolder, const QString &runsFolder,
                  std::shared_ptr<RunControl> control);

    void onRunStarted(const RunRecord &record, const RunPosition &position) override;
    void onBatch(const BatchProgress &progress) override;
    void onEpoch(const EpochMetrics &metrics) override;
    void onRunEnded(const RunRecord &record, const RunPosition &position) override;

Q_SIGNALS:
    /** Run `index` of `total` has its data and folder (the record has the folder). */
    void runStarted(quint64 job, lab::RunRecord record, int index, int total);
    /** A chunk of optimiser steps, coalesced so the GUI thread gets ~40 events per second. */
    void batches(quint64 job, QVector<lab::BatchProgress> steps);
    void epochFinished(quint64 job, lab::EpochMetrics metrics);
    /** Run `index` ended and is in the run store; the record's status says how. */
    void runEnded(quint64 job, lab::RunRecord record, int index, int total);
    /** The job ended: its runs are done, or it stopped early when `cancelled`. `summaryPath`: a sweep's summary. */
    void jobEnded(quint64 job, QString summaryPath, bool cancelled);
    /** The job could not start or a run threw; nothing more comes from it. */
    void jobFailed(quint64 job, QString message);

private:
    template <typename Work>
    void runJob(quint64 job, std::shared_ptr<RunControl> control, Work work);
    void flush();

    static constexpr int flushMilliseconds = 25;

    quint64 m_job = 0;
    std::shared_ptr<RunControl> m_control;
    QVector<BatchProgress> m_pending;
    QElapsedTimer m_sinceFlush;
};

} // namespace lab
