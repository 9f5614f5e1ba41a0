#include "ui/training/queuedobserver.h"

#include "core/experiment/runrecord.h"
#include "core/train/runcontrol.h"
#include "ui/training/trainingworker.h"

namespace lab {

QueuedObserver::QueuedObserver(TrainingWorker *worker, const RunControl *control)
    : m_worker(worker), m_control(control)
{
    m_sinceFlush.start();
}

void QueuedObserver::onRunStarted(const RunRecord &record, const RunPosition &)
{
    Q_EMIT m_worker->started(record);
}

void QueuedObserver::onBatch(const BatchProgress &progress)
{
    m_pending.append(progress);
    const bool lastOfEpoch = progress.batch >= progress.batchesPerEpoch;
    if (lastOfEpoch || m_sinceFlush.elapsed() >= flushMilliseconds || (m_control && m_control->isPaused()))
        flush();
}

void QueuedObserver::onEpoch(const EpochMetrics &metrics)
{
    flush();
    Q_EMIT m_worker->epochFinished(metrics);
}

void QueuedObserver::onRunEnded(const RunRecord &, const RunPosition &)
{
    // The worker emits ended() with the record run() returns; here only the tail of the batches.
    flush();
}

void QueuedObserver::flush()
{
    m_sinceFlush.restart();
    if (m_pending.isEmpty())
        return;
    Q_EMIT m_worker->batches(m_pending);
    m_pending.clear();
    m_pending.reserve(256);
}

} // namespace lab
