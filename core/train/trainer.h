#pragma once

#include "core/data/dataset.h"
#include "core/model/modelfile.h"
#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"
#include "core/train/trainhistory.h"

#include <QByteArray>
#include <memory>

namespace lab {

class RunControl;
class TrainObserver;

/**
 * The training loop: builds the network from its spec, then per epoch a seeded shuffle,
 * mini-batches with the chosen optimiser and schedule, and an evaluation (train, test,
 * validation, confusion matrix, diagnostics). Each epoch's randomness is seeded from
 * (seed, epoch), so the same seed and thread count give the same record, and a run
 * resumed from a checkpoint continues exactly as the uninterrupted one would.
 *
 * Not thread-aware: call run() on whatever thread should do the work; RunControl is
 * the only thing other threads touch.
 */
class Trainer
{
public:
    /** Validates spec and config (throws LabError) and builds the network. */
    Trainer(const NetworkSpec &spec, const TrainConfig &config, std::shared_ptr<const Dataset> data);
    ~Trainer();

    /** Continues a run from a checkpoint made by checkpoint(); `history` has the finished epochs. */
    void restore(const QByteArray &checkpoint, const TrainHistory &history);

    /**
     * Trains until done, cancelled, diverged (NaN/inf loss) or failed. Never throws for
     * those; the returned history's status says how it ended. `observer` and `control`
     * may be null.
     */
    TrainHistory run(TrainObserver *observer, RunControl *control);

    /** What the trainer has produced so far (all of it once run() returned). */
    const TrainHistory &history() const;

    /** The current weights as a model file. */
    ModelFile model() const;
    /** The best epoch's weights (config.keepBestModel), or the current ones. */
    ModelFile bestModel() const;
    /** Weights + optimiser state + progress, to resume from. */
    QByteArray checkpoint() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace lab
