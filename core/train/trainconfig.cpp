#include "core/train/trainconfig.h"

#include "core/common/laberror.h"

#include <QJsonArray>
#include <QJsonValue>
#include <thread>

namespace lab {

QJsonObject AugmentConfig::toJson() const
{
    return {
        {QStringLiteral("enabled"), enabled},
        {QStringLiteral("max_shift_pixels"), maxShiftPixels},
        {QStringLiteral("max_rotation_degrees"), maxRotationDegrees},
        {QStringLiteral("max_scale"), maxScale},
        {QStringLiteral("elastic_alpha"), elasticAlpha},
        {QStringLiteral("clean_final_epochs"), cleanFinalEpochs},
    };
}

AugmentConfig AugmentConfig::fromJson(const QJsonObject &json)
{
    AugmentConfig a;
    a.enabled = json.value(QStringLiteral("enabled")).toBool(a.enabled);
    a.maxShiftPixels = json.value(QStringLiteral("max_shift_pixels")).toDouble(a.maxShiftPixels);
    a.maxRotationDegrees = json.value(QStringLiteral("max_rotation_degrees")).toDouble(a.maxRotationDegrees);
    a.maxScale = json.value(QStringLiteral("max_scale")).toDouble(a.maxScale);
    a.elasticAlpha = json.value(QStringLiteral("elastic_alpha")).toDouble(a.elasticAlpha);
    a.cleanFinalEpochs = json.value(QStringLiteral("clean_final_epochs")).toInt(a.cleanFinalEpochs);
    return a;
}

bool AugmentConfig::operator==(const AugmentConfig &o) const
{
    return enabled == o.enabled && maxShiftPixels == o.maxShiftPixels && maxRotationDegrees == o.maxRotationDegrees
        && maxScale == o.maxScale && elasticAlpha == o.elasticAlpha && cleanFinalEpochs == o.cleanFinalEpochs;
}

QString TrainConfig::optimizerName(OptimizerKind k)
{
    switch (k) {
    case OptimizerKind::AdamW: return QStringLiteral("AdamW");
    case OptimizerKind::Sgd: return QStringLiteral("SGD");
    case OptimizerKind::RmsProp: return QStringLiteral("RMSprop");
    case OptimizerKind::Adam: break;
    }
    return QStringLiteral("Adam");
}

bool TrainConfig::optimizerFromName(const QString &name, OptimizerKind *out)
{
    for (OptimizerKind k : {OptimizerKind::Adam, OptimizerKind::AdamW, OptimizerKind::Sgd, OptimizerKind::RmsProp}) {
        if (optimizerName(k).compare(name.trimmed(), Qt::CaseInsensitive) == 0) {
            *out = k;
            return true;
        }
    }
    return false;
}

QString TrainConfig::scheduleName(ScheduleKind k)
{
    switch (k) {
    case ScheduleKind::Step: return QStringLiteral("step");
    case ScheduleKind::Cosine: return QStringLiteral("cosine");
    case ScheduleKind::OneCycle: return QStringLiteral("onecycle");
    case ScheduleKind::Constant: break;
    }
    return QStringLiteral("constant");
}

bool TrainConfig::scheduleFromName(const QString &name, ScheduleKind *out)
{
    QString key = name.trimmed().toLower();
    key.remove(u'-').remove(u'_');
    for (ScheduleKind k : {ScheduleKind::Constant, ScheduleKind::Step, ScheduleKind::Cosine, ScheduleKind::OneCycle}) {
        if (scheduleName(k) == key) {
            *out = k;
            return true;
        }
    }
    if (key == u"none") {
        *out = ScheduleKind::Constant;
        return true;
    }
    return false;
}

QString TrainConfig::learningRateProblem(double lr)
{
    if (lr > 0 && lr <= maxLearningRate)
        return QString();
    return QStringLiteral("expected a number above 0 and at most %1").arg(maxLearningRate);
}

QStringList TrainConfig::validate() const
{
    QStringList problems;
    auto range = [&](const char *field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi))
            problems << QStringLiteral("%1 is %2, expected %3 to %4").arg(QLatin1String(field)).arg(value).arg(lo).arg(hi);
    };
    if (epochs < 1 || epochs > maxEpochs)
        problems << QStringLiteral("epochs is %1, expected 1 to %2").arg(epochs).arg(maxEpochs);
    if (batchSize < 1 || batchSize > maxBatchSize)
        problems << QStringLiteral("batch_size is %1, expected 1 to %2").arg(batchSize).arg(maxBatchSize);
    const QString lrProblem = learningRateProblem(learningRate);
    if (!lrProblem.isEmpty())
        problems << QStringLiteral("learning_rate is %1, %2").arg(learningRate).arg(lrProblem);
    if (!(momentum >= 0 && momentum < 1))
        problems << QStringLiteral("momentum is %1, expected 0 to below 1").arg(momentum);
    range("weight_decay", weightDecay, 0, 1);
    range("label_smoothing", labelSmoothing, 0, maxLabelSmoothing);
    if (!(weightAverageDecay == 0 || (weightAverageDecay >= minWeightAverageDecay && weightAverageDecay <= maxWeightAverageDecay)))
        problems << QStringLiteral("weight_average_decay is %1, expected 0 (off) or %2 to %3")
                        .arg(weightAverageDecay).arg(minWeightAverageDecay).arg(maxWeightAverageDecay);
    if (!(adamBeta1 >= 0 && adamBeta1 < 1) || !(adamBeta2 >= 0 && adamBeta2 < 1))
        problems << QStringLiteral("betas are (%1, %2), expected each 0 to below 1").arg(adamBeta1).arg(adamBeta2);
    if (threads < 0 || threads > 1024)
        problems << QStringLiteral("threads is %1, expected 0 (all cores) to 1024").arg(threads);
    if (warmupEpochs < 0 || warmupEpochs > epochs)
        problems << QStringLiteral("warmup_epochs is %1, expected 0 to epochs (%2)").arg(warmupEpochs).arg(epochs);
    if (stepEpochs < 1)
        problems << QStringLiteral("step_epochs is %1, expected at least 1").arg(stepEpochs);
    range("step_gamma", stepGamma, 0, 1);
    range("validation_fraction", validationFraction, 0, 0.5);
    if (earlyStoppingPatience < 0)
        problems << QStringLiteral("early_stopping_patience is %1, expected 0 (off) or more").arg(earlyStoppingPatience);
    if (maxBatchesPerEpoch < 0)
        problems << QStringLiteral("max_batches_per_epoch is %1, expected 0 (all) or more").arg(maxBatchesPerEpoch);
    if (augment.enabled) {
        range("augment.max_shift_pixels", augment.maxShiftPixels, 0, 10);
        range("augment.max_rotation_degrees", augment.maxRotationDegrees, 0, 90);
        range("augment.max_scale", augment.maxScale, 0, 0.5);
        range("augment.elastic_alpha", augment.elasticAlpha, 0, 100);
        if (augment.cleanFinalEpochs < 0 || augment.cleanFinalEpochs >= epochs)
            problems << QStringLiteral("augment.clean_final_epochs is %1, expected 0 to epochs - 1 (%2)")
                            .arg(augment.cleanFinalEpochs).arg(epochs - 1);
    }
    return problems;
}

