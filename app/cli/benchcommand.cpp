// `bench`: one epoch of each blog configuration, optionally beside the PyTorch peer.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/experiment/environmentinfo.h"
#include "core/experiment/preset.h"
#include "core/model/networkspec.h"
#include "core/model/shapeinference.h"
#include "core/train/torchthreads.h"
#include "core/train/trainer.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTextStream>
#include <algorithm>
#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace cli {

namespace {

struct BenchCase
{
    const char *layers;
    const char *activation;
    int batchSize;
    int maxBatches;   ///< timed batches; the epoch time is scaled from them (0 = whole epoch)
    const char *presets;
};

// Every distinct (design, batch) of the blog's table. The slow ones are timed on a
// fraction of an epoch and scaled: the per-batch cost is steady after the first few.
const BenchCase cases[] = {
    {"784-50-50-10", "relu", 50, 0, "2_HL_NN_v1..v6"},
    {"784-50-50-10", "relu", 1000, 0, "2_HL_NN_v7"},
    {"784-50-50-10", "relu", 1, 6000, "2_HL_NN_v8"},
    {"784-50-10", "relu", 50, 0, "1_HL_NN_v1"},
    {"784-50-50-50-10", "relu", 50, 0, "3_HL_NN_v1"},
    {"784-50-50-50-10", "sigmoid", 50, 0, "3_HL_NN_v2"},
    {"784-10-10-10-10", "relu", 50, 0, "3_HL_NN_v3"},
    {"784-100-100-100-10", "relu", 50, 0, "3_HL_NN_v4"},
    {"784-1000-1000-1000-10", "relu", 50, 240, "3_HL_NN_v5"},
};

double peakRssMb()
{
#ifdef Q_OS_UNIX
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0;   // kilobytes on Linux
#else
    return -1;
#endif
}

/** Runs the peer script for the same case; returns its scaled epoch seconds or -1. */
double runPeer(const QString &script, const QString &dataFolder, const BenchCase &c, int threads, QString *error)
{
    QProcess peer;
    peer.setProcessChannelMode(QProcess::SeparateChannels);
    QStringList args{script, QStringLiteral("--data"), dataFolder, QStringLiteral("--layers"), QString::fromLatin1(c.layers),
                     QStringLiteral("--activation"), QString::fromLatin1(c.activation), QStringLiteral("--epochs"), QStringLiteral("1"),
                     QStringLiteral("--batch-size"), QString::number(c.batchSize), QStringLiteral("--lr"), QStringLiteral("1e-3"),
                     QStringLiteral("--threads"), QString::number(threads)};
    if (c.maxBatches > 0)
        args << QStringLiteral("--max-batches") << QString::number(c.maxBatches);
    peer.start(QStringLiteral("/usr/bin/python3"), args);
    if (!peer.waitForFinished(3600 * 1000) || peer.exitCode() != 0) {
        *error = QString::fromLocal8Bit(peer.readAllStandardError()).trimmed().section(u'\n', -1);
        return -1;
    }
    for (const QByteArray &line : peer.readAllStandardOutput().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QStringLiteral("epoch_seconds")))
            return o.value(QStringLiteral("epoch_seconds")).toDouble();
    }
    *error = QStringLiteral("no epoch_seconds in the peer's output");
    return -1;
}

/**
 * `bench --augmentation`: the cost of on-the-fly augmentation for the presets that use it,
 * as the same batches timed with and without it (issue: it must not dominate an epoch).
 */
int augmentationBench(const std::shared_ptr<const lab::Dataset> &data, int threads, QTextStream &out)
{
    out << "| preset | batch | timed batches | ms/batch without | ms/batch with | augmentation share of a batch |\n"
           "|---|---|---|---|---|---|\n";
    const struct { const char *preset; int batches; } augmented[] = {{"MLP_99", 200}, {"CNN_99.5", 60}, {"quick-99.5", 100}};
    for (const auto &a : augmented) {
        const lab::Preset preset = lab::Preset::find(QString::fromLatin1(a.preset));
        double msPerBatch[2] = {0, 0};
        for (int withAugmentation = 0; withAugmentation < 2; ++withAugmentation) {
            lab::TrainConfig config = preset.config;
            config.epochs = 1;
            config.threads = threads;
            config.maxBatchesPerEpoch = a.batches;
            config.diagnostics = false;
            config.augment.enabled = withAugmentation == 1;
            lab::Trainer trainer(preset.spec, config, data);
            const lab::TrainHistory record = trainer.run(nullptr, nullptr);
            msPerBatch[withAugmentation] = 1000.0 * record.trainSeconds / a.batches;
        }
        const double share = (msPerBatch[1] - msPerBatch[0]) / msPerBatch[1];
        out << "| " << a.preset << " | " << preset.config.batchSize << " | " << a.batches << " | "
            << QString::number(msPerBatch[0], 'f', 2) << " | " << QString::number(msPerBatch[1], 'f', 2) << " | "
            << QString::number(100.0 * share, 'f', 1) << "% |\n";
        out.flush();
    }
    return 0;
}

