#include "core/experiment/sweep.h"

#include "core/common/atomicfile.h"
#include "core/common/jsonfile.h"
#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/runstore.h"
#include "core/model/shapeinference.h"
#include "core/train/runcontrol.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>
#include <limits>
#include <random>

namespace lab {

namespace {

const QStringList axisParameters = {QStringLiteral("width"),      QStringLiteral("depth"),
                                    QStringLiteral("learning_rate"), QStringLiteral("batch_size"),
                                    QStringLiteral("epochs"),     QStringLiteral("activation"),
                                    QStringLiteral("optimizer"),  QStringLiteral("weight_decay"),
                                    QStringLiteral("label_smoothing"), QStringLiteral("weight_average_decay"),
                                    QStringLiteral("clean_final_epochs")};

double toNumber(const QString &value, const QString &where)
{
    bool ok = false;
    const double v = value.toDouble(&ok);
    if (!ok)
        throw LabError(QStringLiteral("%1: \"%2\" is not a number").arg(where, value));
    return v;
}

int toWhole(const QString &value, const QString &where)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok)
        throw LabError(QStringLiteral("%1: \"%2\" is not a whole number").arg(where, value));
    return v;
}

// Applies one axis value to a copy of the design and configuration.
void apply(const QString &parameter, const QString &value, NetworkSpec &spec, TrainConfig &config, const QString &where)
{
    if (parameter == u"width") {
        const int width = toWhole(value, where);
        int lastLinear = -1;
        for (int i = 0; i < spec.layers.size(); ++i)
            if (spec.layers[i].type == LayerSpec::Type::Linear)
                lastLinear = i;
        for (int i = 0; i < lastLinear; ++i)   // every hidden Linear; the output stays 10 wide
            if (spec.layers[i].type == LayerSpec::Type::Linear)
                spec.layers[i].units = width;
    } else if (parameter == u"depth") {
        const QStringList mlp = spec.shorthand().split(u' ');
        const QStringList widths = mlp.value(0).split(u'-');
        if (widths.size() < 3)
            throw LabError(where + QStringLiteral(": depth needs an MLP base with a hidden layer, e.g. 784-50-10"));
        const int depth = toWhole(value, where);
        QStringList layers{widths.first()};
        for (int i = 0; i < depth; ++i)
            layers << widths[1];
        layers << widths.last();
        const QString name = spec.name;
        const InitKind init = spec.init;
        spec = NetworkSpec::fromShorthand(layers.join(u'-'), mlp.value(1, QStringLiteral("relu")));
        spec.name = name;
        spec.init = init;
    } else if (parameter == u"activation") {
        LayerSpec::Type type;
        if (!LayerSpec::typeFromName(value, &type) || !LayerSpec{type}.isActivation())
            throw LabError(QStringLiteral("%1: \"%2\" is not an activation").arg(where, value));
        for (LayerSpec &l : spec.layers)
            if (l.isActivation())
                l = LayerSpec::activation(type);
    } else if (parameter == u"learning_rate") {
        config.learningRate = toNumber(value, where);
    } else if (parameter == u"weight_decay") {
        config.weightDecay = toNumber(value, where);
    } else if (parameter == u"label_smoothing") {
        config.labelSmoothing = toNumber(value, where);
    } else if (parameter == u"weight_average_decay") {
        config.weightAverageDecay = toNumber(value, where);
    } else if (parameter == u"batch_size") {
        config.batchSize = toWhole(value, where);
    } else if (parameter == u"epochs") {
        config.epochs = toWhole(value, where);
    } else if (parameter == u"clean_final_epochs") {
        config.augment.cleanFinalEpochs = toWhole(value, where);
    } else if (parameter == u"optimizer") {
        if (!TrainConfig::optimizerFromName(value, &config.optimizer))
            throw LabError(QStringLiteral("%1: optimizer \"%2\" is unknown").arg(where, value));
    }
}

const QStringList integerParameters = {QStringLiteral("width"), QStringLiteral("depth"), QStringLiteral("batch_size"),
                                       QStringLiteral("epochs"), QStringLiteral("clean_final_epochs")};
const QStringList realParameters = {QStringLiteral("learning_rate"), QStringLiteral("weight_decay"),
                                    QStringLiteral("label_smoothing"), QStringLiteral("weight_average_decay")};

