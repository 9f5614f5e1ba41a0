#pragma once

#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"

namespace lab {

/** Which of the runs asked for this one is: `index` (0-based) of `total`; a single run is 0 of 1. */
struct RunPosition
{
    int index = 0;
    int total = 1;
};

/**
 * The one progress channel out of core: what ExperimentRunner and SweepRunner tell the
 * CLI, the GUI worker and the tests. Called on the thread that runs; a GUI
 * implementation copies the values into queued signals. A sweep reports each of its runs
 * through the same calls, with the run's position. All methods have empty defaults.
 */
class RunObserver
{
public:
    virtual ~RunObserver() = default;
    /** Data loaded, run folder created, "running" record saved there (it has the folder). */
    virtual void onRunStarted(const RunRecord &, const RunPosition &) {}
    virtual void onBatch(const BatchProgress &) {}
    /** An epoch was evaluated; record and checkpoint with it are already on disk. */
    virtual void onEpoch(const EpochMetrics &) {}
    /**
     * The run ended (finished, cancelled, diverged or failed: the record's status says which)
     * and its record and model are on disk. Exactly once per started run.
     */
    virtual void onRunEnded(const RunRecord &, const RunPosition &) {}
};

} // namespace lab
