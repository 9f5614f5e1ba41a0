#include "core/train/trainer.h"

#include "core/common/laberror.h"
#include "core/common/memoryreuse.h"
#include "core/model/networkbuilder_p.h"
#include "core/model/shapeinference.h"
#include "core/train/augmentation_p.h"
#include "core/train/diagnostics_p.h"
#include "core/train/lrschedule.h"
#include "core/train/optimizer_p.h"
#include "core/train/weightaverage_p.h"
#include "core/train/runcontrol.h"
#include "core/train/plainmlp_p.h"
#include "core/train/torchthreads.h"
#include "core/train/trainobserver.h"

#include <QElapsedTimer>
#include <cmath>
#include <optional>
#include <sstream>

namespace lab {

namespace {

constexpr int maxBatchLossPoints = 20000;
constexpr int probeCount = 1000;
constexpr int gradientSamplesPerEpoch = 100;
// Training allocates weights, gradients, optimiser state and activations; refuse designs
// that cannot fit before any of it is allocated.
constexpr qint64 maxTrainingBytes = qint64(16) * 1024 * 1024 * 1024;

// Each epoch's randomness (shuffle, dropout, augmentation) comes from (seed, epoch)
// alone, so a resumed run draws exactly what the uninterrupted run would have.
quint64 epochSeed(quint64 seed, int epoch)
{
    quint64 x = seed * 0x9E3779B97F4A7C15ull + quint64(epoch) * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    return x & 0x7FFFFFFFFFFFFFFFull;
}

// Float images for the given indices of `set` (all of it, in order, when `indices` is
// undefined), normalised as they are drawn; `buffer` is reused when it is large enough,
// because fresh memory costs page faults on every batch.
// The buffer has the layout `network` computes fastest with (channels-last for convolutions;
// with one channel the bytes are the same either way).
torch::Tensor normalizedImages(const ImageSet &set, const torch::Tensor &indices, int64_t first, int64_t n,
                               Normalization norm, const BuiltNetwork &network, torch::Tensor &buffer)
{
    if (!buffer.defined() || buffer.size(0) < n)
        buffer = network.emptyInput(n, 1, set.rows, set.cols);
    torch::Tensor images = buffer.size(0) == n ? buffer : buffer.narrow(0, 0, n);
    if (indices.defined())
        Dataset::normalizeImages(set, indices.data_ptr<int64_t>() + first, n, norm, images.data_ptr<float>());
    else
        Dataset::normalizeRange(set, first, n, norm, images.data_ptr<float>());
    return images;
}

torch::Tensor labelsTensor(const ImageSet &set)
{
    return torch::from_blob(const_cast<std::int64_t *>(set.labels.data()), {set.count}, torch::kLong);
}

struct EvalResult
{
    double loss = 0;
    double accuracy = 0;
    ConfusionMatrix confusion;
    std::shared_ptr<std::vector<float>> probabilities;
};

// What stays the same for every epoch of one run() call.
struct RunPlan
{
    int64_t trainCount = 0;
    int batchSize = 0;
    int batchesPerEpoch = 0;
    int gradientEvery = 1;   // sample gradient norms every n-th batch (diagnostics)
    std::unique_ptr<LrSchedule> schedule;
    // A plain MLP: passes without autograd's per-step bookkeeping (see plainmlp_p.h).
    std::unique_ptr<PlainMlpPasses> handPasses;
};

// One epoch in progress: its seeded order and randomness, and what its batches added up.
struct EpochState
{
    int epoch = 0;
    at::Generator generator;
    torch::Tensor index;   // this epoch's images as indices into the data set, in order
    torch::Tensor y;       // and their labels
    double lossSum = 0;
    int batchesDone = 0;
    int64_t correct = 0;   // the training batches' own predictions (before each step)
    int64_t seen = 0;
    std::vector<double> gradientSums;
    int gradientSamples = 0;
    double lr = 0;
    QElapsedTimer timer;
    qint64 pausedNs = 0;