void TrainConfig::ensureValid(const QString &where) const
{
    const QStringList problems = validate();
    if (!problems.isEmpty())
        throw LabError(QStringLiteral("%1: %2").arg(where, problems.join(QStringLiteral("; "))));
}

int TrainConfig::effectiveThreads() const
{
    // More threads than the hardware has only makes them wait for each other (1000 on 2
    // cores trained 20× slower): a larger request is clamped.
    const int hardware = int(qMax(1u, std::thread::hardware_concurrency()));
    return threads > 0 ? qMin(threads, hardware) : hardware;
}

QJsonObject TrainConfig::toJson() const
{
    return {
        {QStringLiteral("epochs"), epochs},
        {QStringLiteral("batch_size"), batchSize},
        {QStringLiteral("learning_rate"), learningRate},
        {QStringLiteral("optimizer"), optimizerName(optimizer)},
        {QStringLiteral("momentum"), momentum},
        {QStringLiteral("nesterov"), nesterov},
        {QStringLiteral("betas"), QJsonArray{adamBeta1, adamBeta2}},
        {QStringLiteral("weight_decay"), weightDecay},
        {QStringLiteral("label_smoothing"), labelSmoothing},
        {QStringLiteral("weight_average_decay"), weightAverageDecay},
        {QStringLiteral("seed"), QString::number(seed)},
        {QStringLiteral("threads"), threads},
        {QStringLiteral("schedule"), scheduleName(schedule)},
        {QStringLiteral("warmup_epochs"), warmupEpochs},
        {QStringLiteral("step_epochs"), stepEpochs},
        {QStringLiteral("step_gamma"), stepGamma},
        {QStringLiteral("augment"), augment.toJson()},
        {QStringLiteral("validation_fraction"), validationFraction},
        {QStringLiteral("keep_best_model"), keepBestModel},
        {QStringLiteral("early_stopping_patience"), earlyStoppingPatience},
        {QStringLiteral("max_batches_per_epoch"), maxBatchesPerEpoch},
        {QStringLiteral("diagnostics"), diagnostics},
        {QStringLiteral("train_eval_every_epoch"), trainEvalEveryEpoch},
    };
}

