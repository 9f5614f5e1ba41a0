#include "ui/run/workerthread.h"

namespace lab {

WorkerThread::WorkerThread(QObject *worker, const QString &name) : m_worker(worker)
{
    m_thread.setObjectName(name);
    m_worker->moveToThread(&m_thread);
}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::start()
{
    m_thread.start();
}

void WorkerThread::stop()
{
    if (!m_worker)
        return;
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
    m_worker = nullptr;
}

} // namespace lab
