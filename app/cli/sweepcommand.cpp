// `sweep`: a grid of runs over one or two hyperparameters, with mean ± std per point.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/common/atomicfile.h"
#include "core/experiment/sweep.h"
#include "core/experiment/sweeptasks.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <limits>

namespace cli {

namespace {

// One line per run: "[i/N] name …" when it starts, its result (or a JSON line) when it ends.
class SweepPrinter : public lab::RunObserver
{
public:
    explicit SweepPrinter(bool json) : m_json(json), m_out(stdout), m_err(stderr) {}

    void onRunStarted(const lab::RunRecord &r, const lab::RunPosition &p) override
    {
        if (!m_json)
            m_err << "[" << p.index + 1 << '/' << p.total << "] " << r.modelType << " …\n", m_err.flush();
    }

    void onRunEnded(const lab::RunRecord &r, const lab::RunPosition &) override
    {
        InterruptGuard::poll();
        if (m_json)
            m_out << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("run")},
                                               {QStringLiteral("model_type"), r.modelType},
                                               {QStringLiteral("status"), lab::runStatusName(r.status)},
                                               {QStringLiteral("test_accuracy"), r.testAccuracy},
                                               {QStringLiteral("train_accuracy"), r.trainAccuracy},
                                               {QStringLiteral("folder"), r.folder}})
                         .toJson(QJsonDocument::Compact)
                  << '\n', m_out.flush();
        else
            m_err << "    " << lab::runStatusName(r.status) << ": test " << QString::number(r.testAccuracy, 'f', 2)
                  << "%, train " << QString::number(r.trainAccuracy, 'f', 2) << "%\n", m_err.flush();
    }

private:
    bool m_json;
    QTextStream m_out;
    QTextStream m_err;
};

