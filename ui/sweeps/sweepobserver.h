#pragma once

#include "core/train/trainobserver.h"

#include <QElapsedTimer>

namespace lab {

class SweepWorker;

/**
 * The TrainObserver a sweep hands to each of its runs. The page only shows where the
 * current run is, so it keeps the newest batch and sends it at most every ~100 ms (and at
 * the end of every epoch) as a signal of the worker, queued to the GUI thread by Qt.
 */
class SweepObserver : public TrainObserver
{
public:
    explicit SweepObserver(SweepWorker *worker);

    void onBatch(const BatchProgress &progress) override;
    void onEpoch(const EpochMetrics &metrics) override;
    void onEnded(const RunRecord &record) override;

    /** Sends the newest batch if it was not sent yet. */
    void flush();

private:
    static constexpr int flushMilliseconds = 100;

    SweepWorker *m_worker;
    BatchProgress m_last;
    bool m_pending = false;
    QElapsedTimer m_sinceFlush;
};

} // namespace lab
