#pragma once

#include "core/experiment/runobserver.h"

#include <QElapsedTimer>

namespace lab {

class SweepWorker;

/**
 * The TrainObserver a sweep hands to each of its runs. The page only shows where the
 * current run is, so it keeps the newest batch and sends it at most every ~100 ms (and at
 * the end of every epoch) as a signal of the worker, queued to the GUI thread by Qt.
 */
class SweepObserver : public RunObserver
{
public:
    explicit SweepObserver(SweepWorker *worker);

    void onBatch(const BatchProgress &progress) override;
    void onEpoch(const EpochMetrics &metrics) override;
    void onRunStarted(const RunRecord &record, const RunPosition &position) override;
    void onRunEnded(const RunRecord &record, const RunPosition &position) override;

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