/** The summary table (or JSON line) of a sweep's cells. */
void printSummary(const lab::Sweep &sweep, const QVector<lab::SweepCell> &cells, const QString &summaryPath, bool json)
{
    QTextStream out(stdout);
    if (json) {
        QJsonArray cellArray;
        for (const lab::SweepCell &c : cells)
            cellArray.append(QJsonObject{{QStringLiteral("axis_values"), QJsonArray::fromStringList(c.axisValues)},
                                         {QStringLiteral("mean"), c.mean}, {QStringLiteral("std"), c.std},
                                         {QStringLiteral("runs"), c.runs}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("summary")},
                                         {QStringLiteral("metric"), sweep.metric},
                                         {QStringLiteral("cells"), cellArray},
                                         {QStringLiteral("summary_file"), summaryPath}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
        return;
    }
    QStringList header;
    for (const lab::SweepAxis &a : sweep.axes)
        header << a.parameter;
    out << "| " << header.join(QStringLiteral(" | ")) << " | " << sweep.metric << " (mean ± std) | runs |\n|"
        << QString(QStringLiteral("---|")).repeated(int(header.size()) + 2) << '\n';
    for (const lab::SweepCell &c : cells)
        out << "| " << c.axisValues.join(QStringLiteral(" | ")) << " | " << QString::number(c.mean, 'f', 3) << " ± "
            << QString::number(c.std, 'f', 3) << " | " << c.runs << " |\n";
    out << "\nsummary: " << summaryPath << '\n';
}

QString indexList(const QVector<int> &indices)
{
    QStringList text;
    for (int i : indices)
        text << QString::number(i);
    return text.join(QStringLiteral(" "));
}

int emitTasks(const lab::Sweep &sweep, const QCommandLineParser &parser)
{
    const lab::SweepTasks tasks(sweep);
    const QString folder = QFileInfo(parser.value(QStringLiteral("emit"))).absoluteFilePath();
    lab::SweepTasks::EmitOptions options;
    options.cliPath = parser.isSet(QStringLiteral("cli")) ? QFileInfo(parser.value(QStringLiteral("cli"))).absoluteFilePath()
                                                          : QCoreApplication::applicationFilePath();
    // The store must be one every host sees: by default beside the emitted files.
    options.runsFolder = QFileInfo(parser.isSet(QStringLiteral("runs")) ? parser.value(QStringLiteral("runs"))
                                                                        : QDir(folder).filePath(QStringLiteral("runs")))
                             .absoluteFilePath();
    if (parser.isSet(QStringLiteral("data")))
        options.dataFolder = QFileInfo(parser.value(QStringLiteral("data"))).absoluteFilePath();
    if (parser.isSet(QStringLiteral("max-parallel")))
        options.maxParallel = intOption(parser, QStringLiteral("max-parallel"), 1, 100000);
    QTextStream out(stdout);
    for (const QString &path : tasks.emitTo(folder, options))
        out << path << '\n';
    out << tasks.count() << " tasks of sweep " << tasks.sweep().id() << " into " << options.runsFolder
        << "\nsubmit: sbatch " << QDir(folder).filePath(QStringLiteral("sweep.sbatch")) << "   or   "
        << QDir(folder).filePath(QStringLiteral("parallel.sh")) << '\n';
    return 0;
}

int runTask(const lab::Sweep &sweep, const QCommandLineParser &parser)
{
    const int index = intOption(parser, QStringLiteral("task"), 0, std::numeric_limits<int>::max());
    const lab::SweepTasks tasks(sweep);
    lab::RunControl control;
    InterruptGuard guard(&control);
    SweepPrinter printer(parser.isSet(QStringLiteral("json")));
    const lab::SweepTasks::TaskResult result = tasks.runTask(index, parser.value(QStringLiteral("runs")),
                                                             parser.value(QStringLiteral("data")), &printer, &control);
    const char *action = result.action == lab::SweepTasks::TaskAction::AlreadyDone ? "already done"
                         : result.action == lab::SweepTasks::TaskAction::Resumed   ? "resumed"
                         : result.action == lab::SweepTasks::TaskAction::Replaced  ? "replaced its failed run"
                                                                                     : "trained";
    QTextStream(stderr) << "task " << index << " (" << action << "): " << lab::runStatusName(result.record.status) << ", "
                        << result.record.folder << '\n';
    // A diverged run is a result of the sweep (its learning rate was too high), not a failure to retry.
    if (result.record.status == lab::RunStatus::Finished || result.record.status == lab::RunStatus::Diverged)
        return 0;
    return control.cancelRequested() ? 130 : 1;
}

int collect(const lab::Sweep &sweep, const QCommandLineParser &parser)
{
    const lab::SweepTasks tasks(sweep);
    const lab::SweepTasks::Collection c = tasks.collect(parser.value(QStringLiteral("runs")));
    const QString path = tasks.collectedSummaryPath(parser.value(QStringLiteral("runs")));
    lab::AtomicFile::write(path, QJsonDocument(c.summary).toJson());
    printSummary(sweep, lab::Sweep::summarize(c.points, c.records, sweep.metric), path, parser.isSet(QStringLiteral("json")));
    QTextStream out(stdout);
    out << "sweep " << sweep.id() << ": " << c.finished.size() << " of " << tasks.count() << " tasks have their result\n";
    if (!c.missing.isEmpty())
        out << "missing: " << indexList(c.missing) << '\n';
    if (!c.failed.isEmpty())
        out << "failed: " << indexList(c.failed) << '\n';
    if (!c.running.isEmpty())
        out << "running: " << indexList(c.running) << '\n';
    return c.complete() ? 0 : 1;
}

} // namespace

int sweepCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run a sweep: a base experiment, one or two axes of values (or ranges sampled \"trials\" times), N seeds\n"
        "per point. Built-in sweeps: width, learning-rate, label-smoothing.\n"
        "  sweep SWEEP                          every run here, one after another, into the run store; the\n"
        "                                       summary goes to <runs>/sweeps/<time>-<name>.json\n"
        "  sweep SWEEP --emit DIR               for a cluster engine: DIR/tasks.txt (one command line per\n"
        "                                       run), sweep.sbatch (Slurm job array, --array=0-N%K with\n"
        "                                       K = --max-parallel), parallel.sh (GNU parallel, --joblog,\n"
        "                                       --resume-failed; HOSTS=file for --sshloginfile), sweep.json\n"
        "                                       and README.md. Runs go to --runs (default DIR/runs)\n"
        "  sweep SWEEP --task I --runs DIR      run task I (0-based) into a shared run store: its folder is\n"
        "                                       <sweep id>-t<I>; run again, it resumes an interrupted run,\n"
        "                                       replaces a failed one, keeps a finished one\n"
        "  sweep SWEEP --collect --runs DIR     the summary of the tasks' runs (the same JSON an in-process\n"
        "                                       sweep writes) into DIR/sweeps/<sweep id>-collected.json, and\n"
        "                                       the tasks missing, failed or running (exit 1 while any are)\n"
        "With --emit, --task and --collect use the same SWEEP and overrides (the emitted sweep.json has them).\n"
        "Random search: an axis {\"parameter\": \"learning_rate\", \"values\": {\"log_uniform\": [1e-4, 1e-1]}}\n"
        "(or uniform, int_log_uniform) and \"trials\": N in the sweep; samples come from \"sample_seed\"\n"
        "(default: the base config's seed), the same on every host."));
    parser.addPositionalArgument(QStringLiteral("SWEEP"), QStringLiteral("a sweep JSON file, or a built-in name"));
    parser.addOptions({
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files"), QStringLiteral("DIR")},
        {QStringLiteral("runs"), QStringLiteral("run store folder"), QStringLiteral("DIR")},
        {QStringLiteral("epochs"), QStringLiteral("override the base's epochs"), QStringLiteral("N")},
        {QStringLiteral("seeds"), QStringLiteral("override the seeds per point"), QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("CPU threads"), QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("print one JSON line per run and the summary")},
        {QStringLiteral("force"), QStringLiteral("run a sweep of more than 1000 runs (at most 100000)")},
        {QStringLiteral("emit"), QStringLiteral("write tasks.txt, sweep.sbatch, parallel.sh, sweep.json, README.md"), QStringLiteral("DIR")},
        {QStringLiteral("cli"), QStringLiteral("--emit: the mnist-lab-cli the tasks run (default: this one)"), QStringLiteral("PATH")},
        {QStringLiteral("max-parallel"), QStringLiteral("--emit: tasks at once (Slurm %K, parallel's default jobs; default 4)"), QStringLiteral("K")},
        {QStringLiteral("task"), QStringLiteral("run only task I (0-based) into --runs"), QStringLiteral("I")},
        {QStringLiteral("collect"), QStringLiteral("summarise the tasks' runs in --runs")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("sweep"), args, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        throw lab::LabError(QStringLiteral("expected one SWEEP (a JSON file or a built-in name)"));
    QString source = parser.positionalArguments().first();
    if (!QFileInfo::exists(source) && QFileInfo::exists(QStringLiteral(":/sweeps/") + source + QStringLiteral(".json")))
        source = QStringLiteral(":/sweeps/") + source + QStringLiteral(".json");
    lab::Sweep sweep = lab::Sweep::fromFile(source);
    if (parser.isSet(QStringLiteral("epochs")))
        sweep.baseConfig.epochs = intOption(parser, QStringLiteral("epochs"), 1, lab::TrainConfig::maxEpochs);
    if (parser.isSet(QStringLiteral("seeds")))
        sweep.seeds = intOption(parser, QStringLiteral("seeds"), 1, 100);
    if (parser.isSet(QStringLiteral("threads")))
        sweep.baseConfig.threads = threadsOption(parser);
    sweep.force = parser.isSet(QStringLiteral("force"));

    const int modes = int(parser.isSet(QStringLiteral("emit"))) + int(parser.isSet(QStringLiteral("task")))
                    + int(parser.isSet(QStringLiteral("collect")));
    if (modes > 1)
        throw lab::LabError(QStringLiteral("--emit, --task and --collect are separate steps: give one of them"));
    if (parser.isSet(QStringLiteral("emit")))
        return emitTasks(sweep, parser);
    if (parser.isSet(QStringLiteral("task")))
        return runTask(sweep, parser);
    if (parser.isSet(QStringLiteral("collect")))
        return collect(sweep, parser);

    lab::SweepRunner runner(sweep, parser.value(QStringLiteral("data")), parser.value(QStringLiteral("runs")));
    lab::RunControl control;
    InterruptGuard guard(&control);
    const bool json = parser.isSet(QStringLiteral("json"));
    SweepPrinter printer(json);
    const QVector<lab::RunRecord> records = runner.run(&printer, &control);
    printSummary(sweep, lab::Sweep::summarize(runner.points(), records, sweep.metric), runner.summaryPath(), json);
    if (control.cancelRequested())
        return 130;
    return records.size() == runner.points().size() ? 0 : 1;
}

} // namespace cli
