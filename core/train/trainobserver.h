#pragma once

#include "core/train/epochmetrics.h"

namespace lab {

struct RunRecord;

/**
 * What the trainer tells whoever watches it. Called on the training thread; a GUI
 * implementation copies the values into queued signals. All methods have empty defaults.
 */
class TrainObserver
{
public:
    virtual ~TrainObserver() = default;
    virtual void onStarted(const RunRecord &) {}
    virtual void onBatch(const BatchProgress &) {}
    virtual void onEpoch(const EpochMetrics &) {}
    /** The run ended (finished, cancelled, diverged or failed); the record says which. */
    virtual void onEnded(const RunRecord &) {}
};

} // namespace lab
