#include "core/train/trainer.h"

#include "core/common/laberror.h"
#include "core/experiment/environmentinfo.h"
#include "core/model/networkbuilder_p.h"
#include "core/model/shapeinference.h"
#include "core/train/augmentation_p.h"
#include "core/train/diagnostics_p.h"
#include "core/train/lrschedule.h"
#include "core/train/optimizer_p.h"
#include "core/train/runcontrol.h"
#include "core/train/plainmlp_p.h"
#include "core/train/trainobserver.h"

#include <QElapsedTimer>
#include <cmath>
#include <sstream>

namespace lab {

namespace {

constexpr int maxBatchLossPoints = 20000;
constexpr int probeCount = 1000;
constexpr int gradientSamplesPerEpoch = 100;

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
torch::Tensor normalizedImages(const ImageSet &set, const torch::Tensor &indices, int64_t first, int64_t n,
                               Normalization norm, torch::Tensor &buffer)
{
    if (!buffer.defined() || buffer.size(0) < n)
        buffer = torch::empty({n, 1, set.rows, set.cols}, torch::kFloat);
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

} // namespace

struct Trainer::Impl
{
    NetworkSpec spec;
    TrainConfig config;
    std::shared_ptr<const Dataset> data;
    BuiltNetwork network;
    std::unique_ptr<Optimizer> optimizer;
    // The images the trainer trains on are indices into data->train (all of them, or what
    // the validation split leaves); labels are tensors in the same order.
    torch::Tensor trainIndex, trainY, valIndex, valY, testY, probeX;
    // Reused float buffers for one batch and one evaluation chunk: fresh memory per batch
    // costs page faults (~0.8 s per 188 MB on this VM).
    torch::Tensor batchX, evalX;
    RunRecord record;
    std::function<void(const RunRecord &)> epochHook;
    QByteArray bestWeights;
    double bestScore = -1;
    int epochsWithoutImprovement = 0;
    double learningRateBase = 0;

