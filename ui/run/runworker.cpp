#include "ui/run/runworker.h"

#include "core/common/laberror.h"
#include "core/train/runcontrol.h"

#include <exception>

namespace lab {

RunWorker::RunWorker(QObject *parent) : QObject(parent)
{
    m_sinceFlush.start();
}

template <typename Work>
void RunWorker::runJob(quint64 job, std::shared_ptr<RunControl> control, Work work)
{
    m_job = job;
    m_control = std::move(control);
    m_pending.clear();
    try {
        const QString summary = work();
        flush();
        Q_EMIT jobEnded(job, summary, m_control->cancelRequested());
    } catch (const LabError &e) {
        flush();
        Q_EMIT jobFailed(job, e.message());
    } catch (const std::exception &e) {
        flush();
        Q_EMIT jobFailed(job, tr("The run failed: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        flush();
        Q_EMIT jobFailed(job, tr("The run failed with an unknown error."));
    }
    m_control.reset();
}

void RunWorker::run(quint64 job, const RunRequest &request, std::shared_ptr<RunControl> control)
{
    runJob(job, std::move(control), [&] {
        ExperimentRunner runner(request);
        runner.run(this, m_control.get());
        return QString();
    });
}

void RunWorker::resume(quint64 job, const QString &runFolder, const QString &dataFolder, std::shared_ptr<RunControl> control)
{
    runJob(job, std::move(control), [&] {
        ExperimentRunner::resume(runFolder, dataFolder, this, m_control.get());
        return QString();
    });
}

void RunWorker::runSweep(quint64 job, const Sweep &sweep, const QString &dataFolder, const QString &runsFolder,
                         std::shared_ptr<RunControl> control)
{
    runJob(job, std::move(control), [&] {
        SweepRunner runner(sweep, dataFolder, runsFolder);
        runner.run(this, m_control.get());
        return runner.summaryPath();
    });
}

void RunWorker::onRunStarted(const RunRecord &record, const RunPosition &position)
{
    Q_EMIT runStarted(m_job, record, position.index, position.total);
}

void RunWorker::onBatch(const BatchProgress &progress)
{
    m_pending.append(progress);
    const bool lastOfEpoch = progress.batch >= progress.batchesPerEpoch;
    if (lastOfEpoch || m_sinceFlush.elapsed() >= flushMilliseconds || (m_control && m_control->isPaused()))
        flush();
}

void RunWorker::onEpoch(const EpochMetrics &metrics)
{
    flush();
    Q_EMIT epochFinished(m_job, metrics);
}

void RunWorker::onRunEnded(const RunRecord &record, const RunPosition &position)
{
    flush();
    Q_EMIT runEnded(m_job, record, position.index, position.total);
}

void RunWorker::flush()
{
    m_sinceFlush.restart();
    if (m_pending.isEmpty())
        return;
    Q_EMIT batches(m_job, m_pending);
    m_pending.clear();
    m_pending.reserve(256);
}

} // namespace lab