// What the peer (bench/pytorch_fast99.py) printed last: seconds_to_target, train_seconds, ...
QJsonObject runFast99Peer(const QString &script, const QString &dataFolder, int threads, quint64 seed, QString *error)
{
    QProcess peer;
    peer.setProcessChannelMode(QProcess::SeparateChannels);
    peer.start(QStringLiteral("/usr/bin/python3"),
               {script, QStringLiteral("--data"), dataFolder, QStringLiteral("--threads"), QString::number(threads),
                QStringLiteral("--seed"), QString::number(seed), QStringLiteral("--target"), QStringLiteral("99")});
    if (!peer.waitForFinished(3600 * 1000) || peer.exitCode() != 0) {
        *error = QString::fromLocal8Bit(peer.readAllStandardError()).trimmed().section(u'\n', -1);
        return {};
    }
    QJsonObject last;
    for (const QByteArray &line : peer.readAllStandardOutput().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QStringLiteral("seconds_to_target")))
            last = o;
    }
    if (last.isEmpty())
        *error = QStringLiteral("no seconds_to_target in the peer's output");
    return last;
}

double median(QVector<double> values)
{
    values.removeIf([](double v) { return v < 0; });
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

QString seconds(double s)
{
    return s < 0 ? QStringLiteral("never") : QString::number(s, 'f', 2);
}

// The peer's own network (bench/pytorch_fast99.py), layer for layer.
lab::NetworkSpec fast99PeerNetwork()
{
    static const char json[] = R"({"input": [1, 28, 28], "layers": [
        {"type": "Conv2d", "units": 24, "kernel": 5}, {"type": "MaxPool2d", "kernel": 2}, {"type": "ReLU"},
        {"type": "Conv2d", "units": 32, "kernel": 3}, {"type": "MaxPool2d", "kernel": 2}, {"type": "ReLU"},
        {"type": "Flatten"}, {"type": "Linear", "units": 256}, {"type": "ReLU"}, {"type": "Linear", "units": 10}]})";
    return lab::NetworkSpec::fromJson(QJsonDocument::fromJson(json).object(), QStringLiteral("the fast-99 peer's network"));
}

/**
 * `bench --time-to-accuracy`: the quick-99 preset and the fast-99 peer, alternating, one
 * seed each in turn, same threads. The lab's time counts from loading the data (as the
 * peer's does) to the end of the first test evaluation at >= 99%. Each round also trains one
 * epoch of the peer's very network in the lab (same layers, batch, optimiser and threads),
 * for the per-epoch comparison and the time of one pass over the 10,000 test images.
 */