    /** Loss, accuracy and confusion over `set`'s images `indices` (all when undefined), labelled `y`. */
    EvalResult evaluate(const ImageSet &set, const torch::Tensor &indices, const torch::Tensor &y, bool keepProbabilities);
    void restoreFromArchive(torch::serialize::InputArchive &archive);
    void appendBatchLoss(double loss);
    ModelFile modelFile(const QByteArray &weights) const;
};

EvalResult Trainer::Impl::evaluate(const ImageSet &set, const torch::Tensor &indices, const torch::Tensor &y,
                                   bool keepProbabilities)
{
    torch::NoGradGuard noGrad;
    network.net->eval();
    EvalResult result;
    const int64_t n = y.size(0);
    if (keepProbabilities)
        result.probabilities = std::make_shared<std::vector<float>>(size_t(n) * 10);
    double lossSum = 0;
    int64_t correct = 0;
    const int64_t chunk = NetworkBuilder::evaluationChunk(spec);
    for (int64_t start = 0; start < n; start += chunk) {
        const int64_t len = std::min<int64_t>(chunk, n - start);
        const torch::Tensor logits = network.net->forward(normalizedImages(set, indices, start, len, data->norm, evalX));
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
    if ((step - 1) % record.batchLossStride != 0)
        return;
    record.batchLosses.append(loss);
    if (record.batchLosses.size() >= maxBatchLossPoints) {
        QVector<double> thinned;
        thinned.reserve(record.batchLosses.size() / 2 + 1);
        for (qsizetype i = 0; i < record.batchLosses.size(); i += 2)
            thinned.append(record.batchLosses[i]);
        record.batchLosses = thinned;
        record.batchLossStride *= 2;
    }
}

ModelFile Trainer::Impl::modelFile(const QByteArray &weights) const
{
    ModelFile model;
    model.spec = spec;
    model.norm = data->norm;
    model.weights = weights;
    model.summary = QJsonObject{
        {QStringLiteral("model_type"), record.modelType},
        {QStringLiteral("test_accuracy"), record.testAccuracy},
        {QStringLiteral("train_accuracy"), record.trainAccuracy},
        {QStringLiteral("epochs"), record.completedEpochs()},
        {QStringLiteral("batch_size"), config.batchSize},
        {QStringLiteral("learning_rate"), config.learningRate},
        {QStringLiteral("optimizer"), TrainConfig::optimizerName(config.optimizer)},
        {QStringLiteral("seed"), QString::number(config.seed)},
        {QStringLiteral("parameters"), record.parameters},
        {QStringLiteral("run"), record.id},
    };
    return model;
}

Trainer::Trainer(const NetworkSpec &spec, const TrainConfig &config, std::shared_ptr<const Dataset> data)
    : d(std::make_unique<Impl>())
{
    config.ensureValid(QStringLiteral("training configuration"));
    if (!data || data->train.count == 0 || data->test.count == 0)
        throw LabError(QStringLiteral("training data: no images loaded"));
    const ShapeReport shapes = ShapeReport::infer(spec);
    if (!shapes.ok())
        throw LabError(QStringLiteral("network: ") + shapes.error);
    if (spec.inputHeight != data->train.rows || spec.inputWidth != data->train.cols || spec.inputChannels != 1)
        throw LabError(QStringLiteral("network: expects %1×%2×%3 inputs but the data has 1×%4×%5 images")
                           .arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth)
                           .arg(data->train.rows).arg(data->train.cols));
    d->spec = spec;
    d->config = config;
    d->data = data;
    d->learningRateBase = config.learningRate;

    // Weights are initialised from the seed too.
    torch::manual_seed(epochSeed(config.seed, 0));
    d->network = NetworkBuilder::build(spec);
    std::vector<torch::Tensor> params;
    for (const torch::Tensor &p : d->network.net->parameters())
        params.push_back(p);
    d->optimizer = std::make_unique<Optimizer>(params, config);

    d->trainY = labelsTensor(data->train);
    d->testY = labelsTensor(data->test);
    if (config.validationFraction > 0) {
        // A fixed, seeded split: the same seed keeps the same images out of training.
        at::Generator splitGenerator = at::detail::createCPUGenerator(epochSeed(config.seed, -1));
        const int64_t n = data->train.count;
        const int64_t valCount = std::max<int64_t>(1, int64_t(std::llround(double(n) * config.validationFraction)));
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
                                 data->norm, probeBuffer);

    RunRecord &r = d->record;
    r.modelType = spec.name.isEmpty() ? QStringLiteral("custom") : spec.name;
    r.spec = spec;
    r.config = config;
    r.parameters = shapes.parameters;
    r.loadSeconds = data->loadSeconds;
}

Trainer::~Trainer() = default;

void Trainer::setEpochHook(std::function<void(const RunRecord &)> hook)
{
    d->epochHook = std::move(hook);
}

void Trainer::restore(const QByteArray &checkpoint, const RunRecord &record)
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
    // Keep the identity and timings of the interrupted run; its epochs are the ones the checkpoint holds.
    RunRecord restored = record;
    restored.status = RunStatus::Running;
    restored.statusDetail.clear();
    d->record = restored;
    d->learningRateBase = record.lrChanges.isEmpty() ? d->config.learningRate : record.lrChanges.last().learningRate;
}

void Trainer::Impl::restoreFromArchive(torch::serialize::InputArchive &archive)
{
    torch::serialize::InputArchive modelArchive;
    archive.read("model", modelArchive);
    network.net->load(modelArchive);
    optimizer->load(archive);
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
    return d->modelFile(NetworkBuilder::saveWeights(*d->network.net));
}

ModelFile Trainer::bestModel() const
{
    if (d->bestWeights.isEmpty())
        return model();
    ModelFile best = d->modelFile(d->bestWeights);
    best.summary.insert(QStringLiteral("epoch"), d->record.bestEpoch);
    best.summary.insert(QStringLiteral("test_accuracy"), d->record.bestTestAccuracy);
    return best;
}

RunRecord Trainer::run(TrainObserver *observer, RunControl *control)
{
    RunRecord &r = d->record;
    const TrainConfig &config = d->config;
    const int threads = EnvironmentInfo::applyThreads(config.threads);
    r.environment = EnvironmentInfo::collect(threads);
    if (!r.started.isValid())
        r.started = QDateTime::currentDateTime();
    r.status = RunStatus::Running;
    if (observer)
        observer->onStarted(r);

    const int64_t trainCount = d->trainY.size(0);
    const ImageSet &images = d->data->train;
    const int batchSize = std::min<int>(config.batchSize, int(trainCount));
    int batchesPerEpoch = int((trainCount + batchSize - 1) / batchSize);
    if (config.maxBatchesPerEpoch > 0)
        batchesPerEpoch = std::min(batchesPerEpoch, config.maxBatchesPerEpoch);
    const LrSchedule schedule(config, batchesPerEpoch);
    // A plain MLP: passes without autograd's per-step bookkeeping (see plainmlp_p.h).
    const std::unique_ptr<PlainMlpPasses> handPasses =
        batchSize <= PlainMlpPasses::maxBatch ? PlainMlpPasses::tryCreate(d->spec, d->network, batchSize) : nullptr;
    const int gradientEvery = std::max(1, batchesPerEpoch / gradientSamplesPerEpoch);

    auto finish = [&](RunStatus status, const QString &detail) {
        r.status = status;
        r.statusDetail = detail;
        r.ended = QDateTime::currentDateTime();
        if (observer)
            observer->onEnded(r);
        return r;
    };

    try {
        d->network.net->train();
        for (int epoch = r.completedEpochs() + 1; epoch <= config.epochs; ++epoch) {
            QElapsedTimer epochTimer;
            epochTimer.start();
            at::Generator generator = at::detail::createCPUGenerator(epochSeed(config.seed, epoch));
            torch::manual_seed(epochSeed(config.seed, epoch) + 1);   // dropout draws from the global generator
            const torch::Tensor order = torch::randperm(trainCount, generator, torch::kLong);
            // This epoch's images as indices into the data set, and their labels, in order.
            const torch::Tensor epochIndex = d->trainIndex.defined() ? d->trainIndex.index_select(0, order) : order;
            const torch::Tensor epochY = d->trainY.index_select(0, order);
            double lossSum = 0;
            int batchesDone = 0;
            std::vector<double> gradientSums(d->network.weightLayers.size(), 0.0);
            int gradientSamples = 0;
            double lr = 0;
            qint64 pausedNs = 0;

            for (int b = 0; b < batchesPerEpoch; ++b) {
                if (control) {
                    if (control->isPaused()) {
                        QElapsedTimer paused;
                        paused.start();
                        const bool goOn = control->waitWhilePaused();
                        pausedNs += paused.nsecsElapsed();
                        if (!goOn)
                            break;
                    }
                    if (control->cancelRequested())
                        break;
                    if (const double requested = control->takeRequestedLearningRate(); requested > 0) {
                        d->learningRateBase = requested;
                        r.lrChanges.append({epoch, d->optimizer->steps() + 1, requested});
                    }
                }
                const int64_t start = int64_t(b) * batchSize;
                const int64_t len = std::min<int64_t>(batchSize, trainCount - start);
                torch::Tensor x = normalizedImages(images, epochIndex, start, len, d->data->norm, d->batchX);
                if (config.augment.enabled)
                    x = augmentBatch(x, config.augment, d->data->norm, generator);

                const qint64 step = d->optimizer->steps();
                lr = schedule.at(step) * (d->learningRateBase / config.learningRate);
                d->optimizer->zeroGrad();
                torch::Tensor loss;
                double lossValue = 0;
                if (handPasses) {
                    x = x.contiguous();
                    lossValue = handPasses->forwardBackward(x.data_ptr<float>(), epochY.data_ptr<int64_t>() + start, int(len));
                } else {
                    loss = torch::nn::functional::cross_entropy(d->network.net->forward(x), epochY.narrow(0, start, len));
                    lossValue = loss.item<double>();
                }
                if (!std::isfinite(lossValue)) {
                    r.trainSeconds += (epochTimer.nsecsElapsed() - pausedNs) / 1e9;
                    return finish(RunStatus::Diverged, QStringLiteral("the loss became %1 at epoch %2, batch %3 (learning rate %4)")
                                                           .arg(std::isnan(lossValue) ? QStringLiteral("NaN") : QStringLiteral("infinite"))
                                                           .arg(epoch).arg(b + 1).arg(lr));
                }
                if (!handPasses)
                    loss.backward();
                if (config.diagnostics && b % gradientEvery == 0) {
                    const std::vector<double> norms = gradientNorms(d->network);
                    for (size_t i = 0; i < norms.size(); ++i)
                        gradientSums[i] += norms[i];
                    ++gradientSamples;
                }
                d->optimizer->step(lr);
                lossSum += lossValue;
                ++batchesDone;
                d->appendBatchLoss(lossValue);
                if (observer) {
                    BatchProgress progress;
                    progress.epoch = epoch;
                    progress.batch = b + 1;
                    progress.batchesPerEpoch = batchesPerEpoch;
                    progress.step = d->optimizer->steps();
                    progress.totalSteps = schedule.totalSteps();
                    progress.loss = lossValue;
                    progress.learningRate = lr;
                    const double seconds = (epochTimer.nsecsElapsed() - pausedNs) / 1e9;
                    progress.samplesPerSecond = seconds > 0 ? double(start + len) / seconds : 0;
                    observer->onBatch(progress);
                }
            }
            const double epochSeconds = (epochTimer.nsecsElapsed() - pausedNs) / 1e9;
            r.trainSeconds += epochSeconds;
            if (control && control->cancelRequested())
                return finish(RunStatus::Cancelled, QStringLiteral("stopped during epoch %1; %2 epochs complete")
                                                         .arg(epoch).arg(r.completedEpochs()));

            // End of epoch: evaluate (not counted as training time).
            QElapsedTimer evalTimer;
            evalTimer.start();
            EpochMetrics m;
            m.epoch = epoch;
            m.trainLoss = batchesDone ? lossSum / batchesDone : 0.0;
            m.learningRate = lr;
            m.seconds = epochSeconds;
            const EvalResult test = d->evaluate(d->data->test, torch::Tensor(), d->testY, true);
            const EvalResult train = d->evaluate(images, d->trainIndex, d->trainY, false);
            m.testLoss = test.loss;
            m.testAccuracy = test.accuracy;
            m.trainAccuracy = train.accuracy;
            m.confusion = test.confusion;
            m.testProbabilities = test.probabilities;
            double score = test.accuracy;
            if (d->valIndex.defined()) {
                const EvalResult val = d->evaluate(images, d->valIndex, d->valY, false);
                m.validationLoss = val.loss;
                m.validationAccuracy = val.accuracy;
                score = val.accuracy;
            }
            if (config.diagnostics) {
                std::vector<double> gradients(gradientSums.size(), 0.0);
                for (size_t i = 0; i < gradients.size(); ++i)
                    gradients[i] = gradientSamples ? gradientSums[i] / gradientSamples : 0.0;
                m.layers = layerDiagnostics(d->network, deadFractions(d->network, d->probeX), gradients,
                                            weightNorms(d->network));
            }
            m.evalSeconds = evalTimer.nsecsElapsed() / 1e9;
            r.evalSeconds += m.evalSeconds;

            r.testAccuracy = m.testAccuracy;
            r.trainAccuracy = m.trainAccuracy;
            r.finalTrainLoss = m.trainLoss;
            if (r.secondsTo99 < 0 && m.testAccuracy >= 99.0)
                r.secondsTo99 = r.trainSeconds;
            if (score > d->bestScore) {
                d->bestScore = score;
                d->epochsWithoutImprovement = 0;
                r.bestEpoch = epoch;
                r.bestTestAccuracy = m.testAccuracy;
                if (config.keepBestModel)
                    d->bestWeights = NetworkBuilder::saveWeights(*d->network.net);
            } else {
                ++d->epochsWithoutImprovement;
            }
            EpochMetrics stored = m;
            stored.testProbabilities.reset();   // galleries only; records stay small
            r.epochs.append(stored);
            if (observer)
                observer->onEpoch(m);
            if (d->epochHook)
                d->epochHook(r);
            if (config.earlyStoppingPatience > 0 && d->epochsWithoutImprovement >= config.earlyStoppingPatience)
                return finish(RunStatus::Finished, QStringLiteral("early stopping after epoch %1: no improvement for %2 epochs (best: epoch %3)")
                                                        .arg(epoch).arg(config.earlyStoppingPatience).arg(r.bestEpoch));
        }
        return finish(RunStatus::Finished, QString());
    } catch (const LabError &e) {
        return finish(RunStatus::Failed, e.message());
    } catch (const c10::Error &e) {
        return finish(RunStatus::Failed, QString::fromStdString(e.what_without_backtrace()).section(u'\n', 0, 0));
    } catch (const std::bad_alloc &) {
        return finish(RunStatus::Failed, QStringLiteral("out of memory; try a smaller network or batch size"));
    } catch (const std::exception &e) {
        return finish(RunStatus::Failed, QString::fromLocal8Bit(e.what()));
    }
}

} // namespace lab