    // Training time so far, without the time spent paused.
    double seconds() const { return double(timer.nsecsElapsed() - pausedNs) / 1e9; }
};

// How a run ended before its last epoch, when it did.
struct Ending
{
    RunStatus status;
    QString detail;
};

// Thrown out of an evaluation when the run is cancelled meanwhile.
struct EvaluationCancelled
{
};

} // namespace

struct Trainer::Impl
{
    NetworkSpec spec;
    TrainConfig config;
    std::shared_ptr<const Dataset> data;
    BuiltNetwork network;
    std::unique_ptr<Optimizer> optimizer;
    std::unique_ptr<WeightAverage> average;   // only with config.weightAverageDecay > 0
    // The images the trainer trains on are indices into data->train (all of them, or what
    // the validation split leaves); labels are tensors in the same order.
    torch::Tensor trainIndex, trainY, valIndex, valY, testY, probeX;
    // Reused float buffers for one batch and one evaluation chunk: fresh memory per batch
    // costs page faults (~0.8 s per 188 MB on this VM).
    torch::Tensor batchX, evalX;
    int64_t evalChunk = 0;   // images per evaluation forward pass
    TrainHistory history;
    QByteArray bestWeights;
    double bestScore = -1;
    int epochsWithoutImprovement = 0;
    double learningRateBase = 0;
    RunControl *control = nullptr;   // run()'s, also asked between evaluation chunks
    // Wall clock for wall_seconds_to_*: data loading (just before the trainer was made)
    // plus everything since, pauses excepted.
    QElapsedTimer wallClock;
    double wallBeforeTrainer = 0;
    qint64 pausedNsTotal = 0;
    // When the latest epoch's test accuracy was known: the time to a target accuracy ends
    // there, not after the diagnostics that follow it.
    double wallAtTestEvaluation = 0;

    // The steps of run(), in the order they happen.
    void begin(TrainObserver *observer);
    RunPlan plan() const;
    std::optional<Ending> runEpoch(int epoch, const RunPlan &plan, TrainObserver *observer, RunControl *control);
    EpochState startEpoch(int epoch) const;
    /** The epoch's batches; the divergence message when the loss stopped being finite. */
    std::optional<QString> trainBatches(EpochState &e, const RunPlan &plan, TrainObserver *observer, RunControl *control);
    /** Pause, cancel and learning-rate requests; false when the epoch must stop. */
    bool takeRequests(EpochState &e, RunControl &control);
    /** One optimiser step on images start..start+len of the epoch; its loss (no step when not finite). */
    double trainStep(EpochState &e, const RunPlan &plan, int64_t start, int64_t len, bool sampleGradients);
    EpochMetrics evaluateEpoch(const EpochState &e, double seconds);
    void recordEpoch(const EpochMetrics &m);
    /** After the last epoch, when epochs counted only their batches: the whole training set once. */
    void finalTrainPass();
    double wallSeconds() const { return wallBeforeTrainer + double(wallClock.nsecsElapsed() - pausedNsTotal) / 1e9; }
    std::optional<Ending> checkEarlyStop(int epoch) const;
    TrainHistory finish(RunStatus status, const QString &detail);