const SweepAxis::Distribution distributions[] = {SweepAxis::Distribution::Uniform, SweepAxis::Distribution::LogUniform,
                                                 SweepAxis::Distribution::IntLogUniform};

// Reads a range axis ({"log_uniform": [1e-4, 1e-1]}, as "values" or beside "parameter").
// Returns false when the axis lists values instead.
bool readRange(const QJsonObject &axisJson, SweepAxis &axis, const QString &where)
{
    QJsonObject range = axisJson.value(QStringLiteral("values")).toObject();
    if (range.isEmpty())
        range = axisJson;
    for (SweepAxis::Distribution d : distributions) {
        const QString key = SweepAxis::distributionName(d);
        if (!range.contains(key))
            continue;
        const QJsonArray bounds = range.value(key).toArray();
        if (bounds.size() != 2 || !bounds[0].isDouble() || !bounds[1].isDouble())
            throw LabError(QStringLiteral("%1: \"%2\" needs two numbers [low, high]").arg(where, key));
        axis.distribution = d;
        axis.low = bounds[0].toDouble();
        axis.high = bounds[1].toDouble();
        const QString text = QStringLiteral("%1 [%2, %3]").arg(key).arg(axis.low, 0, 'g', 10).arg(axis.high, 0, 'g', 10);
        if (!std::isfinite(axis.low) || !std::isfinite(axis.high))
            throw LabError(QStringLiteral("%1: %2: the bounds must be finite").arg(where, text));
        if (axis.low > axis.high)
            throw LabError(QStringLiteral("%1: %2: low is above high").arg(where, text));
        if (d != SweepAxis::Distribution::Uniform && axis.low <= 0)
            throw LabError(QStringLiteral("%1: %2: a log range needs low > 0").arg(where, text));
        const bool integer = integerParameters.contains(axis.parameter);
        if (!integer && !realParameters.contains(axis.parameter))
            throw LabError(QStringLiteral("%1: %2 is not a number, so it cannot be sampled from a range; list its values")
                               .arg(where, axis.parameter));
        if (d == SweepAxis::Distribution::IntLogUniform
            && (!integer || axis.low != std::floor(axis.low) || axis.high != std::floor(axis.high)))
            throw LabError(QStringLiteral("%1: %2 samples whole numbers: use it for width, depth, batch_size or epochs "
                                          "with whole bounds").arg(where, text));
        axis.logScale = axisJson.value(QStringLiteral("log")).toBool(d != SweepAxis::Distribution::Uniform);
        return true;
    }
    if (axisJson.value(QStringLiteral("values")).isObject())
        throw LabError(QStringLiteral("%1: \"values\" is a range of an unknown kind; expected uniform, log_uniform or "
                                      "int_log_uniform").arg(where));
    return false;
}

// A uniform double in [0, 1) from the generator's raw 64 bits: std::uniform_real_distribution
// differs between standard libraries, and a sweep must sample the same values everywhere.
double unitSample(std::mt19937_64 &rng)
{
    return double(rng() >> 11) * 0x1.0p-53;
}

QString sample(const SweepAxis &axis, std::mt19937_64 &rng)
{
    const double u = unitSample(rng);
    const bool integer = integerParameters.contains(axis.parameter);
    double v = 0;
    switch (axis.distribution) {
    case SweepAxis::Distribution::Listed:
        return QString();
    case SweepAxis::Distribution::Uniform:
        v = axis.low + u * (axis.high - axis.low);
        break;
    case SweepAxis::Distribution::LogUniform:
        v = std::exp(std::log(axis.low) + u * (std::log(axis.high) - std::log(axis.low)));
        break;
    case SweepAxis::Distribution::IntLogUniform:
        // Each whole number k gets the log-width of [k, k+1).
        v = std::floor(std::exp(std::log(axis.low) + u * (std::log(axis.high + 1) - std::log(axis.low))));
        break;
    }
    if (integer)
        return QString::number(qBound(qint64(std::ceil(axis.low)), qint64(std::llround(v)), qint64(std::floor(axis.high))));
    // Six significant digits: the value in tasks.txt, run names and the summary is the one trained.
    return QString::number(qBound(axis.low, v, axis.high), 'g', 6);
}

} // namespace

