#include "ui/sweeps/sweepobserver.h"

#include "ui/sweeps/sweepworker.h"

namespace lab {

SweepObserver::SweepObserver(SweepWorker *worker) : m_worker(worker)
{
    m_sinceFlush.start();
}

void SweepObserver::onBatch(const BatchProgress &progress)
{
    m_last = progress;
    m_pending = true;
    if (progress.batch >= progress.batchesPerEpoch || m_sinceFlush.elapsed() >= flushMilliseconds)
        flush();
}

void SweepObserver::onEpoch(const EpochMetrics &metrics)
{
    flush();
    Q_EMIT m_worker->epochFinished(metrics.epoch, metrics.testAccuracy);
}

void SweepObserver::onRunStarted(const RunRecord &record, const RunPosition &position)
{
    Q_EMIT m_worker->runStarting(position.index, position.total, record.modelType);
}

void SweepObserver::onRunEnded(const RunRecord &record, const RunPosition &position)
{
    flush();
    Q_EMIT m_worker->runEnded(position.index, record);
}

void SweepObserver::flush()
{
    m_sinceFlush.restart();
    if (!m_pending)
        return;
    m_pending = false;
    Q_EMIT m_worker->batchProgress(m_last);
}

} // namespace lab
