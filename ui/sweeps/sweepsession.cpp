#include "ui/sweeps/sweepsession.h"

#include "ui/sweeps/sweepworker.h"
#include "core/train/runcontrol.h"

#include <QMetaObject>

namespace lab {

SweepSession::SweepSession(QObject *parent)
    : QObject(parent), m_worker(new SweepWorker), m_thread(m_worker, QStringLiteral("sweep"))
{
    qRegisterMetaType<lab::RunRecord>();
    qRegisterMetaType<lab::BatchProgress>();

    // Cross-thread connections: queued, so everything below runs on the GUI thread.
    connect(m_worker, &SweepWorker::runStarting, this, &SweepSession::runStarting);
    connect(m_worker, &SweepWorker::batchProgress, this, &SweepSession::batchProgress);
    connect(m_worker, &SweepWorker::epochFinished, this, &SweepSession::epochFinished);
    connect(m_worker, &SweepWorker::runEnded, this, &SweepSession::runEnded);
    connect(m_worker, &SweepWorker::finished, this, [this](const QString &summary, bool cancelled) {
        setRunning(false);
        Q_EMIT finished(summary, cancelled);
    });
    connect(m_worker, &SweepWorker::failed, this, [this](const QString &message) {
        setRunning(false);
        Q_EMIT failed(message);
    });
    m_thread.start();
}

SweepSession::~SweepSession()
{
    if (m_control)
        m_control->requestCancel();
    m_thread.stop();   // quit + wait (the current run returns at its next batch), then delete the worker
}

bool SweepSession::start(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder)
{
    if (m_running)
        return false;
    m_control = std::make_shared<RunControl>();
    setRunning(true);
    SweepWorker *worker = m_worker;
    std::shared_ptr<RunControl> control = m_control;
    QMetaObject::invokeMethod(
        worker, [worker, sweep, dataFolder, runsFolder, control] { worker->run(sweep, dataFolder, runsFolder, control); },
        Qt::QueuedConnection);
    return true;
}

void SweepSession::stop()
{
    if (m_running && m_control)
        m_control->requestCancel();
}

bool SweepSession::stopRequested() const
{
    return m_control && m_control->cancelRequested();
}

void SweepSession::setRunning(bool running)
{
    m_running = running;
    Q_EMIT stateChanged();
}

} // namespace lab