QString SweepAxis::distributionName(Distribution d)
{
    switch (d) {
    case Distribution::Listed: return QString();
    case Distribution::Uniform: return QStringLiteral("uniform");
    case Distribution::LogUniform: return QStringLiteral("log_uniform");
    case Distribution::IntLogUniform: return QStringLiteral("int_log_uniform");
    }
    return QString();
}

Sweep Sweep::fromJson(const QJsonObject &json, const QString &where)
{
    Sweep sweep;
    sweep.name = json.value(QStringLiteral("name")).toString(QStringLiteral("sweep"));
    // The name becomes part of file names (<runs>/sweeps/<time>-<name>.json, run folders):
    // "a/b" or "../../x" must not reach outside the run store.
    if (const QString problem = nameProblem(sweep.name); !problem.isEmpty())
        throw LabError(QStringLiteral("%1: name \"%2\" %3").arg(where, sweep.name, problem));
    const QJsonObject base = json.value(QStringLiteral("base")).toObject();
    if (base.isEmpty())
        throw LabError(where + QStringLiteral(": missing \"base\" (the experiment every run starts from)"));
    if (base.value(QStringLiteral("spec")).isObject())
        sweep.baseSpec = NetworkSpec::fromJson(base.value(QStringLiteral("spec")).toObject(), where + QStringLiteral(": base.spec"));
    else
        sweep.baseSpec = NetworkSpec::fromShorthand(base.value(QStringLiteral("layers")).toString(QStringLiteral("784-50-10")),
                                                    base.value(QStringLiteral("activation")).toString(QStringLiteral("relu")));
    sweep.baseSpec.name = sweep.name;
    sweep.baseConfig = TrainConfig::fromJson(base.value(QStringLiteral("config")).toObject(), where + QStringLiteral(": base.config"));
    const QJsonArray axes = json.value(QStringLiteral("axes")).toArray();
    if (axes.isEmpty() || axes.size() > 2)
        throw LabError(where + QStringLiteral(": \"axes\" must hold one or two axes"));
    for (int a = 0; a < axes.size(); ++a) {
        const QJsonObject axisJson = axes[a].toObject();
        SweepAxis axis;
        axis.parameter = axisJson.value(QStringLiteral("parameter")).toString();
        if (!axisParameters.contains(axis.parameter))
            throw LabError(QStringLiteral("%1: axes[%2]: parameter \"%3\" is not one of %4")
                               .arg(where).arg(a).arg(axis.parameter, axisParameters.join(QStringLiteral(", "))));
        if (readRange(axisJson, axis, QStringLiteral("%1: axes[%2]").arg(where).arg(a))) {
            sweep.axes.append(axis);
            continue;
        }
        for (const QJsonValue &v : axisJson.value(QStringLiteral("values")).toArray())
            axis.values << (v.isString() ? v.toString() : QString::number(v.toDouble(), 'g', 10));
        if (axis.values.isEmpty())
            throw LabError(QStringLiteral("%1: axes[%2]: \"values\" is empty").arg(where).arg(a));
        axis.logScale = axisJson.value(QStringLiteral("log")).toBool(false);
        sweep.axes.append(axis);
    }
    // Checked as a number before converting: toInt() turns 1e12 or 2.5 into the default 1.
    const QJsonValue seeds = json.value(QStringLiteral("seeds"));
    const double seedCount = seeds.isUndefined() ? 1.0 : seeds.toDouble(-1);
    if (!(seedCount >= 1 && seedCount <= maxSeeds) || seedCount != std::floor(seedCount))
        throw LabError(QStringLiteral("%1: seeds is %2, expected a whole number from 1 to %3")
                           .arg(where, seeds.isDouble() ? QString::number(seedCount, 'f', seedCount == std::floor(seedCount) ? 0 : -1) : QJsonDocument(QJsonArray{seeds}).toJson(QJsonDocument::Compact).mid(1).chopped(1))
                           .arg(maxSeeds));
    sweep.seeds = int(seedCount);
    // Random search: "trials" samples of the range axes, drawn from "sample_seed".
    const bool anyRange = std::any_of(sweep.axes.cbegin(), sweep.axes.cend(), [](const SweepAxis &a) { return a.isRandom(); });
    const QJsonValue trials = json.value(QStringLiteral("trials"));
    if (anyRange) {
        const double count = trials.toDouble(-1);
        if (!(count >= 1 && count <= hardMaxRuns) || count != std::floor(count))
            throw LabError(QStringLiteral("%1: an axis gives a range, so \"trials\" must say how many samples to draw "
                                          "(a whole number from 1 to %2)").arg(where).arg(hardMaxRuns));
        sweep.trials = int(count);
    } else if (!trials.isUndefined()) {
        throw LabError(where + QStringLiteral(": \"trials\" needs an axis with a range, e.g. {\"log_uniform\": [1e-4, 1e-1]}"));
    }
    const QJsonValue sampleSeed = json.value(QStringLiteral("sample_seed"));
    if (sampleSeed.isUndefined()) {
        sweep.sampleSeed = sweep.baseConfig.seed;
    } else {
        bool ok = sampleSeed.isString() || (sampleSeed.isDouble() && sampleSeed.toDouble() >= 0
                                            && sampleSeed.toDouble() == std::floor(sampleSeed.toDouble()));
        sweep.sampleSeed = sampleSeed.isString() ? sampleSeed.toString().toULongLong(&ok) : quint64(sampleSeed.toDouble());
        if (!ok)
            throw LabError(where + QStringLiteral(": sample_seed must be a whole number ≥ 0"));
    }
    sweep.metric = json.value(QStringLiteral("metric")).toString(sweep.metric);
    if (!metricNames().contains(sweep.metric))
        throw LabError(QStringLiteral("%1: metric \"%2\" is not one of %3").arg(where, sweep.metric, metricNames().join(QStringLiteral(", "))));
    return sweep;
}

