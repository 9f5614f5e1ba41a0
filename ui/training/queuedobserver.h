#pragma once

#include "core/experiment/runobserver.h"

#include <QElapsedTimer>
#include <QVector>

namespace lab {

class RunControl;
class TrainingWorker;

/**
 * The TrainObserver the GUI worker hands to the trainer: it turns each callback into a
 * signal of the worker (queued to the GUI thread by Qt). Batches are buffered and sent in
 * chunks every ~25 ms, at the end of an epoch, and as soon as a pause is requested, so a
 * fast run does not flood the GUI thread with thousands of events per second.
 */
class QueuedObserver : public RunObserver
{
public:
    QueuedObserver(TrainingWorker *worker, const RunControl *control);

    void onRunStarted(const RunRecord &record, const RunPosition &) override;
    void onBatch(const BatchProgress &progress) override;
    void onEpoch(const EpochMetrics &metrics) override;
    void onRunEnded(const RunRecord &record, const RunPosition &) override;

    /** Sends what is buffered. */
    void flush();

private:
    static constexpr int flushMilliseconds = 25;

    TrainingWorker *m_worker;
    const RunControl *m_control;
    QVector<BatchProgress> m_pending;
    QElapsedTimer m_sinceFlush;
};

} // namespace lab
