#pragma once

#include "core/model/networkspec.h"
#include "core/train/epochmetrics.h"
#include "core/train/trainconfig.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace lab {

/** How a run ended (or that it is still going, for autosaved records). */
enum class RunStatus { Running, Finished, Cancelled, Diverged, Failed, Interrupted };
QString runStatusName(RunStatus s);
RunStatus runStatusFromName(const QString &name);

/** A learning-rate change made by hand while the run was paused. */
struct LrChange
{
    int epoch = 0;       ///< the epoch in which it takes effect (1-based)
    qint64 step = 0;     ///< the first optimiser step using it
    double learningRate = 0;
};

/**
 * Everything a run produced, as saved in its folder's record.json. The blog's fields
 * (model_type, test_accuracy, train_accuracy, final_train_loss, epochs, batch_size,
 * learning_rate, optimizer) come first and keep their names and meaning; the rest is
 * the lab's superset.
 */
struct RunRecord
{
    // The blog's fields
    QString modelType;
    double testAccuracy = 0;     ///< percent, last epoch
    double trainAccuracy = 0;    ///< percent, last epoch
    double finalTrainLoss = 0;

    NetworkSpec spec;
    TrainConfig config;          ///< epochs, batch_size, learning_rate, optimizer live here
    RunStatus status = RunStatus::Running;
    QString statusDetail;        ///< the error, or where it diverged
    QString folder;              ///< the run folder (not saved; set by the store)
    QString id;                  ///< the folder's name
    QDateTime started;
    QDateTime ended;

    QVector<EpochMetrics> epochs;         ///< one per completed epoch (no probabilities)
    QVector<double> batchLosses;          ///< every optimiser step's loss, thinned to ≤ 20000 points
    int batchLossStride = 1;              ///< batchLosses[i] is step i*stride+1
    QVector<LrChange> lrChanges;
    int bestEpoch = 0;                    ///< by validation accuracy when there is a split, else test
    double bestTestAccuracy = 0;
    double secondsTo99 = -1;              ///< training seconds until test accuracy first ≥ 99%, -1 never

    qint64 parameters = 0;
    double trainSeconds = 0;     ///< training wall time, no loading and no evaluation
    double loadSeconds = 0;
    double evalSeconds = 0;
    QJsonObject environment;     ///< libtorch, BLAS, threads, CPU, Qt

    int completedEpochs() const { return int(epochs.size()); }
    /** Blog-style description: "784-50-50-10 relu, 10 ep, batch 50, Adam 1e-3". */
    QString summary() const;

    QJsonObject toJson() const;
    static RunRecord fromJson(const QJsonObject &json, const QString &where);
    /** Reads and parses a record.json. Throws LabError. */
    static RunRecord load(const QString &path);
    /** Atomic write. Throws LabError. */
    void save(const QString &path) const;
};

} // namespace lab

Q_DECLARE_METATYPE(lab::RunRecord)