Sweep Sweep::fromFile(const QString &path)
{
    return fromJson(JsonFile::readObject(path, QStringLiteral("sweep file")), path);
}

QJsonObject Sweep::toJson() const
{
    QJsonArray axisArray;
    for (const SweepAxis &a : axes) {
        const QJsonValue values = a.isRandom()
                                      ? QJsonValue(QJsonObject{{SweepAxis::distributionName(a.distribution), QJsonArray{a.low, a.high}}})
                                      : QJsonValue(QJsonArray::fromStringList(a.values));
        axisArray.append(QJsonObject{{QStringLiteral("parameter"), a.parameter},
                                     {QStringLiteral("values"), values},
                                     {QStringLiteral("log"), a.logScale}});
    }
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("base"), QJsonObject{{QStringLiteral("spec"), baseSpec.toJson()},
                                                          {QStringLiteral("config"), baseConfig.toJson()}}},
                     {QStringLiteral("axes"), axisArray},
                     {QStringLiteral("seeds"), seeds},
                     {QStringLiteral("metric"), metric}};
    if (trials > 0) {
        json.insert(QStringLiteral("trials"), trials);
        json.insert(QStringLiteral("sample_seed"), QString::number(sampleSeed));   // as text: JSON numbers stop at 2^53
    }
    return json;
}

QString Sweep::id() const
{
    const QByteArray canonical = QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
    return name + u'-' + QString::fromLatin1(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex().left(8));
}