    /** Loss, accuracy and confusion over `set`'s images `indices` (all when undefined), labelled `y`. */
    EvalResult evaluate(const ImageSet &set, const torch::Tensor &indices, const torch::Tensor &y, bool keepProbabilities);
    void restoreFromArchive(torch::serialize::InputArchive &archive);
    void appendBatchLoss(double loss);
    ModelFile modelFile(const QByteArray &weights) const;
};

EvalResult Trainer::Impl::evaluate(const ImageSet &set, const torch::Tensor &indices, const torch::Tensor &y,
                                   bool keepProbabilities)
{
    // Inference mode: no autograd records at all (cheaper than no-grad), in chunks that keep
    // a convolution's intermediate maps in cache.
    c10::InferenceMode inference;
    network.net->eval();
    EvalResult result;
    const int64_t n = y.size(0);
    if (keepProbabilities)
        result.probabilities = std::make_shared<std::vector<float>>(size_t(n) * 10);
    double lossSum = 0;
    int64_t correct = 0;
    const int64_t chunk = evalChunk;
    for (int64_t start = 0; start < n; start += chunk) {
        // Ctrl+C is honoured here too: evaluating a large design takes seconds, and a
        // request seen only at the next batch was seen far too late.
        if (control && control->cancelRequested()) {
            network.net->train();
            throw EvaluationCancelled{};
        }
        const int64_t len = std::min<int64_t>(chunk, n - start);
        const torch::Tensor logits = network.run(normalizedImages(set, indices, start, len, data->norm, network, evalX));
        const torch::Tensor labels = y.narrow(0, start, len);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        const torch::Tensor predicted = logits.argmax(1).contiguous();
        const int64_t *pred = predicted.data_ptr<int64_t>();
        const torch::Tensor labelsContiguous = labels.contiguous();
        const int64_t *truth = labelsContiguous.data_ptr<int64_t>();
        for (int64_t i = 0; i < len; ++i) {
            result.confusion.add(int(truth[i]), int(pred[i]));
            correct += pred[i] == truth[i];
        }
        if (keepProbabilities) {
            const torch::Tensor probs = torch::softmax(logits, 1).contiguous();
            std::copy(probs.data_ptr<float>(), probs.data_ptr<float>() + len * 10,
                      result.probabilities->begin() + start * 10);
        }
    }
    network.net->train();
    result.loss = n ? lossSum / double(n) : 0.0;
    result.accuracy = n ? 100.0 * double(correct) / double(n) : 0.0;
    return result;
}

void Trainer::Impl::appendBatchLoss(double loss)
{
    // Keep every stride-th step's loss; when full, halve the resolution.
    const qint64 step = optimizer->steps();
    if ((step - 1) % history.batchLossStride != 0)
        return;
    history.batchLosses.append(loss);
    if (history.batchLosses.size() >= maxBatchLossPoints) {
        QVector<double> thinned;
        thinned.reserve(history.batchLosses.size() / 2 + 1);
        for (qsizetype i = 0; i < history.batchLosses.size(); i += 2)
            thinned.append(history.batchLosses[i]);
        history.batchLosses = thinned;
        history.batchLossStride *= 2;
    }
}

ModelFile Trainer::Impl::modelFile(const QByteArray &weights) const
{
    ModelFile model;
    model.spec = spec;
    model.norm = data->norm;
    model.weights = weights;
    model.summary = QJsonObject{
        {QStringLiteral("model_type"), spec.name.isEmpty() ? NetworkSpec::defaultName() : spec.name},
        {QStringLiteral("test_accuracy"), history.testAccuracy},
        {QStringLiteral("train_accuracy"), history.trainAccuracy},
        {QStringLiteral("epochs"), history.completedEpochs()},
        {QStringLiteral("batch_size"), config.batchSize},
        {QStringLiteral("learning_rate"), config.learningRate},
        {QStringLiteral("optimizer"), TrainConfig::optimizerName(config.optimizer)},
        {QStringLiteral("seed"), QString::number(config.seed)},
        {QStringLiteral("parameters"), history.parameters},
    };
    return model;
}

Trainer::Trainer(const NetworkSpec &spec, const TrainConfig &config, std::shared_ptr<const Dataset> data)
    : d(std::make_unique<Impl>())
{
    config.ensureValid(QStringLiteral("training configuration"));
    if (!data || data->train.count == 0 || data->test.count == 0)
        throw LabError(QStringLiteral("training data: no images loaded"));
    // The run's one shape check: everything below (building, evaluation chunks) reuses it.
    const ShapeReport shapes = ShapeReport::infer(spec);
    const QString network = spec.name.isEmpty() ? QStringLiteral("network") : QStringLiteral("network ") + spec.name;
    if (!shapes.ok())
        throw LabError(network + QStringLiteral(": ") + shapes.error);
    const qint64 bytes = shapes.trainingBytes(config.batchSize);
    if (bytes > maxTrainingBytes)
        throw LabError(QStringLiteral("%1: training it at batch %2 needs about %3 GB of memory (limit %4 GB); "
                                      "make the layers narrower or the batch smaller")
                           .arg(network).arg(config.batchSize).arg(double(bytes) / 1e9, 0, 'f', 1)
                           .arg(double(maxTrainingBytes) / 1e9, 0, 'f', 1));
    if (spec.inputHeight != data->train.rows || spec.inputWidth != data->train.cols || spec.inputChannels != 1)
        throw LabError(QStringLiteral("%1: expects %2×%3×%4 inputs but the data has 1×%5×%6 images")
                           .arg(network).arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth)
                           .arg(data->train.rows).arg(data->train.cols));
    d->spec = spec;
    d->config = config;
    d->data = data;
    d->learningRateBase = config.learningRate;

