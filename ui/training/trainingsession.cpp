#include "ui/training/trainingsession.h"

#include "core/train/runcontrol.h"
#include "ui/training/trainingworker.h"

#include <QMetaObject>

namespace lab {

TrainingSession::TrainingSession(QObject *parent)
    : QObject(parent), m_worker(new TrainingWorker), m_thread(m_worker, QStringLiteral("training"))
{
    qRegisterMetaType<lab::RunRecord>();
    qRegisterMetaType<lab::EpochMetrics>();
    qRegisterMetaType<lab::BatchProgress>();
    qRegisterMetaType<QVector<lab::BatchProgress>>();

    // Cross-thread connections: Qt queues them, so the slots run on the GUI thread.
    connect(m_worker, &TrainingWorker::started, this, &TrainingSession::started);
    connect(m_worker, &TrainingWorker::batches, this, &TrainingSession::batches);
    connect(m_worker, &TrainingWorker::epochFinished, this, &TrainingSession::epochFinished);
    connect(m_worker, &TrainingWorker::ended, this, [this](const lab::RunRecord &record) {
        setRunning(false);
        Q_EMIT ended(record);
    });
    connect(m_worker, &TrainingWorker::failed, this, [this](const QString &message) {
        setRunning(false);
        Q_EMIT failed(message);
    });
    m_thread.start();
}

TrainingSession::~TrainingSession()
{
    if (m_control)
        m_control->requestCancel();   // also wakes a paused trainer
    m_thread.stop();                   // quit + wait (the run returns at its next batch), then delete the worker
}

bool TrainingSession::start(const RunRequest &request)
{
    if (m_running)
        return false;
    m_control = std::make_shared<RunControl>();
    ++m_runId;
    m_paused = false;
    setRunning(true);
    TrainingWorker *worker = m_worker;
    std::shared_ptr<RunControl> control = m_control;
    QMetaObject::invokeMethod(worker, [worker, request, control] { worker->run(request, control); },
                              Qt::QueuedConnection);
    return true;
}

void TrainingSession::pause()
{
    if (!m_running || m_paused)
        return;
    m_control->setPaused(true);
    m_paused = true;
    Q_EMIT stateChanged();
}

void TrainingSession::resume()
{
    if (!m_running || !m_paused)
        return;
    m_control->setPaused(false);
    m_paused = false;
    Q_EMIT stateChanged();
}

void TrainingSession::stop()
{
    if (!m_running)
        return;
    m_control->requestCancel();
    if (m_paused) {
        m_paused = false;
        Q_EMIT stateChanged();
    }
}

void TrainingSession::setLearningRate(double lr)
{
    if (m_running && lr > 0)
        m_control->requestLearningRate(lr);
}

void TrainingSession::setRunning(bool running)
{
    if (!running)
        m_paused = false;
    m_running = running;
    Q_EMIT stateChanged();
}

} // namespace lab
