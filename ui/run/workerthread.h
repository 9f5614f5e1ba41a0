#pragma once

#include <QString>
#include <QThread>

namespace lab {

/**
 * A worker object living on a thread of its own, for the run session.
 * stop() (and the destructor) quits the thread's event loop, waits for it and then
 * deletes the worker: its thread has finished, so that is safe. Work in progress is not
 * interrupted: cancel it first (the trainer checks its cancel flag between batches).
 */
class WorkerThread
{
public:
    /** Moves `worker` (taken over) onto a new thread called `name`; start() starts it. */
    WorkerThread(QObject *worker, const QString &name);
    ~WorkerThread();

    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    /** Starts the thread's event loop (connect the worker's signals first). */
    void start();
    /** Quits and joins the thread, then deletes the worker; later calls do nothing. */
    void stop();

private:
    QThread m_thread;
    QObject *m_worker;
};

} // namespace lab
