#include "core/train/runcontrol.h"

namespace lab {

void RunControl::requestCancel()
{
    m_cancel.store(true);
    std::lock_guard<std::mutex> lock(m_mutex);
    m_resumed.notify_all();
}

void RunControl::setPaused(bool paused)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_paused = paused;
    if (!paused)
        m_resumed.notify_all();
}

bool RunControl::isPaused() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_paused;
}

void RunControl::requestLearningRate(double lr)
{
    if (lr > 0)
        m_requestedLr.store(lr);
}

double RunControl::takeRequestedLearningRate()
{
    return m_requestedLr.exchange(0.0);
}

bool RunControl::waitWhilePaused()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    m_resumed.wait(lock, [this] { return !m_paused || m_cancel.load(); });
    return !m_cancel.load();
}

} // namespace lab
