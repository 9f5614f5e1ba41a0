#pragma once

#include "core/eval/confusionmatrix.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QVector>
#include <memory>
#include <vector>

namespace lab {

/** Health of one weight layer in one epoch (the blog's dead ReLUs and vanishing gradients). */
struct LayerDiagnostics
{
    int layerIndex = 0;            ///< index into NetworkSpec::layers of the Linear/Conv2d layer
    QString name;                  ///< e.g. "Linear(50)"
    double deadFraction = 0;       ///< units never active on the probe batch (only a ReLU layer has any)
    double gradientNorm = 0;       ///< L2 norm of the weight gradient, mean over the epoch's batches
    double weightNorm = 0;         ///< L2 norm of the weights at the end of the epoch

    QJsonObject toJson() const;
    static LayerDiagnostics fromJson(const QJsonObject &json);
};

/** Everything measured at the end of one epoch. A value type: safe to copy across threads. */
struct EpochMetrics
{
    int epoch = 0;                 ///< 1-based
    double trainLoss = 0;          ///< mean of the epoch's batch losses
    double trainAccuracy = 0;      ///< percent, on the whole training split (eval mode), or see below
    /** trainAccuracy counts the epoch's own training batches (train mode, weights moving), not a full pass. */
    bool trainAccuracyFromBatches = false;
    double testLoss = 0;
    double testAccuracy = 0;       ///< percent
    double validationLoss = -1;    ///< -1 when there is no validation split
    double validationAccuracy = -1;
    double learningRate = 0;       ///< at the epoch's last step
    double seconds = 0;            ///< training time of the epoch (no evaluation)
    double evalSeconds = 0;        ///< everything after training: test (and validation) passes, diagnostics
    double testEvalSeconds = 0;    ///< of which the pass over the test images
    ConfusionMatrix confusion;     ///< on the test split
    QVector<LayerDiagnostics> layers;
    /** Softmax probabilities of every test image (count×10), for galleries; not saved in records. */
    std::shared_ptr<const std::vector<float>> testProbabilities;

    QJsonObject toJson() const;
    static EpochMetrics fromJson(const QJsonObject &json);
};

/** One optimiser step. */
struct BatchProgress
{
    int epoch = 0;                 ///< 1-based
    int batch = 0;                 ///< 1-based within the epoch
    int batchesPerEpoch = 0;
    qint64 step = 0;               ///< 1-based over the run
    qint64 totalSteps = 0;
    double loss = 0;
    double learningRate = 0;
    double samplesPerSecond = 0;   ///< over the epoch so far
};

} // namespace lab

Q_DECLARE_METATYPE(lab::EpochMetrics)
Q_DECLARE_METATYPE(lab::BatchProgress)