TrainConfig TrainConfig::fromJson(const QJsonObject &json, const QString &where)
{
    TrainConfig c;
    auto wholeNumber = [&](const char *key, int fallback) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble() || v.toDouble() != double(qint64(v.toDouble())))
            throw LabError(QStringLiteral("%1: \"%2\" must be a whole number").arg(where, QLatin1String(key)));
        return v.toInt();
    };
    auto number = [&](const char *key, double fallback) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble())
            throw LabError(QStringLiteral("%1: \"%2\" must be a number").arg(where, QLatin1String(key)));
        return v.toDouble();
    };
    c.epochs = wholeNumber("epochs", c.epochs);
    c.batchSize = wholeNumber("batch_size", c.batchSize);
    c.learningRate = number("learning_rate", c.learningRate);
    const QString optimizer = json.value(QStringLiteral("optimizer")).toString(optimizerName(c.optimizer));
    if (!optimizerFromName(optimizer, &c.optimizer))
        throw LabError(QStringLiteral("%1: optimizer \"%2\" is unknown (expected Adam, AdamW, SGD or RMSprop)").arg(where, optimizer));
    c.momentum = number("momentum", c.momentum);
    c.nesterov = json.value(QStringLiteral("nesterov")).toBool(c.nesterov);
    if (const QJsonValue betas = json.value(QStringLiteral("betas")); !betas.isUndefined()) {
        const QJsonArray pair = betas.toArray();
        if (!betas.isArray() || pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble())
            throw LabError(QStringLiteral("%1: \"betas\" must be two numbers, e.g. [0.9, 0.999]").arg(where));
        c.adamBeta1 = pair[0].toDouble();
        c.adamBeta2 = pair[1].toDouble();
    }
    c.weightDecay = number("weight_decay", c.weightDecay);
    c.labelSmoothing = number("label_smoothing", c.labelSmoothing);
    c.weightAverageDecay = number("weight_average_decay", c.weightAverageDecay);
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    if (seed.isString()) {
        bool ok = false;
        c.seed = seed.toString().toULongLong(&ok);
        if (!ok)
            throw LabError(QStringLiteral("%1: seed \"%2\" is not a whole number").arg(where, seed.toString()));
    } else if (!seed.isUndefined()) {
        c.seed = quint64(wholeNumber("seed", 1));
    }
    c.threads = wholeNumber("threads", c.threads);
    const QString schedule = json.value(QStringLiteral("schedule")).toString(scheduleName(c.schedule));
    if (!scheduleFromName(schedule, &c.schedule))
        throw LabError(QStringLiteral("%1: schedule \"%2\" is unknown (expected constant, step, cosine or onecycle)").arg(where, schedule));
    c.warmupEpochs = wholeNumber("warmup_epochs", c.warmupEpochs);
    c.stepEpochs = wholeNumber("step_epochs", c.stepEpochs);
    c.stepGamma = number("step_gamma", c.stepGamma);
    if (json.contains(QStringLiteral("augment")))
        c.augment = AugmentConfig::fromJson(json.value(QStringLiteral("augment")).toObject());
    c.validationFraction = number("validation_fraction", c.validationFraction);
    c.keepBestModel = json.value(QStringLiteral("keep_best_model")).toBool(c.keepBestModel);
    c.earlyStoppingPatience = wholeNumber("early_stopping_patience", c.earlyStoppingPatience);
    c.maxBatchesPerEpoch = wholeNumber("max_batches_per_epoch", c.maxBatchesPerEpoch);
    c.diagnostics = json.value(QStringLiteral("diagnostics")).toBool(c.diagnostics);
    c.trainEvalEveryEpoch = json.value(QStringLiteral("train_eval_every_epoch")).toBool(c.trainEvalEveryEpoch);
    return c;
}

bool TrainConfig::operator==(const TrainConfig &o) const
{
    return toJson() == o.toJson();
}

} // namespace lab