    // Weights are initialised from the seed too.
    torch::manual_seed(epochSeed(config.seed, 0));
    d->network = NetworkBuilder::build(spec, shapes);
    d->evalChunk = NetworkBuilder::evaluationChunk(spec, shapes);
    NetworkBuilder::useChannelsLast(d->network);   // before the optimiser makes its state alike
    std::vector<torch::Tensor> params;
    for (const torch::Tensor &p : d->network.net->parameters())
        params.push_back(p);
    d->optimizer = std::make_unique<Optimizer>(params, config);
    if (config.weightAverageDecay > 0)
        d->average = std::make_unique<WeightAverage>(*d->network.net, config.weightAverageDecay);

    d->trainY = labelsTensor(data->train);
    d->testY = labelsTensor(data->test);
    if (config.validationFraction > 0) {
        // A fixed, seeded split: the same seed keeps the same images out of training.
        at::Generator splitGenerator = at::detail::createCPUGenerator(epochSeed(config.seed, -1));
        const int64_t n = data->train.count;
        const int64_t valCount = std::max<int64_t>(1, int64_t(std::llround(double(n) * config.validationFraction)));
        // One image and a split of 0.5 left nothing to train on: a division by zero (SIGFPE) later.
        if (n - valCount < 1)
            throw LabError(QStringLiteral("training data: %1 training image(s); a validation split of %2 leaves none "
                                          "to train on (use more images or no --validation)")
                               .arg(n).arg(config.validationFraction));
        const torch::Tensor order = torch::randperm(n, splitGenerator, torch::kLong);
        const torch::Tensor trainIdx = order.narrow(0, 0, n - valCount);
        const torch::Tensor valIdx = order.narrow(0, n - valCount, valCount);
        d->valIndex = valIdx.contiguous();
        d->valY = d->trainY.index_select(0, valIdx);
        d->trainIndex = trainIdx.contiguous();
        d->trainY = d->trainY.index_select(0, trainIdx);
    }
    torch::Tensor probeBuffer;
    d->probeX = normalizedImages(data->train, d->trainIndex, 0, std::min<int64_t>(probeCount, d->trainY.size(0)),
                                 data->norm, d->network, probeBuffer);
    d->wallClock.start();
    d->wallBeforeTrainer = data->loadSeconds;

    d->history.spec = spec;
    d->history.config = config;
    d->history.parameters = shapes.parameters;
}

Trainer::~Trainer() = default;

const TrainHistory &Trainer::history() const
{
    return d->history;
}

void Trainer::restore(const QByteArray &checkpoint, const TrainHistory &history)
{
    try {
        std::istringstream in(std::string(checkpoint.constData(), size_t(checkpoint.size())));
        torch::serialize::InputArchive archive;
        archive.load_from(in);
        d->restoreFromArchive(archive);
    } catch (const c10::Error &e) {
        throw LabError(QStringLiteral("checkpoint: does not match this run's network (%1)")
                           .arg(QString::fromStdString(e.what_without_backtrace()).section(u'\n', 0, 0)));
    }
    // Keep the timings of the interrupted run; its epochs are the ones the checkpoint holds.
    d->history = history;
    d->history.status = RunStatus::Running;
    d->history.statusDetail.clear();
    d->learningRateBase = history.lrChanges.isEmpty() ? d->config.learningRate : history.lrChanges.last().learningRate;
}

