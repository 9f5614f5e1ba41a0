#include "core/experiment/runrecord.h"

#include "core/common/atomicfile.h"
#include "core/common/jsonfile.h"
#include "core/common/laberror.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace lab {

namespace {

const char *const recordFormat = "mnist-lab-record/1";

struct StatusName
{
    RunStatus status;
    const char *name;
};

constexpr StatusName statusNames[] = {
    {RunStatus::Running, "running"},     {RunStatus::Finished, "finished"}, {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Diverged, "diverged"},   {RunStatus::Failed, "failed"},     {RunStatus::Interrupted, "interrupted"},
};

QString formatLr(double lr)
{
    return QString::number(lr, 'g', 3);
}

} // namespace

QString runStatusName(RunStatus s)
{
    for (const StatusName &n : statusNames)
        if (n.status == s)
            return QString::fromLatin1(n.name);
    return QStringLiteral("failed");
}

RunStatus runStatusFromName(const QString &name)
{
    for (const StatusName &n : statusNames)
        if (name == QLatin1String(n.name))
            return n.status;
    return RunStatus::Failed;
}

QString RunRecord::summary() const
{
    return summaryParts().join(QStringLiteral(", "));
}

QStringList RunRecord::summaryParts() const
{
    return {spec.shortName(), QStringLiteral("%1 ep").arg(config.epochs), QStringLiteral("batch %1").arg(config.batchSize),
            QStringLiteral("%1 %2").arg(TrainConfig::optimizerName(config.optimizer), formatLr(config.learningRate))};
}

QJsonObject RunRecord::toJson() const
{
    QJsonObject json{
        // The blog's schema.
        {QStringLiteral("model_type"), modelType},
        {QStringLiteral("test_accuracy"), testAccuracy},
        {QStringLiteral("train_accuracy"), trainAccuracy},
        {QStringLiteral("final_train_loss"), finalTrainLoss},
        {QStringLiteral("epochs"), config.epochs},
        {QStringLiteral("batch_size"), config.batchSize},
        {QStringLiteral("learning_rate"), config.learningRate},
        {QStringLiteral("optimizer"), TrainConfig::optimizerName(config.optimizer)},
        // The lab's superset.
        {QStringLiteral("format"), QLatin1String(recordFormat)},
        {QStringLiteral("seed"), QString::number(config.seed)},
        {QStringLiteral("status"), runStatusName(status)},
        {QStringLiteral("spec"), spec.toJson()},
        {QStringLiteral("config"), config.toJson()},
        {QStringLiteral("completed_epochs"), completedEpochs()},
        {QStringLiteral("best_epoch"), bestEpoch},
        {QStringLiteral("best_test_accuracy"), bestTestAccuracy},
        {QStringLiteral("seconds_to_99"), secondsTo99},
        {QStringLiteral("wall_seconds_to_99"), wallSecondsTo99 < 0 ? QJsonValue() : QJsonValue(wallSecondsTo99)},
        {QStringLiteral("wall_seconds_to_99_5"), wallSecondsTo99_5 < 0 ? QJsonValue() : QJsonValue(wallSecondsTo99_5)},
        {QStringLiteral("parameters"), parameters},
        {QStringLiteral("train_seconds"), trainSeconds},
        {QStringLiteral("load_seconds"), loadSeconds},
        {QStringLiteral("eval_seconds"), evalSeconds},
        {QStringLiteral("environment"), environment},
        {QStringLiteral("batch_loss_stride"), batchLossStride},
    };
    if (!statusDetail.isEmpty())
        json.insert(QStringLiteral("status_detail"), statusDetail);
    json.insert(QStringLiteral("model_epoch"), modelEpoch);
    if (!repaired.isEmpty())
        json.insert(QStringLiteral("repaired"), repaired);
    if (started.isValid())
        json.insert(QStringLiteral("started"), started.toString(Qt::ISODateWithMs));
    if (ended.isValid())
        json.insert(QStringLiteral("ended"), ended.toString(Qt::ISODateWithMs));
    QJsonArray epochArray, secondsPerEpoch, lossCurve;
    for (const EpochMetrics &m : epochs) {
        epochArray.append(m.toJson());
        secondsPerEpoch.append(m.seconds);
        lossCurve.append(m.trainLoss);
    }
    json.insert(QStringLiteral("curves"), epochArray);
    json.insert(QStringLiteral("seconds_per_epoch"), secondsPerEpoch);
    json.insert(QStringLiteral("loss_curve"), lossCurve);
    QJsonArray batches;
    for (double l : batchLosses)
        batches.append(l);
    json.insert(QStringLiteral("batch_losses"), batches);
    QJsonArray changes;
    for (const LrChange &c : lrChanges)
        changes.append(QJsonObject{{QStringLiteral("epoch"), c.epoch},
                                   {QStringLiteral("step"), c.step},
                                   {QStringLiteral("learning_rate"), c.learningRate}});
    json.insert(QStringLiteral("lr_changes"), changes);
    return json;
}

