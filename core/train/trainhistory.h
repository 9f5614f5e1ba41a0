#pragma once

#include "core/model/networkspec.h"
#include "core/train/epochmetrics.h"
#include "core/train/trainconfig.h"

#include <QDateTime>
#include <QString>
#include <QVector>

namespace lab {

/** How a run ended (or that it is still going, for autosaved records). */
enum class RunStatus { Running, Finished, Cancelled, Diverged, Failed, Interrupted };

/** A learning-rate change made by hand while the run was paused. */
struct LrChange
{
    int epoch = 0;       ///< the epoch in which it takes effect (1-based)
    qint64 step = 0;     ///< the first optimiser step using it
    double learningRate = 0;
};

/**
 * What a Trainer produces: what it trained (spec and config, echoed), how it went epoch
 * by epoch and step by step, how it ended, and how long it took. Trainer::run() returns
 * it; the experiment layer wraps it into a RunRecord (which adds the run's identity,
 * folder and environment) without the trainer knowing about runs.
 */
struct TrainHistory
{
    NetworkSpec spec;
    TrainConfig config;
    qint64 parameters = 0;

    RunStatus status = RunStatus::Running;
    QString statusDetail;        ///< the error, or where it diverged
    QDateTime started;
    QDateTime ended;
    int threads = 0;             ///< torch intra-op threads in use while training

    double testAccuracy = 0;     ///< percent, last epoch
    double trainAccuracy = 0;    ///< percent, last epoch
    double finalTrainLoss = 0;

    QVector<EpochMetrics> epochs;         ///< one per completed epoch (no probabilities)
    QVector<double> batchLosses;          ///< every optimiser step's loss, thinned to ≤ 20000 points
    int batchLossStride = 1;              ///< batchLosses[i] is step i*stride+1
    QVector<LrChange> lrChanges;
    int bestEpoch = 0;                    ///< by validation accuracy when there is a split, else test
    double bestTestAccuracy = 0;
    double secondsTo99 = -1;              ///< training seconds until test accuracy first ≥ 99%, -1 never
    /**
     * Wall-clock seconds from the start (data loading included) to the end of the first
     * evaluation at or above 99% / 99.5% test accuracy, pauses excepted; -1 never.
     */
    double wallSecondsTo99 = -1;
    double wallSecondsTo99_5 = -1;

    double trainSeconds = 0;     ///< training wall time, no loading and no evaluation
    double evalSeconds = 0;

    int completedEpochs() const { return int(epochs.size()); }
};

} // namespace lab