void Trainer::Impl::restoreFromArchive(torch::serialize::InputArchive &archive)
{
    torch::serialize::InputArchive modelArchive;
    archive.read("model", modelArchive);
    network.net->load(modelArchive);
    if (network.channelsLast)
        NetworkBuilder::useChannelsLast(network);   // load() adopts the stored tensors' layout
    optimizer->load(archive);
    if (average)
        average->load(archive);
    torch::Tensor best;
    if (archive.try_read("best.score", best)) {
        bestScore = best.item<double>();
        torch::Tensor patience;
        archive.read("best.patience", patience);
        epochsWithoutImprovement = int(patience.item<int64_t>());
        torch::Tensor weights;
        if (archive.try_read("best.weights", weights))
            bestWeights = QByteArray(reinterpret_cast<const char *>(weights.data_ptr<uint8_t>()), weights.numel());
    }
}

QByteArray Trainer::checkpoint() const
{
    torch::serialize::OutputArchive archive;
    torch::serialize::OutputArchive modelArchive;
    d->network.net->save(modelArchive);
    archive.write("model", modelArchive);
    d->optimizer->save(archive);
    if (d->average)
        d->average->save(archive);
    archive.write("best.score", torch::tensor(d->bestScore, torch::kDouble));
    archive.write("best.patience", torch::tensor(int64_t(d->epochsWithoutImprovement), torch::kLong));
    if (!d->bestWeights.isEmpty()) {
        const torch::Tensor bytes = torch::from_blob(const_cast<char *>(d->bestWeights.constData()),
                                                     {d->bestWeights.size()}, torch::kUInt8).clone();
        archive.write("best.weights", bytes, /*is_buffer=*/true);
    }
    std::ostringstream out;
    archive.save_to(out);
    const std::string bytes = out.str();
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

ModelFile Trainer::model() const
{
    const AveragedWeightsIn averaged(d->average.get());
    return d->modelFile(NetworkBuilder::saveWeights(*d->network.net));
}

ModelFile Trainer::bestModel() const
{
    if (d->bestWeights.isEmpty())
        return model();
    ModelFile best = d->modelFile(d->bestWeights);
    best.summary.insert(QStringLiteral("epoch"), d->history.bestEpoch);
    best.summary.insert(QStringLiteral("test_accuracy"), d->history.bestTestAccuracy);
    return best;
}

TrainHistory Trainer::run(TrainObserver *observer, RunControl *control)
{
    d->control = control;
    d->begin(observer);
    try {
        const RunPlan plan = d->plan();
        d->network.net->train();
        // Resumed after its early stop was decided but not yet saved (a kill in the final
        // save): it ends here, as the uninterrupted run did, instead of training on.
        if (d->history.completedEpochs() > 0) {
            if (const std::optional<Ending> stop = d->checkEarlyStop(d->history.completedEpochs())) {
                d->finalTrainPass();
                return d->finish(stop->status, stop->detail);
            }
        }
        for (int epoch = d->history.completedEpochs() + 1; epoch <= d->config.epochs; ++epoch) {
            if (const std::optional<Ending> ending = d->runEpoch(epoch, plan, observer, control)) {
                if (ending->status == RunStatus::Finished)   // early stopping
                    d->finalTrainPass();
                return d->finish(ending->status, ending->detail);
            }
        }
        d->finalTrainPass();
        return d->finish(RunStatus::Finished, QString());
    } catch (const EvaluationCancelled &) {
        return d->finish(RunStatus::Cancelled, QStringLiteral("stopped while evaluating; %1 epochs complete")
                                                   .arg(d->history.completedEpochs()));
    } catch (const LabError &e) {
        return d->finish(RunStatus::Failed, e.message());
    } catch (const c10::Error &e) {
        return d->finish(RunStatus::Failed, QString::fromStdString(e.what_without_backtrace()).section(u'\n', 0, 0));
    } catch (const std::bad_alloc &) {
        return d->finish(RunStatus::Failed, QStringLiteral("out of memory; try a smaller network or batch size"));
    } catch (const std::exception &e) {
        return d->finish(RunStatus::Failed, QString::fromLocal8Bit(e.what()));
    }
}

void Trainer::Impl::begin(TrainObserver *observer)
{
    keepFreedMemoryForReuse();   // a CNN step's tens of MB would page-fault in again every step
    history.threads = TorchThreads::apply(config.effectiveThreads());
    if (!history.started.isValid())
        history.started = QDateTime::currentDateTime();
    history.status = RunStatus::Running;
    if (observer)
        observer->onStarted(history);
}

RunPlan Trainer::Impl::plan() const
{
    RunPlan p;
    p.trainCount = trainY.size(0);
    p.batchSize = std::min<int>(config.batchSize, int(p.trainCount));
    p.batchesPerEpoch = int((p.trainCount + p.batchSize - 1) / p.batchSize);
    if (config.maxBatchesPerEpoch > 0)
        p.batchesPerEpoch = std::min(p.batchesPerEpoch, config.maxBatchesPerEpoch);
    p.gradientEvery = std::max(1, p.batchesPerEpoch / gradientSamplesPerEpoch);
    p.schedule = std::make_unique<LrSchedule>(config, p.batchesPerEpoch);
    if (p.batchSize <= PlainMlpPasses::maxBatch)
        p.handPasses = PlainMlpPasses::tryCreate(spec, network, p.batchSize, config.labelSmoothing);
    return p;
}

std::optional<Ending> Trainer::Impl::runEpoch(int epoch, const RunPlan &plan, TrainObserver *observer, RunControl *control)
{
    EpochState e = startEpoch(epoch);
    const std::optional<QString> diverged = trainBatches(e, plan, observer, control);
    const double seconds = e.seconds();
    history.trainSeconds += seconds;
    if (diverged)
        return Ending{RunStatus::Diverged, *diverged};
    if (control && control->cancelRequested())
        return Ending{RunStatus::Cancelled, QStringLiteral("stopped during epoch %1; %2 epochs complete")
                                                .arg(epoch).arg(history.completedEpochs())};
    EpochMetrics m;
    try {
        m = evaluateEpoch(e, seconds);
    } catch (const EvaluationCancelled &) {
        return Ending{RunStatus::Cancelled, QStringLiteral("stopped while evaluating epoch %1; %2 epochs complete")
                                                .arg(epoch).arg(history.completedEpochs())};
    }
    recordEpoch(m);
    if (observer)
        observer->onEpoch(m);
    return checkEarlyStop(epoch);
}

EpochState Trainer::Impl::startEpoch(int epoch) const
{
    EpochState e;
    e.timer.start();
    e.epoch = epoch;
    e.generator = at::detail::createCPUGenerator(epochSeed(config.seed, epoch));
    torch::manual_seed(epochSeed(config.seed, epoch) + 1);   // dropout draws from the global generator
    const torch::Tensor order = torch::randperm(trainY.size(0), e.generator, torch::kLong);
    e.index = trainIndex.defined() ? trainIndex.index_select(0, order) : order;
    e.y = trainY.index_select(0, order);
    e.gradientSums.assign(network.weightLayers.size(), 0.0);
    return e;
}

std::optional<QString> Trainer::Impl::trainBatches(EpochState &e, const RunPlan &plan, TrainObserver *observer,
                                                   RunControl *control)
{
    for (int b = 0; b < plan.batchesPerEpoch; ++b) {
        if (control && !takeRequests(e, *control))
            break;
        const int64_t start = int64_t(b) * plan.batchSize;
        const int64_t len = std::min<int64_t>(plan.batchSize, plan.trainCount - start);
        const double loss = trainStep(e, plan, start, len, config.diagnostics && b % plan.gradientEvery == 0);
        if (!std::isfinite(loss))
            return QStringLiteral("the loss became %1 at epoch %2, batch %3 (learning rate %4)")
                .arg(std::isnan(loss) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                .arg(e.epoch).arg(b + 1).arg(e.lr);
        e.lossSum += loss;
        ++e.batchesDone;
        appendBatchLoss(loss);
        if (observer) {
            BatchProgress progress;
            progress.epoch = e.epoch;
            progress.batch = b + 1;
            progress.batchesPerEpoch = plan.batchesPerEpoch;
            progress.step = optimizer->steps();
            progress.totalSteps = plan.schedule->totalSteps();
            progress.loss = loss;
            progress.learningRate = e.lr;
            const double seconds = e.seconds();
            progress.samplesPerSecond = seconds > 0 ? double(start + len) / seconds : 0;
            observer->onBatch(progress);
        }
    }
    return std::nullopt;
}

bool Trainer::Impl::takeRequests(EpochState &e, RunControl &control)
{
    if (control.isPaused()) {
        QElapsedTimer paused;
        paused.start();
        const bool goOn = control.waitWhilePaused();
        e.pausedNs += paused.nsecsElapsed();
        pausedNsTotal += paused.nsecsElapsed();
        if (!goOn)
            return false;
    }
    if (control.cancelRequested())
        return false;
    if (const double requested = control.takeRequestedLearningRate(); requested > 0) {
        learningRateBase = requested;
        history.lrChanges.append({e.epoch, optimizer->steps() + 1, requested});
    }
    return true;
}

double Trainer::Impl::trainStep(EpochState &e, const RunPlan &plan, int64_t start, int64_t len, bool sampleGradients)
{
    torch::Tensor x = normalizedImages(data->train, e.index, start, len, data->norm, network, batchX);
    if (config.augment.appliesTo(e.epoch, config.epochs))
        x = augmentBatch(x, config.augment, data->norm, e.generator);

    // The schedule shapes the rate; the base is the configured one or the user's latest change.
    e.lr = learningRateBase * plan.schedule->factorAt(optimizer->steps());
    optimizer->zeroGrad();
    torch::Tensor loss;
    double lossValue = 0;
    if (plan.handPasses) {
        x = x.contiguous();
        int correct = 0;
        lossValue = plan.handPasses->forwardBackward(x.data_ptr<float>(), e.y.data_ptr<int64_t>() + start, int(len), &correct);
        e.correct += correct;
    } else {
        const torch::Tensor labels = e.y.narrow(0, start, len);
        const torch::Tensor logits = network.run(x);
        loss = torch::nn::functional::cross_entropy(
            logits, labels, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(config.labelSmoothing));
        lossValue = loss.item<double>();
        c10::InferenceMode inference;
        e.correct += logits.argmax(1).eq(labels).sum().item<int64_t>();
    }
    e.seen += len;
    if (!std::isfinite(lossValue))
        return lossValue;
    if (!plan.handPasses)
        loss.backward();
    if (sampleGradients) {
        const std::vector<double> norms = gradientNorms(network);
        for (size_t i = 0; i < norms.size(); ++i)
            e.gradientSums[i] += norms[i];
        ++e.gradientSamples;
    }
    optimizer->step(e.lr);
    if (average)
        average->update(optimizer->steps());
    return lossValue;
}

EpochMetrics Trainer::Impl::evaluateEpoch(const EpochState &e, double seconds)
{
    // Not counted as training time.
    QElapsedTimer evalTimer;
    evalTimer.start();
    EpochMetrics m;
    m.epoch = e.epoch;
    m.trainLoss = e.batchesDone ? e.lossSum / e.batchesDone : 0.0;
    m.learningRate = e.lr;
    m.seconds = seconds;
    const AveragedWeightsIn averaged(average.get());   // what the run would save is what it measures
    const EvalResult test = evaluate(data->test, torch::Tensor(), testY, true);
    wallAtTestEvaluation = wallSeconds();
    m.testEvalSeconds = evalTimer.nsecsElapsed() / 1e9;
    m.testLoss = test.loss;
    m.testAccuracy = test.accuracy;
    if (config.trainEvalEveryEpoch) {
        m.trainAccuracy = evaluate(data->train, trainIndex, trainY, false).accuracy;
    } else {
        // A full pass costs as much as a tenth of an epoch's training for a CNN, every epoch:
        // the batches' own predictions are free (finalTrainPass does the full pass once).
        m.trainAccuracy = e.seen ? 100.0 * double(e.correct) / double(e.seen) : 0.0;
        m.trainAccuracyFromBatches = true;
    }
    m.confusion = test.confusion;
    m.testProbabilities = test.probabilities;
    if (valIndex.defined()) {
        const EvalResult val = evaluate(data->train, valIndex, valY, false);
        m.validationLoss = val.loss;
        m.validationAccuracy = val.accuracy;
    }
    if (config.diagnostics) {
        std::vector<double> gradients(e.gradientSums.size(), 0.0);
        for (size_t i = 0; i < gradients.size(); ++i)
            gradients[i] = e.gradientSamples ? e.gradientSums[i] / e.gradientSamples : 0.0;
        m.layers = layerDiagnostics(network, deadFractions(network, probeX), gradients, weightNorms(network));
    }
    m.evalSeconds = evalTimer.nsecsElapsed() / 1e9;
    return m;
}

void Trainer::Impl::recordEpoch(const EpochMetrics &m)
{
    TrainHistory &h = history;
    h.evalSeconds += m.evalSeconds;
    h.testAccuracy = m.testAccuracy;
    h.trainAccuracy = m.trainAccuracy;
    h.finalTrainLoss = m.trainLoss;
    if (h.secondsTo99 < 0 && m.testAccuracy >= 99.0)
        h.secondsTo99 = h.trainSeconds;
    if (h.wallSecondsTo99 < 0 && m.testAccuracy >= 99.0)
        h.wallSecondsTo99 = wallAtTestEvaluation;
    if (h.wallSecondsTo99_5 < 0 && m.testAccuracy >= 99.5)
        h.wallSecondsTo99_5 = wallAtTestEvaluation;
    // The best epoch by validation accuracy when there is a split, else by test accuracy.
    const double score = valIndex.defined() ? m.validationAccuracy : m.testAccuracy;
    if (score > bestScore) {
        bestScore = score;
        epochsWithoutImprovement = 0;
        h.bestEpoch = m.epoch;
        h.bestTestAccuracy = m.testAccuracy;
        if (config.keepBestModel) {
            const AveragedWeightsIn averaged(average.get());
            bestWeights = NetworkBuilder::saveWeights(*network.net);
        }
    } else {
        ++epochsWithoutImprovement;
    }
    EpochMetrics stored = m;
    stored.testProbabilities.reset();   // galleries only; records stay small
    h.epochs.append(stored);
}

void Trainer::Impl::finalTrainPass()
{
    if (history.epochs.isEmpty() || !history.epochs.last().trainAccuracyFromBatches)
        return;
    QElapsedTimer timer;
    timer.start();
    EpochMetrics &last = history.epochs.last();
    const AveragedWeightsIn averaged(average.get());
    last.trainAccuracy = evaluate(data->train, trainIndex, trainY, false).accuracy;
    last.trainAccuracyFromBatches = false;
    history.trainAccuracy = last.trainAccuracy;
    // The run's evaluation time, not the epoch's: an epoch's eval_seconds stays what its own evaluation cost.
    history.evalSeconds += timer.nsecsElapsed() / 1e9;
}

std::optional<Ending> Trainer::Impl::checkEarlyStop(int epoch) const
{
    if (config.earlyStoppingPatience <= 0 || epochsWithoutImprovement < config.earlyStoppingPatience)
        return std::nullopt;
    return Ending{RunStatus::Finished, QStringLiteral("early stopping after epoch %1: no improvement for %2 epochs (best: epoch %3)")
                                           .arg(epoch).arg(config.earlyStoppingPatience).arg(history.bestEpoch)};
}

TrainHistory Trainer::Impl::finish(RunStatus status, const QString &detail)
{
    history.status = status;
    history.statusDetail = detail;
    history.ended = QDateTime::currentDateTime();
    return history;
}

} // namespace lab
