// `sweep`: a grid of runs over one or two hyperparameters, with mean ± std per point.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/experiment/sweep.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

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

} // namespace

int sweepCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run a sweep: a base experiment, one or two axes of values, N seeds per point. Each run lands in the\n"
        "run store as usual; a summary goes to <runs>/sweeps/. Built-in sweeps: width, learning-rate."));
    parser.addPositionalArgument(QStringLiteral("SWEEP"), QStringLiteral("a sweep JSON file, or a built-in name"));
    parser.addOptions({
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files"), QStringLiteral("DIR")},
        {QStringLiteral("runs"), QStringLiteral("run store folder"), QStringLiteral("DIR")},
        {QStringLiteral("epochs"), QStringLiteral("override the base's epochs"), QStringLiteral("N")},
        {QStringLiteral("seeds"), QStringLiteral("override the seeds per point"), QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("CPU threads"), QStringLiteral("N")},
        {QStringLiteral("json"), QStringLiteral("print one JSON line per run and the summary")},
        {QStringLiteral("force"), QStringLiteral("run a sweep of more than 1000 runs (at most 100000)")},
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

    lab::SweepRunner runner(sweep, parser.value(QStringLiteral("data")), parser.value(QStringLiteral("runs")));
    lab::RunControl control;
    InterruptGuard guard(&control);
    const bool json = parser.isSet(QStringLiteral("json"));
    SweepPrinter printer(json);
    const QVector<lab::RunRecord> records = runner.run(&printer, &control);
    QTextStream out(stdout);

    const QVector<lab::SweepCell> cells = lab::Sweep::summarize(runner.points(), records, sweep.metric);
    if (json) {
        QJsonArray cellArray;
        for (const lab::SweepCell &c : cells)
            cellArray.append(QJsonObject{{QStringLiteral("axis_values"), QJsonArray::fromStringList(c.axisValues)},
                                         {QStringLiteral("mean"), c.mean}, {QStringLiteral("std"), c.std},
                                         {QStringLiteral("runs"), c.runs}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("summary")},
                                         {QStringLiteral("metric"), sweep.metric},
                                         {QStringLiteral("cells"), cellArray},
                                         {QStringLiteral("summary_file"), runner.summaryPath()}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
    } else {
        QStringList header;
        for (const lab::SweepAxis &a : sweep.axes)
            header << a.parameter;
        out << "| " << header.join(QStringLiteral(" | ")) << " | " << sweep.metric << " (mean ± std) | runs |\n|"
            << QString(QStringLiteral("---|")).repeated(int(header.size()) + 2) << '\n';
        for (const lab::SweepCell &c : cells)
            out << "| " << c.axisValues.join(QStringLiteral(" | ")) << " | " << QString::number(c.mean, 'f', 3) << " ± "
                << QString::number(c.std, 'f', 3) << " | " << c.runs << " |\n";
        out << "\nsummary: " << runner.summaryPath() << '\n';
    }
    if (control.cancelRequested())
        return 130;
    return records.size() == runner.points().size() ? 0 : 1;
}

} // namespace cli