QString Sweep::nameProblem(const QString &name)
{
    if (name.isEmpty() || name.size() > 60)
        return QStringLiteral("must be 1 to 60 characters long");
    if (name.startsWith(u'.'))
        return QStringLiteral("may not start with '.'");
    for (QChar c : name)
        if (!(c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.') || c.unicode() >= 128)
            return QStringLiteral("may only hold letters, digits, '_', '-' and '.' (it names files)");
    return QString();
}

qint64 Sweep::plannedRuns() const
{
    // Counted without building the grid: a 72 KB file can describe 10^9 runs.
    qint64 runs = seeds;
    if (trials > 0 && __builtin_mul_overflow(runs, qint64(trials), &runs))
        return std::numeric_limits<qint64>::max();
    for (const SweepAxis &axis : axes)
        if (!axis.isRandom() && __builtin_mul_overflow(runs, qint64(axis.values.size()), &runs))
            return std::numeric_limits<qint64>::max();
    return runs;
}

QVector<SweepPoint> Sweep::points() const
{
    if (const QString problem = nameProblem(name); !problem.isEmpty())
        throw LabError(QStringLiteral("sweep name \"%1\" %2").arg(name, problem));
    const qint64 planned = plannedRuns();
    if (planned > hardMaxRuns)
        throw LabError(QStringLiteral("sweep %1: %2 runs planned; the most a sweep may have is %3, even with --force")
                           .arg(name).arg(planned).arg(hardMaxRuns));
    if (planned > maxRuns && !force)
        throw LabError(QStringLiteral("sweep %1: %2 runs planned, more than the %3 a sweep may have without --force")
                           .arg(name).arg(planned).arg(maxRuns));
    // The samples of the range axes, trial by trial, axis by axis: one stream from sampleSeed.
    QVector<QStringList> samples;
    std::mt19937_64 rng(sampleSeed);
    for (int t = 0; t < trials; ++t) {
        QStringList trial;
        for (const SweepAxis &axis : axes)
            trial << (axis.isRandom() ? sample(axis, rng) : QString());
        samples.append(trial);
    }
    // Listed axes form the grid; each grid point is crossed with every trial.
    QVector<QStringList> grid{QStringList()};
    for (int a = 0; a < axes.size(); ++a) {
        QVector<QStringList> next;
        for (const QStringList &prefix : grid)
            for (const QString &value : axes[a].isRandom() ? QStringList{QString()} : axes[a].values)
                next.append(prefix + QStringList{value});
        grid = next;
    }
    if (trials > 0) {
        QVector<QStringList> crossed;
        for (const QStringList &listed : grid)
            for (const QStringList &trial : samples) {
                QStringList values = listed;
                for (int a = 0; a < axes.size(); ++a)
                    if (axes[a].isRandom())
                        values[a] = trial[a];
                crossed.append(values);
            }
        grid = crossed;
    }
    QVector<SweepPoint> points;
    for (const QStringList &values : grid) {
        for (int s = 0; s < seeds; ++s) {
            SweepPoint p;
            p.axisValues = values;
            p.seedIndex = s;
            p.spec = baseSpec;
            p.config = baseConfig;
            // The run's name is read in tables and legends: "width · width 500 · seed 1". The
            // run folder gets its safe form from RunStore; task folders are "<id>-t<i>".
            QStringList label{name};
            QStringList legacy{name};
            for (int a = 0; a < axes.size(); ++a) {
                const QString where = QStringLiteral("sweep %1: %2=%3").arg(name, axes[a].parameter, values[a]);
                apply(axes[a].parameter, values[a], p.spec, p.config, where);
                label << QString(axes[a].parameter).replace(u'_', u' ') + u' ' + values[a];
                legacy << axes[a].parameter + u'=' + values[a];
            }
            p.config.seed = baseConfig.seed + quint64(s);
            label << QStringLiteral("seed %1").arg(p.config.seed);
            legacy << QStringLiteral("s%1").arg(p.config.seed);
            p.spec.name = label.join(QStringLiteral(" · "));
            p.legacyName = legacy.join(u'_');
            const ShapeReport shapes = ShapeReport::infer(p.spec);
            if (!shapes.ok())
                throw LabError(QStringLiteral("sweep %1, %2: %3").arg(name, values.join(u','), shapes.error));
            p.config.ensureValid(QStringLiteral("sweep %1, %2").arg(name, values.join(u',')));
            points.append(p);
        }
    }
    return points;
}

QStringList Sweep::metricNames()
{
    return {QStringLiteral("test_error"),     QStringLiteral("train_error"),      QStringLiteral("test_accuracy"),
            QStringLiteral("train_accuracy"), QStringLiteral("final_train_loss"), QStringLiteral("train_seconds")};
}

double Sweep::metricOf(const RunRecord &r, const QString &metric)
{
    if (metric == u"test_error")
        return 100.0 - r.testAccuracy;
    if (metric == u"train_error")
        return 100.0 - r.trainAccuracy;
    if (metric == u"test_accuracy")
        return r.testAccuracy;
    if (metric == u"train_accuracy")
        return r.trainAccuracy;
    if (metric == u"final_train_loss")
        return r.finalTrainLoss;
    return r.trainSeconds;
}

QVector<SweepCell> Sweep::summarize(const QVector<SweepPoint> &points, const QVector<RunRecord> &records, const QString &metric)
{
    QVector<SweepCell> cells;
    for (int i = 0; i < points.size() && i < records.size(); ++i) {
        if (records[i].status != RunStatus::Finished)
            continue;
        auto cell = std::find_if(cells.begin(), cells.end(), [&](const SweepCell &c) { return c.axisValues == points[i].axisValues; });
        if (cell == cells.end()) {
            cells.append(SweepCell{points[i].axisValues, 0, 0, 0});
            cell = cells.end() - 1;
        }
        // Accumulate sum and sum of squares in mean/std; finalised below.
        const double v = metricOf(records[i], metric);
        cell->mean += v;
        cell->std += v * v;
        ++cell->runs;
    }
    for (SweepCell &c : cells) {
        const double mean = c.mean / c.runs;
        const double var = c.runs > 1 ? (c.std - c.runs * mean * mean) / (c.runs - 1) : 0.0;
        c.mean = mean;
        c.std = std::sqrt(std::max(var, 0.0));
    }
    return cells;
}

QJsonObject Sweep::summaryJson(const QVector<SweepPoint> &points, const QVector<RunRecord> &records, int plannedRuns) const
{
    QJsonArray runs;
    for (int i = 0; i < records.size() && i < points.size(); ++i)
        runs.append(QJsonObject{{QStringLiteral("axis_values"), QJsonArray::fromStringList(points[i].axisValues)},
                                {QStringLiteral("seed"), QString::number(points[i].config.seed)},
                                {QStringLiteral("name"), points[i].spec.name},
                                {QStringLiteral("run"), records[i].folder},
                                {QStringLiteral("status"), runStatusName(records[i].status)},
                                {metric, metricOf(records[i], metric)}});
    QJsonArray cells;
    for (const SweepCell &c : summarize(points, records, metric))
        cells.append(QJsonObject{{QStringLiteral("axis_values"), QJsonArray::fromStringList(c.axisValues)},
                                 {QStringLiteral("mean"), c.mean}, {QStringLiteral("std"), c.std},
                                 {QStringLiteral("runs"), c.runs}});
    QJsonObject summary = toJson();
    summary.insert(QStringLiteral("runs"), runs);
    summary.insert(QStringLiteral("cells"), cells);
    summary.insert(QStringLiteral("planned_runs"), plannedRuns);
    return summary;
}

SweepRunner::SweepRunner(Sweep sweep, QString dataFolder, QString runsFolder)
    : m_sweep(std::move(sweep))
    , m_dataFolder(std::move(dataFolder))
    , m_runsFolder(DataLocator::runsFolder(runsFolder))
    , m_points(m_sweep.points())
{
}

QVector<RunRequest> SweepRunner::requests() const
{
    QVector<RunRequest> requests;
    for (const SweepPoint &point : m_points)
        requests.append(RunRequest{point.spec, point.config, m_dataFolder, m_runsFolder});
    return requests;
}

QVector<RunRecord> SweepRunner::run(RunObserver *observer, RunControl *control)
{
    QVector<RunRecord> records;
    // Reserved at once: two sweeps of the same name started in the same second get two
    // summaries (…-name.json, …-name-2.json), never one overwriting the other.
    m_summaryPath = AtomicFile::createUnique(m_runsFolder + QStringLiteral("/sweeps"),
                                             QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))
                                                 + u'-' + m_sweep.name,
                                             QStringLiteral(".json"));
    auto writeSummary = [&] {
        AtomicFile::write(m_summaryPath,
                          QJsonDocument(m_sweep.summaryJson(m_points.mid(0, records.size()), records, int(m_points.size()))).toJson());
    };
    writeSummary();   // the reserved file holds the plan from the start, never stays empty
    const QVector<RunRequest> runs = requests();
    for (int i = 0; i < runs.size(); ++i) {
        if (control && control->cancelRequested())
            break;
        records.append(ExperimentRunner(runs[i]).run(observer, control, RunPosition{i, int(runs.size())}));
        writeSummary();
    }
    return records;
}

} // namespace lab
