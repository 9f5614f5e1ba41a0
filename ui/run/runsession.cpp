#include "ui/run/runsession.h"

#include "core/train/runcontrol.h"
#include "ui/run/runworker.h"

#include <QMetaObject>

namespace lab {

RunSession::RunSession(QObject *parent)
    : QObject(parent), m_worker(new RunWorker), m_thread(m_worker, QStringLiteral("run"))
{
    qRegisterMetaType<lab::RunRecord>();
    qRegisterMetaType<lab::EpochMetrics>();
    qRegisterMetaType<lab::BatchProgress>();
    qRegisterMetaType<QVector<lab::BatchProgress>>();

    // Cross-thread connections: Qt queues them, so the lambdas run on the GUI thread.
    connect(m_worker, &RunWorker::runStarted, this, [this](quint64 job, const lab::RunRecord &record, int index, int total) {
        if (isCurrent(job))
            Q_EMIT runStarted(record, index, total);
    });
    connect(m_worker, &RunWorker::batches, this, [this](quint64 job, const QVector<lab::BatchProgress> &steps) {
        if (isCurrent(job))
            Q_EMIT batches(steps);
    });
    connect(m_worker, &RunWorker::epochFinished, this, [this](quint64 job, const lab::EpochMetrics &metrics) {
        if (isCurrent(job))
            Q_EMIT epochFinished(metrics);
    });
    connect(m_worker, &RunWorker::runEnded, this, [this](quint64 job, const lab::RunRecord &record, int index, int total) {
        if (!isCurrent(job))
            return;
        // The last run of the job, or a stopped one (a stopped sweep starts no further run):
        // receivers see the session idle when they handle it.
        if (index + 1 >= total || m_control->cancelRequested())
            setRunning(false);
        Q_EMIT runEnded(record, index, total);
    });
    connect(m_worker, &RunWorker::jobEnded, this, [this](quint64 job, const QString &summaryPath, bool cancelled) {
        if (!isCurrent(job))
            return;
        setRunning(false);
        Q_EMIT finished(summaryPath, cancelled);
    });
    connect(m_worker, &RunWorker::jobFailed, this, [this](quint64 job, const QString &message) {
        if (!isCurrent(job))
            return;
        setRunning(false);
        Q_EMIT failed(message);
    });
    m_thread.start();
}

RunSession::~RunSession()
{
    if (m_control)
        m_control->requestCancel();   // also wakes a paused trainer
    m_thread.stop();                   // quit + wait (the run returns at its next batch), then delete the worker
}

bool RunSession::begin()
{
    if (m_running && !stopRequested())
        return false;
    // A stopped job may still be finishing its batch: from here on its reports are stale.
    m_control = std::make_shared<RunControl>();
    ++m_job;
    m_paused = false;
    setRunning(true);
    return true;
}

template <typename Call>
bool RunSession::launch(Call call)
{
    if (!begin())
        return false;
    // The worker runs it on its thread; job and control travel with it by value.
    RunWorker *worker = m_worker;
    const quint64 job = m_job;
    std::shared_ptr<RunControl> control = m_control;
    QMetaObject::invokeMethod(worker, [worker, job, control, call] { call(worker, job, control); }, Qt::QueuedConnection);
    return true;
}

bool RunSession::start(const RunRequest &request)
{
    return launch([request](RunWorker *worker, quint64 job, std::shared_ptr<RunControl> control) {
        worker->run(job, request, std::move(control));
    });
}

bool RunSession::resumeRun(const QString &runFolder, const QString &dataFolder)
{
    return launch([runFolder, dataFolder](RunWorker *worker, quint64 job, std::shared_ptr<RunControl> control) {
        worker->resume(job, runFolder, dataFolder, std::move(control));
    });
}

bool RunSession::startSweep(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder)
{
    return launch([sweep, dataFolder, runsFolder](RunWorker *worker, quint64 job, std::shared_ptr<RunControl> control) {
        worker->runSweep(job, sweep, dataFolder, runsFolder, std::move(control));
    });
}

void RunSession::pause()
{
    if (!m_running || m_paused)
        return;
    m_control->setPaused(true);
    m_paused = true;
    Q_EMIT stateChanged();
}

void RunSession::resume()
{
    if (!m_running || !m_paused)
        return;
    m_control->setPaused(false);
    m_paused = false;
    Q_EMIT stateChanged();
}

void RunSession::stop()
{
    if (!m_running)
        return;
    m_control->requestCancel();
    m_paused = false;
    Q_EMIT stateChanged();
}

void RunSession::setLearningRate(double lr)
{
    if (m_running && lr > 0)
        m_control->requestLearningRate(lr);
}

bool RunSession::stopRequested() const
{
    return m_control && m_control->cancelRequested();
}

void RunSession::setRunning(bool running)
{
    if (!running)
        m_paused = false;
    m_running = running;
    Q_EMIT stateChanged();
}

} // namespace lab
