// `train` and `resume`: run one experiment into the run store.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/preset.h"
#include "core/experiment/runrecord.h"

#include <QJsonDocument>
#include <QTextStream>

namespace cli {

namespace {

using lab::LabError;

void addTrainOptions(QCommandLineParser &p)
{
    p.addOptions({
        {QStringLiteral("preset"), QStringLiteral("start from a built-in experiment (see `presets`)"), QStringLiteral("NAME")},
        {QStringLiteral("layers"), QStringLiteral("MLP widths, e.g. 784-50-50-10"), QStringLiteral("WIDTHS")},
        {QStringLiteral("activation"), QStringLiteral("relu, sigmoid, tanh, leakyrelu or gelu (with --layers)"), QStringLiteral("NAME")},
        {QStringLiteral("spec"), QStringLiteral("network spec JSON file (any layer stack)"), QStringLiteral("FILE")},
        {QStringLiteral("name"), QStringLiteral("model_type recorded for the run"), QStringLiteral("NAME")},
        {QStringLiteral("init"), QStringLiteral("weight init: default, kaiming or xavier"), QStringLiteral("KIND")},
        {QStringLiteral("epochs"), QStringLiteral("number of epochs (1-10000)"), QStringLiteral("N")},
        {QStringLiteral("batch-size"), QStringLiteral("mini-batch size (1-60000)"), QStringLiteral("N")},
        {QStringLiteral("lr"), QStringLiteral("learning rate"), QStringLiteral("X")},
        {QStringLiteral("optimizer"), QStringLiteral("adam, adamw, sgd or rmsprop"), QStringLiteral("NAME")},
        {QStringLiteral("momentum"), QStringLiteral("SGD momentum (default 0.9)"), QStringLiteral("X")},
        {QStringLiteral("nesterov"), QStringLiteral("SGD with Nesterov momentum")},
        {QStringLiteral("weight-decay"), QStringLiteral("weight decay (L2; decoupled for AdamW)"), QStringLiteral("X")},
        {QStringLiteral("label-smoothing"), QStringLiteral("label smoothing, 0-0.5 (training targets (1-X)*one-hot + X/10)"), QStringLiteral("X")},
        {QStringLiteral("weight-average"), QStringLiteral("evaluate and save a moving average of the weights with decay D (0.9-0.99999; 0 = off)"), QStringLiteral("D")},
        {QStringLiteral("schedule"), QStringLiteral("constant, step, cosine or onecycle"), QStringLiteral("NAME")},
        {QStringLiteral("warmup-epochs"), QStringLiteral("linear warm-up epochs"), QStringLiteral("N")},
        {QStringLiteral("augment"), QStringLiteral("random shifts, rotations and scaling of training images")},
        {QStringLiteral("elastic"), QStringLiteral("elastic distortion strength (with --augment; e.g. 34)"), QStringLiteral("ALPHA")},
        {QStringLiteral("clean-final-epochs"), QStringLiteral("train the last N epochs on plain images (with --augment)"), QStringLiteral("N")},
        {QStringLiteral("validation"), QStringLiteral("fraction of the training set held out for validation (0-0.5)"), QStringLiteral("F")},
        {QStringLiteral("keep-best"), QStringLiteral("also save the best epoch's model (best.mnlm)")},
        {QStringLiteral("early-stop"), QStringLiteral("stop after N epochs without improvement"), QStringLiteral("N")},
        {QStringLiteral("max-batches"), QStringLiteral("cap batches per epoch (smoke tests)"), QStringLiteral("N")},
        {QStringLiteral("seed"), QStringLiteral("random seed (default 1)"), QStringLiteral("N")},
        {QStringLiteral("threads"), QStringLiteral("CPU threads (default: all cores)"), QStringLiteral("N")},
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files (else $MNIST_LAB_DATA, else the user data folder)"), QStringLiteral("DIR")},
        {QStringLiteral("runs"), QStringLiteral("run store folder (else $MNIST_LAB_RUNS, else the user data folder)"), QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("print JSON lines (one per epoch, then the record) instead of progress")},
    });
}

lab::RunRequest requestFrom(const QCommandLineParser &p)
{
    lab::RunRequest request;
    if (p.isSet(QStringLiteral("preset"))) {
        const lab::Preset preset = lab::Preset::find(p.value(QStringLiteral("preset")));
        request.spec = preset.spec;
        request.config = preset.config;
    } else {
        request.spec = lab::NetworkSpec::fromShorthand(QStringLiteral("784-50-50-10"), QStringLiteral("relu"));
        request.spec.name = lab::NetworkSpec::defaultName();
    }
    if (p.isSet(QStringLiteral("spec")) && p.isSet(QStringLiteral("layers")))
        throw LabError(QStringLiteral("--spec and --layers both describe the network; give one"));
    if (p.isSet(QStringLiteral("spec"))) {
        const QString name = request.spec.name;
        request.spec = lab::NetworkSpec::fromFile(p.value(QStringLiteral("spec")));
        if (request.spec.name.isEmpty())
            request.spec.name = p.isSet(QStringLiteral("preset")) ? name : lab::NetworkSpec::defaultName();
    } else if (p.isSet(QStringLiteral("layers")) || p.isSet(QStringLiteral("activation"))) {
        QString layers = p.value(QStringLiteral("layers"));
        QString activation = p.value(QStringLiteral("activation"));
        // `--layers ""` (an unset shell variable) must not quietly train the preset's MLP.
        if (p.isSet(QStringLiteral("layers")) && layers.trimmed().isEmpty())
            throw LabError(QStringLiteral("--layers: empty; expected MLP widths such as 784-50-50-10"));
        const QStringList current = request.spec.shorthand().split(u' ');
        if (layers.isEmpty())
            layers = current.value(0);
        if (activation.isEmpty())
            activation = current.value(1, QStringLiteral("relu"));
        if (layers.isEmpty())
            throw LabError(QStringLiteral("--activation: the preset is not a plain MLP; give --layers too"));
        const QString name = request.spec.name;
        request.spec = lab::NetworkSpec::fromShorthand(layers, activation);
        request.spec.name = p.isSet(QStringLiteral("preset")) ? name + QStringLiteral("_custom") : lab::NetworkSpec::defaultName();
    }
    if (p.isSet(QStringLiteral("name")))
        request.spec.name = p.value(QStringLiteral("name"));
    if (p.isSet(QStringLiteral("init")) && !lab::initKindFromName(p.value(QStringLiteral("init")), &request.spec.init))
        throw LabError(QStringLiteral("--init: \"%1\" is unknown (expected default, kaiming or xavier)").arg(p.value(QStringLiteral("init"))));

    lab::TrainConfig &c = request.config;
    if (p.isSet(QStringLiteral("epochs")))
        c.epochs = intOption(p, QStringLiteral("epochs"), 1, lab::TrainConfig::maxEpochs);
    if (p.isSet(QStringLiteral("batch-size")))
        c.batchSize = intOption(p, QStringLiteral("batch-size"), 1, lab::TrainConfig::maxBatchSize);
    if (p.isSet(QStringLiteral("lr")))
        c.learningRate = doubleOption(p, QStringLiteral("lr"));
    if (p.isSet(QStringLiteral("optimizer")) && !lab::TrainConfig::optimizerFromName(p.value(QStringLiteral("optimizer")), &c.optimizer))
        throw LabError(QStringLiteral("--optimizer: \"%1\" is unknown (expected adam, adamw, sgd or rmsprop)").arg(p.value(QStringLiteral("optimizer"))));
    if (p.isSet(QStringLiteral("momentum")))
        c.momentum = doubleOption(p, QStringLiteral("momentum"));
    if (p.isSet(QStringLiteral("nesterov")))
        c.nesterov = true;
    if (p.isSet(QStringLiteral("weight-decay")))
        c.weightDecay = doubleOption(p, QStringLiteral("weight-decay"));
    if (p.isSet(QStringLiteral("label-smoothing")))
        c.labelSmoothing = doubleOption(p, QStringLiteral("label-smoothing"));
    if (p.isSet(QStringLiteral("weight-average")))
        c.weightAverageDecay = doubleOption(p, QStringLiteral("weight-average"));
    if (p.isSet(QStringLiteral("schedule")) && !lab::TrainConfig::scheduleFromName(p.value(QStringLiteral("schedule")), &c.schedule))
        throw LabError(QStringLiteral("--schedule: \"%1\" is unknown (expected constant, step, cosine or onecycle)").arg(p.value(QStringLiteral("schedule"))));
    if (p.isSet(QStringLiteral("warmup-epochs")))
        c.warmupEpochs = intOption(p, QStringLiteral("warmup-epochs"), 0, lab::TrainConfig::maxEpochs);
    if (p.isSet(QStringLiteral("augment")))
        c.augment.enabled = true;
    if (p.isSet(QStringLiteral("elastic"))) {
        c.augment.enabled = true;
        c.augment.elasticAlpha = doubleOption(p, QStringLiteral("elastic"));
    }
    if (p.isSet(QStringLiteral("clean-final-epochs"))) {
        c.augment.cleanFinalEpochs = intOption(p, QStringLiteral("clean-final-epochs"), 0, lab::TrainConfig::maxEpochs);
        if (!c.augment.enabled)   // else the option would do nothing, silently
            throw LabError(QStringLiteral("--clean-final-epochs: this run does not augment its images; add --augment"));
    }
    if (p.isSet(QStringLiteral("validation")))
        c.validationFraction = doubleOption(p, QStringLiteral("validation"));
    if (p.isSet(QStringLiteral("keep-best")))
        c.keepBestModel = true;
    if (p.isSet(QStringLiteral("early-stop")))
        c.earlyStoppingPatience = intOption(p, QStringLiteral("early-stop"), 0, lab::TrainConfig::maxEpochs);
    if (p.isSet(QStringLiteral("max-batches")))
        c.maxBatchesPerEpoch = intOption(p, QStringLiteral("max-batches"), 0, 1 << 30);
    if (p.isSet(QStringLiteral("seed")))
        c.seed = quint64(intOption(p, QStringLiteral("seed"), 0, std::numeric_limits<int>::max()));
    if (p.isSet(QStringLiteral("threads")))
        c.threads = threadsOption(p);
    request.dataFolder = p.value(QStringLiteral("data"));
    request.runsFolder = p.value(QStringLiteral("runs"));
    return request;
}

int report(const lab::RunRecord &record, bool json)
{
    QTextStream out(stdout);
    if (json) {
        QJsonObject line = record.toJson();
        line.insert(QStringLiteral("event"), QStringLiteral("ended"));
        line.insert(QStringLiteral("folder"), record.folder);
        line.remove(QStringLiteral("batch_losses"));
        out << QJsonDocument(line).toJson(QJsonDocument::Compact) << '\n';
    } else {
        out << record.folder << '\n';
    }
    return exitCodeFor(record);
}

} // namespace

int trainCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Train a network on MNIST and save the run (record.json + model.mnlm).\n"
                                                    "Flags override the preset's values."));
    addTrainOptions(parser);
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("train"), args, &exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        throw LabError(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    lab::ExperimentRunner runner(requestFrom(parser));
    runner.prepare();   // bad input fails here, before a run folder exists
    lab::RunControl control;
    InterruptGuard guard(&control);
    ProgressPrinter printer(parser.isSet(QStringLiteral("json")));
    return report(runner.run(&printer, &control), parser.isSet(QStringLiteral("json")));
}

int resumeCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Continue an interrupted or stopped run from its checkpoint."));
    parser.addPositionalArgument(QStringLiteral("RUN_FOLDER"), QStringLiteral("the run's folder"));
    parser.addOptions({
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files"), QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("print JSON lines")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("resume"), args, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        throw LabError(QStringLiteral("expected exactly one RUN_FOLDER"));
    lab::RunControl control;
    InterruptGuard guard(&control);
    ProgressPrinter printer(parser.isSet(QStringLiteral("json")));
    const lab::RunRecord record = lab::ExperimentRunner::resume(parser.positionalArguments().first(),
                                                                parser.value(QStringLiteral("data")), &printer, &control);
    return report(record, parser.isSet(QStringLiteral("json")));
}

} // namespace cli