int timeToAccuracyBench(const QString &dataFolder, const QString &peer, int threads, int seeds, QTextStream &out)
{
    const lab::Preset preset = lab::Preset::find(QStringLiteral("quick-99"));
    const lab::NetworkSpec peerNet = fast99PeerNetwork();
    out << "Date: " << QDateTime::currentDateTime().toString(Qt::ISODate) << "  \nCPU: " << lab::EnvironmentInfo::cpuModel()
        << ", " << threads << " threads  \nlibtorch " << lab::EnvironmentInfo::torchVersion()
        << "\n\n| seed | quick-99 wall s to 99% | quick-99 test % | peer s to 99% | peer test % | peer ÷ lab "
           "| peer's net in the lab: s/epoch | test pass s | peer s/epoch | peer ÷ lab |\n"
           "|---|---|---|---|---|---|---|---|---|---|\n";
    out.flush();
    QVector<double> labWall, peerWall, labEpoch, peerEpoch, labTestPass;
    for (int seed = 1; seed <= seeds; ++seed) {
        // The lab: a fresh load each time, as a new `train --preset quick-99` would do.
        lab::TrainConfig config = preset.config;
        config.seed = quint64(seed);
        config.threads = threads;
        const auto data = lab::Dataset::load(dataFolder);
        const lab::TrainHistory run = lab::Trainer(preset.spec, config, data).run(nullptr, nullptr);
        if (run.status != lab::RunStatus::Finished)
            throw lab::LabError(QStringLiteral("quick-99, seed %1: %2").arg(seed).arg(run.statusDetail));
        labWall << run.wallSecondsTo99;

        QString error;
        const QJsonObject p = peer.isEmpty() ? QJsonObject() : runFast99Peer(peer, dataFolder, threads, quint64(seed), &error);
        const double pWall = p.value(QStringLiteral("seconds_to_target")).toDouble(-1);
        const double pEpoch = p.isEmpty() ? -1
                                          : p.value(QStringLiteral("train_seconds")).toDouble()
                                                / std::max(1, p.value(QStringLiteral("epochs")).toInt());
        peerWall << pWall;
        peerEpoch << pEpoch;

        // One epoch of the peer's network with the peer's settings (quick-99 may be a cheaper net).
        lab::TrainConfig peerConfig = config;
        peerConfig.epochs = 1;
        // The same data: only its epoch and test-pass times are read, neither counts the load.
        const lab::TrainHistory same = lab::Trainer(peerNet, peerConfig, data).run(nullptr, nullptr);
        const double sameEpoch = same.epochs.isEmpty() ? -1 : same.epochs.first().seconds;
        const double testPass = same.epochs.isEmpty() ? -1 : same.epochs.first().testEvalSeconds;
        labEpoch << sameEpoch;
        labTestPass << testPass;

        const auto ratio = [](double peerValue, double labValue) {
            return peerValue > 0 && labValue > 0 ? QString::number(peerValue / labValue, 'f', 2) + u'×' : QStringLiteral("—");
        };
        out << "| " << seed << " | " << seconds(run.wallSecondsTo99) << " | " << QString::number(run.testAccuracy, 'f', 2) << " | "
            << (p.isEmpty() ? (peer.isEmpty() ? QStringLiteral("—") : QStringLiteral("failed: ") + error) : seconds(pWall))
            << " | " << (p.isEmpty() ? QStringLiteral("—") : QString::number(p.value(QStringLiteral("test_accuracy")).toDouble(), 'f', 2))
            << " | " << ratio(pWall, run.wallSecondsTo99) << " | " << seconds(sameEpoch) << " | " << QString::number(testPass, 'f', 3)
            << " | " << (pEpoch > 0 ? seconds(pEpoch) : QStringLiteral("—")) << " | " << ratio(pEpoch, sameEpoch) << " |\n";
        out.flush();
    }
    const double mLab = median(labWall), mPeer = median(peerWall), mLabEpoch = median(labEpoch), mPeerEpoch = median(peerEpoch);
    out << "\nMedian wall seconds to 99%: quick-99 " << seconds(mLab) << ", peer " << seconds(mPeer);
    if (mLab > 0 && mPeer > 0)
        out << " — peer ÷ lab " << QString::number(mPeer / mLab, 'f', 2) << u'×';
    out << "\nMedian seconds per epoch of the peer's network: lab " << seconds(mLabEpoch) << ", peer " << seconds(mPeerEpoch);
    if (mLabEpoch > 0 && mPeerEpoch > 0)
        out << " — peer ÷ lab " << QString::number(mPeerEpoch / mLabEpoch, 'f', 2) << u'×';
    out << "\nMedian lab pass over the 10,000 test images with the peer's network: " << seconds(median(labTestPass)) << " s\n";
    return 0;
}

} // namespace

int benchCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Time one epoch of each blog configuration (Adam, lr 1e-3). Long cases are timed on part of an epoch\n"
        "and scaled. With --peer, runs the PyTorch peer script on the same case right after ours."));
    parser.addOptions({
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files"), QStringLiteral("DIR")},
        {QStringLiteral("threads"), QStringLiteral("CPU threads for both (default: all cores)"), QStringLiteral("N")},
        {QStringLiteral("peer"), QStringLiteral("path of bench/pytorch_peer.py to compare with"), QStringLiteral("SCRIPT")},
        {QStringLiteral("only"), QStringLiteral("run only cases whose layers contain TEXT"), QStringLiteral("TEXT")},
        {QStringLiteral("json"), QStringLiteral("print JSON lines instead of a Markdown table")},
        {QStringLiteral("augmentation"), QStringLiteral("time the augmenting presets' batches with and without augmentation")},
        {QStringLiteral("time-to-accuracy"), QStringLiteral("wall seconds to 99% of the quick-99 preset, beside --peer (bench/pytorch_fast99.py)")},
        {QStringLiteral("seeds"), QStringLiteral("with --time-to-accuracy: seeds 1..N for each (default 3)"), QStringLiteral("N")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("bench"), args, &exitCode))
        return exitCode;
    lab::TrainConfig threadChoice;   // no --threads: all cores, as for a run
    threadChoice.threads = parser.isSet(QStringLiteral("threads")) ? intOption(parser, QStringLiteral("threads"), 1, 1024) : 0;
    const int threads = lab::TorchThreads::apply(threadChoice.effectiveThreads());
    const QString dataFolder = lab::DataLocator::dataFolder(parser.value(QStringLiteral("data")));
    const auto data = lab::Dataset::load(dataFolder);
    const QString peer = parser.value(QStringLiteral("peer"));
    const bool json = parser.isSet(QStringLiteral("json"));

    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("augmentation")))
        return augmentationBench(data, threads, out);
    if (parser.isSet(QStringLiteral("time-to-accuracy")))
        return timeToAccuracyBench(dataFolder, peer, threads,
                                   parser.isSet(QStringLiteral("seeds")) ? intOption(parser, QStringLiteral("seeds"), 1, 100) : 3, out);
    if (!json) {
        out << "Date: " << QDateTime::currentDateTime().toString(Qt::ISODate) << "  \nCPU: " << lab::EnvironmentInfo::cpuModel()
            << ", " << threads << " threads  \nBLAS: " << lab::EnvironmentInfo::blasDescription() << "  \nlibtorch "
            << lab::EnvironmentInfo::torchVersion() << "; data load + normalise: " << QString::number(data->loadSeconds, 'f', 3)
            << " s\n\n| layers | act. | batch | timed batches | lab s/epoch | peer s/epoch | peer ÷ lab | blog runs |\n"
               "|---|---|---|---|---|---|---|---|\n";
        out.flush();
    }
    for (const BenchCase &c : cases) {
        if (parser.isSet(QStringLiteral("only")) && !QString::fromLatin1(c.layers).contains(parser.value(QStringLiteral("only"))))
            continue;
        lab::NetworkSpec spec = lab::NetworkSpec::fromShorthand(QString::fromLatin1(c.layers), QString::fromLatin1(c.activation));
        spec.name = QStringLiteral("bench");
        lab::TrainConfig config;
        config.epochs = 1;
        config.batchSize = c.batchSize;
        config.learningRate = 1e-3;
        config.threads = threads;
        config.maxBatchesPerEpoch = c.maxBatches;
        config.diagnostics = false;
        lab::Trainer trainer(spec, config, data);
        const lab::TrainHistory record = trainer.run(nullptr, nullptr);
        const int fullBatches = (data->train.count + c.batchSize - 1) / c.batchSize;
        const int timed = c.maxBatches > 0 ? std::min(c.maxBatches, fullBatches) : fullBatches;
        const double labSeconds = record.trainSeconds * fullBatches / timed;
        QString peerError;
        const double peerSeconds = peer.isEmpty() ? -1 : runPeer(peer, dataFolder, c, threads, &peerError);
        if (json) {
            out << QJsonDocument(QJsonObject{{QStringLiteral("layers"), QString::fromLatin1(c.layers)},
                                             {QStringLiteral("activation"), QString::fromLatin1(c.activation)},
                                             {QStringLiteral("batch_size"), c.batchSize},
                                             {QStringLiteral("timed_batches"), timed},
                                             {QStringLiteral("lab_epoch_seconds"), labSeconds},
                                             {QStringLiteral("peer_epoch_seconds"), peerSeconds},
                                             {QStringLiteral("threads"), threads}})
                       .toJson(QJsonDocument::Compact)
                << '\n';
        } else {
            out << "| " << c.layers << " | " << c.activation << " | " << c.batchSize << " | " << timed << " | "
                << QString::number(labSeconds, 'f', 3) << " | "
                << (peerSeconds > 0 ? QString::number(peerSeconds, 'f', 3) : (peer.isEmpty() ? QStringLiteral("—") : QStringLiteral("failed: ") + peerError))
                << " | " << (peerSeconds > 0 ? QString::number(peerSeconds / labSeconds, 'f', 2) + u'×' : QStringLiteral("—"))
                << " | " << c.presets << " |\n";
        }
        out.flush();
    }
    if (!json)
        out << "\nPeak resident memory of this process (data set + the largest model's training): "
            << QString::number(peakRssMb(), 'f', 0) << " MB\n";
    return 0;
}

} // namespace cli
