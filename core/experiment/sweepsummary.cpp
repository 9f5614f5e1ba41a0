#include "core/experiment/sweepsummary.h"

#include "core/common/jsonfile.h"
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace lab {

namespace {

// The record a summary entry implies when its run folder is gone: the one metric it holds.
RunRecord recordFromEntry(const QJsonObject &entry, const SweepPoint &point, const QString &metric)
{
    RunRecord r;
    r.modelType = point.spec.name;
    r.spec = point.spec;
    r.config = point.config;
    r.status = runStatusFromName(entry.value(QStringLiteral("status")).toString());
    r.folder = entry.value(QStringLiteral("run")).toString();
    const double v = entry.value(metric).toDouble();
    if (metric == u"test_error")
        r.testAccuracy = 100.0 - v;
    else if (metric == u"train_error")
        r.trainAccuracy = 100.0 - v;
    else if (metric == u"test_accuracy")
        r.testAccuracy = v;
    else if (metric == u"train_accuracy")
        r.trainAccuracy = v;
    else if (metric == u"final_train_loss")
        r.finalTrainLoss = v;
    else
        r.trainSeconds = v;
    return r;
}

} // namespace

SweepSummary SweepSummary::load(const QString &path)
{
    const QJsonObject json = JsonFile::readObject(path, QStringLiteral("sweep summary"));
    if (!json.value(QStringLiteral("runs")).isArray() || !json.value(QStringLiteral("cells")).isArray())
        throw LabError(QStringLiteral("%1: not a sweep summary (expected \"runs\" and \"cells\"; a sweep file is opened "
                                      "with Open sweep file…)").arg(path));
    SweepSummary summary;
    summary.sweep = Sweep::fromJson(json, path);
    summary.sweep.force = true;   // only read back: whatever size it had, it was run
    summary.plannedRuns = json.value(QStringLiteral("planned_runs")).toInt();
    const QVector<SweepPoint> all = summary.sweep.points();
    const QJsonArray runs = json.value(QStringLiteral("runs")).toArray();
    for (int i = 0; i < runs.size(); ++i) {
        const QJsonObject entry = runs[i].toObject();
        QStringList values;
        for (const QJsonValue &v : entry.value(QStringLiteral("axis_values")).toArray())
            values << v.toString();
        const QString seed = entry.value(QStringLiteral("seed")).toString();
        const auto point = std::find_if(all.cbegin(), all.cend(), [&](const SweepPoint &p) {
            return p.axisValues == values && QString::number(p.config.seed) == seed;
        });
        if (point == all.cend())
            throw LabError(QStringLiteral("%1: runs[%2] (%3, seed %4) is not a point of the sweep it describes")
                               .arg(path).arg(i).arg(values.join(u','), seed));
        const QString folder = entry.value(QStringLiteral("run")).toString();
        RunRecord record;
        bool fromFolder = false;
        if (!folder.isEmpty() && QFileInfo::exists(RunStore::recordPath(folder))) {
            try {
                record = RunStore(QFileInfo(folder).absolutePath()).load(folder);
                fromFolder = point->isNameOf(record.modelType);
            } catch (const LabError &) {
            }
        }
        if (!fromFolder)
            record = recordFromEntry(entry, *point, summary.sweep.metric);
        summary.recordsFromFolders += fromFolder;
        summary.points.append(*point);
        summary.records.append(record);
    }
    return summary;
}

} // namespace lab
