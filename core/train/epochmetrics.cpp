#include "core/train/epochmetrics.h"

#include <QJsonArray>

namespace lab {

QJsonObject LayerDiagnostics::toJson() const
{
    QJsonObject json{
        {QStringLiteral("layer"), layerIndex},
        {QStringLiteral("name"), name},
        {QStringLiteral("gradient_norm"), gradientNorm},
        {QStringLiteral("weight_norm"), weightNorm},
    };
    json.insert(QStringLiteral("dead_fraction"), deadFraction);
    return json;
}

LayerDiagnostics LayerDiagnostics::fromJson(const QJsonObject &json)
{
    LayerDiagnostics d;
    d.layerIndex = json.value(QStringLiteral("layer")).toInt();
    d.name = json.value(QStringLiteral("name")).toString();
    d.gradientNorm = json.value(QStringLiteral("gradient_norm")).toDouble();
    d.weightNorm = json.value(QStringLiteral("weight_norm")).toDouble();
    d.deadFraction = json.value(QStringLiteral("dead_fraction")).toDouble(0);
    return d;
}

QJsonObject EpochMetrics::toJson() const
{
    QJsonObject json{
        {QStringLiteral("epoch"), epoch},
        {QStringLiteral("train_loss"), trainLoss},
        {QStringLiteral("train_accuracy"), trainAccuracy},
        {QStringLiteral("train_accuracy_source"), trainAccuracyFromBatches ? QStringLiteral("training batches")
                                                                           : QStringLiteral("full pass")},
        {QStringLiteral("test_loss"), testLoss},
        {QStringLiteral("test_accuracy"), testAccuracy},
        {QStringLiteral("learning_rate"), learningRate},
        {QStringLiteral("seconds"), seconds},
        {QStringLiteral("eval_seconds"), evalSeconds},
        {QStringLiteral("test_eval_seconds"), testEvalSeconds},
        {QStringLiteral("confusion_matrix"), confusion.toJson()},
    };
    if (validationAccuracy >= 0) {
        json.insert(QStringLiteral("validation_loss"), validationLoss);
        json.insert(QStringLiteral("validation_accuracy"), validationAccuracy);
    }
    if (!layers.isEmpty()) {
        QJsonArray diag;
        for (const LayerDiagnostics &l : layers)
            diag.append(l.toJson());
        json.insert(QStringLiteral("layers"), diag);
    }
    return json;
}

EpochMetrics EpochMetrics::fromJson(const QJsonObject &json)
{
    EpochMetrics m;
    m.epoch = json.value(QStringLiteral("epoch")).toInt();
    m.trainLoss = json.value(QStringLiteral("train_loss")).toDouble();
    m.trainAccuracy = json.value(QStringLiteral("train_accuracy")).toDouble();
    m.trainAccuracyFromBatches = json.value(QStringLiteral("train_accuracy_source")).toString() == QLatin1String("training batches");
    m.testLoss = json.value(QStringLiteral("test_loss")).toDouble();
    m.testAccuracy = json.value(QStringLiteral("test_accuracy")).toDouble();
    m.validationLoss = json.value(QStringLiteral("validation_loss")).toDouble(-1);
    m.validationAccuracy = json.value(QStringLiteral("validation_accuracy")).toDouble(-1);
    m.learningRate = json.value(QStringLiteral("learning_rate")).toDouble();
    m.seconds = json.value(QStringLiteral("seconds")).toDouble();
    m.evalSeconds = json.value(QStringLiteral("eval_seconds")).toDouble();
    m.testEvalSeconds = json.value(QStringLiteral("test_eval_seconds")).toDouble();
    m.confusion = ConfusionMatrix::fromJson(json.value(QStringLiteral("confusion_matrix")).toArray());
    for (const QJsonValue &v : json.value(QStringLiteral("layers")).toArray())
        m.layers.append(LayerDiagnostics::fromJson(v.toObject()));
    return m;
}

} // namespace lab
