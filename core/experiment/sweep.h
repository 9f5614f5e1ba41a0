#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runobserver.h"
#include "core/experiment/runrecord.h"
#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace lab {

class RunControl;

/**
 * One swept hyperparameter: listed values (width: 10, 20, 50), or a range that random
 * search samples (learning_rate: {"log_uniform": [1e-4, 1e-1]}) once per trial.
 */
struct SweepAxis
{
    /** How a range is sampled; Listed = the values as written. */
    enum class Distribution { Listed, Uniform, LogUniform, IntLogUniform };

    QString parameter;       ///< width, depth, learning_rate, batch_size, epochs, activation, optimizer, weight_decay, label_smoothing, weight_average_decay, clean_final_epochs
    QStringList values;      ///< as written in the sweep file (Listed only)
    bool logScale = false;   ///< plot this axis on a log scale
    Distribution distribution = Distribution::Listed;
    double low = 0;          ///< the range (not Listed)
    double high = 0;

    bool isRandom() const { return distribution != Distribution::Listed; }
    /** "uniform", "log_uniform", "int_log_uniform" (empty for Listed). */
    static QString distributionName(Distribution d);
};

/** One run of a sweep: where it sits on the grid, and what it trains. */
struct SweepPoint
{
    QStringList axisValues;  ///< one value per axis
    int seedIndex = 0;
    NetworkSpec spec;        ///< spec.name is the run's readable name: "width · width 500 · seed 1"
    TrainConfig config;
    /** The name runs of this point had before names were made readable ("width_width=500_s1"). */
    QString legacyName;

    /** Whether a run named `modelType` is this point's (by its name, or the name older versions gave it). */
    bool isNameOf(const QString &modelType) const { return modelType == spec.name || modelType == legacyName; }
};

/** A metric's mean and standard deviation over the seeds of one grid point. */
struct SweepCell
{
    QStringList axisValues;
    double mean = 0;
    double std = 0;
    int runs = 0;
};

/**
 * A sweep: a base experiment (an MLP shorthand or full spec + config), one or two axes,
 * and a number of seeds per grid point. Parsed from JSON:
 * {"name": "width", "base": {"layers": "784-50-10", "activation": "relu", "config": {…}},
 *  "axes": [{"parameter": "width", "values": [10, 20, 50], "log": true}], "seeds": 2,
 *  "metric": "test_error"}
 */
struct Sweep
{
    QString name;
    NetworkSpec baseSpec;
    TrainConfig baseConfig;
    QVector<SweepAxis> axes;
    int seeds = 1;
    int trials = 0;          ///< random search: samples of the range axes (0 when every axis is listed)
    quint64 sampleSeed = 0;  ///< seeds the samples: the file's "sample_seed", else the base config's seed
    QString metric = QStringLiteral("test_error");   ///< test_error, train_error, test_accuracy, train_accuracy, final_train_loss, train_seconds
    bool force = false;      ///< allow more than maxRuns runs (the CLI's --force); never more than hardMaxRuns

    static constexpr int maxSeeds = 100;
    /** Runs a sweep may plan without `force` (a day of 1-minute runs). */
    static constexpr qint64 maxRuns = 1000;
    /** Runs a sweep may plan at all. */
    static constexpr qint64 hardMaxRuns = 100000;
    /** Listed axes' value counts × trials × seeds, without building the grid (saturates instead of overflowing). */
    qint64 plannedRuns() const;
    /** Empty when `name` is usable as a sweep name (a file name part), else what is wrong. */
    static QString nameProblem(const QString &name);

    static Sweep fromJson(const QJsonObject &json, const QString &where);
    static Sweep fromFile(const QString &path);
    QJsonObject toJson() const;

    /**
     * A short stable identity of what the sweep trains ("width-3f2a9c1e": the name and a hash
     * of toJson()): the same sweep file with the same overrides gives the same id on any host.
     */
    QString id() const;

    /**
     * Every run of the grid (listed axes × trials of the range axes × seeds), in a stable
     * order, validated. Range axes are sampled from sampleSeed with the lab's own mapping of
     * mt19937_64 output, so the values are the same on every platform. Throws LabError naming the axis/value,
     * or when plannedRuns() is above maxRuns (without `force`) or hardMaxRuns.
     */
    QVector<SweepPoint> points() const;

    static QStringList metricNames();
    /** The value of `metric` in a finished run's record. */
    static double metricOf(const RunRecord &record, const QString &metric);
    /** Mean ± std of `metric` per grid point over the given runs (points()[i] ↔ records[i]). */
    static QVector<SweepCell> summarize(const QVector<SweepPoint> &points, const QVector<RunRecord> &records,
                                        const QString &metric);
    /**
     * The summary file's JSON: the sweep, one entry per run (axis values, seed, run folder,
     * status, metric; points[i] ↔ records[i]), the cells, and the planned run count. An
     * in-process sweep and `sweep --collect` both write this.
     */
    QJsonObject summaryJson(const QVector<SweepPoint> &points, const QVector<RunRecord> &records, int plannedRuns) const;
};

/**
 * Runs a sweep's runs one after another into the run store (each one an ordinary run
 * request through ExperimentRunner) and writes <runs>/sweeps/<time>-<name>.json with the
 * grid and the run folders, rewritten after every run.
 */
class SweepRunner
{
public:
    /** Throws LabError for a bad sweep before any run starts. */
    SweepRunner(Sweep sweep, QString dataFolder, QString runsFolder);

    /** The run requests of the sweep, one per point, in order. */
    QVector<RunRequest> requests() const;

    /**
     * Runs every point in order; stops early when cancelled. `observer` (optional) hears
     * of every run as of a single one, with its position i of N.
     */
    QVector<RunRecord> run(RunObserver *observer, RunControl *control);

    const QVector<SweepPoint> &points() const { return m_points; }
    /** Path of the summary written by run(). */
    QString summaryPath() const { return m_summaryPath; }

private:
    Sweep m_sweep;
    QString m_dataFolder;
    QString m_runsFolder;
    QVector<SweepPoint> m_points;
    QString m_summaryPath;
};

} // namespace lab