RunRecord RunRecord::fromJson(const QJsonObject &json, const QString &where)
{
    if (!json.contains(QStringLiteral("model_type")) || !json.contains(QStringLiteral("test_accuracy")))
        throw LabError(QStringLiteral("%1: not a run record (no model_type / test_accuracy)").arg(where));
    RunRecord r;
    r.modelType = json.value(QStringLiteral("model_type")).toString();
    r.testAccuracy = json.value(QStringLiteral("test_accuracy")).toDouble();
    r.trainAccuracy = json.value(QStringLiteral("train_accuracy")).toDouble();
    r.finalTrainLoss = json.value(QStringLiteral("final_train_loss")).toDouble();
    if (json.value(QStringLiteral("spec")).isObject())
        r.spec = NetworkSpec::fromJson(json.value(QStringLiteral("spec")).toObject(), where + QStringLiteral(": spec"));
    if (json.value(QStringLiteral("config")).isObject()) {
        r.config = TrainConfig::fromJson(json.value(QStringLiteral("config")).toObject(), where + QStringLiteral(": config"));
    } else {
        // A record in the blog's own schema (no "config"): take the blog's fields.
        r.config.epochs = json.value(QStringLiteral("epochs")).toInt(r.config.epochs);
        r.config.batchSize = json.value(QStringLiteral("batch_size")).toInt(r.config.batchSize);
        r.config.learningRate = json.value(QStringLiteral("learning_rate")).toDouble(r.config.learningRate);
        TrainConfig::optimizerFromName(json.value(QStringLiteral("optimizer")).toString(), &r.config.optimizer);
    }
    r.status = runStatusFromName(json.value(QStringLiteral("status")).toString(QStringLiteral("finished")));
    r.statusDetail = json.value(QStringLiteral("status_detail")).toString();
    r.started = QDateTime::fromString(json.value(QStringLiteral("started")).toString(), Qt::ISODateWithMs);
    r.ended = QDateTime::fromString(json.value(QStringLiteral("ended")).toString(), Qt::ISODateWithMs);
    for (const QJsonValue &v : json.value(QStringLiteral("curves")).toArray())
        r.epochs.append(EpochMetrics::fromJson(v.toObject()));
    for (const QJsonValue &v : json.value(QStringLiteral("batch_losses")).toArray())
        r.batchLosses.append(v.toDouble());
    r.batchLossStride = qMax(1, json.value(QStringLiteral("batch_loss_stride")).toInt(1));
    for (const QJsonValue &v : json.value(QStringLiteral("lr_changes")).toArray()) {
        const QJsonObject o = v.toObject();
        r.lrChanges.append({o.value(QStringLiteral("epoch")).toInt(), o.value(QStringLiteral("step")).toInteger(),
                            o.value(QStringLiteral("learning_rate")).toDouble()});
    }
    r.bestEpoch = json.value(QStringLiteral("best_epoch")).toInt();
    r.bestTestAccuracy = json.value(QStringLiteral("best_test_accuracy")).toDouble();
    r.secondsTo99 = json.value(QStringLiteral("seconds_to_99")).toDouble(-1);
    r.wallSecondsTo99 = json.value(QStringLiteral("wall_seconds_to_99")).toDouble(-1);   // null: never
    r.wallSecondsTo99_5 = json.value(QStringLiteral("wall_seconds_to_99_5")).toDouble(-1);
    r.parameters = json.value(QStringLiteral("parameters")).toInteger();
    r.trainSeconds = json.value(QStringLiteral("train_seconds")).toDouble();
    r.loadSeconds = json.value(QStringLiteral("load_seconds")).toDouble();
    r.evalSeconds = json.value(QStringLiteral("eval_seconds")).toDouble();
    r.environment = json.value(QStringLiteral("environment")).toObject();
    r.modelEpoch = json.value(QStringLiteral("model_epoch")).toInt(0);
    r.repaired = json.value(QStringLiteral("repaired")).toString();
    if (r.spec.name.isEmpty())
        r.spec.name = r.modelType;
    return r;
}

RunRecord RunRecord::load(const QString &path)
{
    RunRecord r = fromJson(JsonFile::readObject(path, QStringLiteral("run record")), path);
    r.folder = QFileInfo(path).absolutePath();
    r.id = QFileInfo(r.folder).fileName();
    return r;
}

void RunRecord::save(const QString &path) const
{
    AtomicFile::write(path, QJsonDocument(toJson()).toJson(QJsonDocument::Indented));
}

} // namespace lab
