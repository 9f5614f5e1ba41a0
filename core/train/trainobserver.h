#pragma once

#include "core/train/epochmetrics.h"
#include "core/train/trainhistory.h"

namespace lab {

/**
 * What a Trainer tells whoever drives it, on the training thread. There is no "ended":
 * Trainer::run() returns the history. ExperimentRunner observes its trainer this way
 * (to save the run as it goes) and reports outwards through RunObserver; benchmarks and
 * tests that drive a bare Trainer implement this. All methods have empty defaults.
 */
class TrainObserver
{
public:
    virtual ~TrainObserver() = default;
    /** Threads applied and the clock started; nothing trained yet. */
    virtual void onStarted(const TrainHistory &) {}
    virtual void onBatch(const BatchProgress &) {}
    /** An epoch was evaluated and is in the history (Trainer::history()). */
    virtual void onEpoch(const EpochMetrics &) {}
};

} // namespace lab
