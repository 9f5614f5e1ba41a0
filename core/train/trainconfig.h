#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace lab {

enum class OptimizerKind { Adam, AdamW, Sgd, RmsProp };
enum class ScheduleKind { Constant, Step, Cosine, OneCycle };

/** On-the-fly, seeded augmentation of training images (never of test images). */
struct AugmentConfig
{
    bool enabled = false;
    double maxShiftPixels = 2.0;
    double maxRotationDegrees = 10.0;
    double maxScale = 0.1;            ///< scale drawn from [1 - maxScale, 1 + maxScale]
    double elasticAlpha = 0.0;        ///< 0 = no elastic distortion
    /**
     * The last N epochs train on the plain images. Augmentation leaves a gap between the
     * digits the network fits and the ones it is tested on; a few epochs on plain digits at
     * the end of the schedule, when the learning rate is low, close it (He et al. 2019,
     * "Data augmentation revisited"). 0 = augment every epoch.
     */
    int cleanFinalEpochs = 0;

    /** Whether epoch `epoch` (1-based) of an `epochs`-epoch run trains on augmented images. */
    bool appliesTo(int epoch, int epochs) const { return enabled && epoch <= epochs - cleanFinalEpochs; }

    QJsonObject toJson() const;
    static AugmentConfig fromJson(const QJsonObject &json);
    bool operator==(const AugmentConfig &o) const;
};

/**
 * Every hyperparameter of one training run. `validate()` lists what is out of range,
 * each message naming the field and the allowed range.
 */
struct TrainConfig
{
    int epochs = 10;
    int batchSize = 50;
    double learningRate = 1e-3;
    OptimizerKind optimizer = OptimizerKind::Adam;
    double momentum = 0.9;            ///< SGD only (RMSprop uses alpha 0.99, no momentum)
    bool nesterov = false;            ///< SGD
    double adamBeta1 = 0.9;           ///< Adam/AdamW first-moment decay (torch's default)
    double adamBeta2 = 0.999;         ///< Adam/AdamW second-moment decay
    double weightDecay = 0.0;
    /**
     * Label smoothing ε: training targets become (1 − ε)·one-hot + ε/10, so the network is
     * not pushed to ever larger logits. 0 = plain cross-entropy. Only the training loss
     * changes; test and validation losses stay plain cross-entropy, comparable across runs.
     */
    double labelSmoothing = 0.0;
    static constexpr double maxLabelSmoothing = 0.5;
    /**
     * Weight averaging: 0 = off, else the decay d of an exponential moving average of the
     * weights (and BatchNorm statistics) kept beside the trained ones, updated after every
     * step as avg ← d·avg + (1 − d)·w. At step t, d is min(decay, (1 + t)/(10 + t)): the
     * average spans ~1/(1 − decay) steps, or the last ninth of the steps so far when that
     * is fewer, so early epochs are not dominated by the initial weights. Evaluations, the
     * early-stopping score and the saved model use the averaged weights: still one model,
     * often a little more accurate than the last step's weights. Training is unchanged.
     */
    double weightAverageDecay = 0.0;
    static constexpr double minWeightAverageDecay = 0.9;
    static constexpr double maxWeightAverageDecay = 0.99999;
    quint64 seed = 1;
    int threads = 0;                  ///< 0 = all cores

    ScheduleKind schedule = ScheduleKind::Constant;
    int warmupEpochs = 0;             ///< linear warm-up from lr/10 … lr, before any schedule
    int stepEpochs = 10;              ///< Step: multiply by `stepGamma` every stepEpochs
    double stepGamma = 0.1;

    AugmentConfig augment;
    double validationFraction = 0.0;  ///< taken from the end of a seeded shuffle of the train set
    bool keepBestModel = false;       ///< save the best-validation (or best-test) epoch's model
    int earlyStoppingPatience = 0;    ///< 0 = off; epochs without validation improvement
    int maxBatchesPerEpoch = 0;       ///< 0 = all; benchmarks and smoke tests only
    bool diagnostics = true;          ///< dead units, gradient and weight norms per layer
    /**
     * Evaluate the whole training set after every epoch. Off: each epoch's train accuracy
     * and loss come from its own training batches (free), and the whole set is evaluated
     * once after the last epoch; the record says which (EpochMetrics::trainAccuracyFromBatches).
     */
    bool trainEvalEveryEpoch = false;

    static constexpr int maxEpochs = 10000;
    static constexpr int maxBatchSize = 60000;
    static constexpr double maxLearningRate = 10;

    /**
     * Empty when `lr` is a usable learning rate (above 0, at most maxLearningRate), else
     * what is expected. The one range the forms, the Train page's live change and
     * validate() all ask.
     */
    static QString learningRateProblem(double lr);

    QStringList validate() const;
    /** Throws LabError listing every problem, prefixed with `where`. */
    void ensureValid(const QString &where) const;
    int effectiveThreads() const;

    QJsonObject toJson() const;
    /** Missing fields keep their defaults; bad values throw LabError naming `where`. */
    static TrainConfig fromJson(const QJsonObject &json, const QString &where);
    bool operator==(const TrainConfig &o) const;

    static QString optimizerName(OptimizerKind k);   ///< "Adam", "AdamW", "SGD", "RMSprop"
    static bool optimizerFromName(const QString &name, OptimizerKind *out);
    static QString scheduleName(ScheduleKind k);     ///< "constant", "step", "cosine", "onecycle"
    static bool scheduleFromName(const QString &name, ScheduleKind *out);
};

} // namespace lab
