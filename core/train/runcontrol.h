#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace lab {

/**
 * Cancel / pause / learning-rate requests from another thread (a GUI or a signal
 * handler), checked by the trainer between batches. Thread-safe.
 */
class RunControl
{
public:
    void requestCancel();
    /** Only sets the flag: async-signal-safe, for a SIGINT handler (the trainer sees it between batches and evaluation chunks). */
    void requestCancelFromSignal() { m_cancel.store(true); }
    bool cancelRequested() const { return m_cancel.load(); }

    void setPaused(bool paused);
    bool isPaused() const;

    /** Applied at the next batch and recorded in the run's lr changes; <= 0 is ignored. */
    void requestLearningRate(double lr);
    /** Returns the pending learning rate and clears it, or 0 when none. */
    double takeRequestedLearningRate();

    /** Blocks while paused; returns false if cancelled meanwhile. Called by the trainer. */
    bool waitWhilePaused();

private:
    std::atomic<bool> m_cancel{false};
    std::atomic<double> m_requestedLr{0.0};
    mutable std::mutex m_mutex;
    std::condition_variable m_resumed;
    bool m_paused = false;
};

} // namespace lab
