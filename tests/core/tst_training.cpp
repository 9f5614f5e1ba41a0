// The training pieces: schedules, optimisers (against torch::optim), augmentation,
// diagnostics, and the trainer's contract (determinism, cancel, divergence, resume).
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/experimentrunner.h"
#include "core/export/modeltensors.h"
#include "core/experiment/runobserver.h"
#include "core/experiment/runstore.h"
#include "core/model/channelslastbatchnorm_p.h"
#include "core/model/channelslastmaxpool_p.h"
#include "core/model/inputconvpool_p.h"
#include "core/model/networkbuilder_p.h"
#include "core/train/augmentation_p.h"
#include "core/train/augmenter.h"
#include "core/train/diagnostics_p.h"
#include "core/train/lrschedule.h"
#include "core/train/optimizer_p.h"
#include "core/train/runcontrol.h"
#include "core/train/plainmlp_p.h"
#include "core/train/trainer.h"
#include "core/train/trainobserver.h"
#include "testdata.h"

#include <QDir>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QStandardPaths>
#include <QTest>

#include <tuple>

using namespace lab;

namespace {

std::shared_ptr<const Dataset> syntheticData(int train = 600, int test = 200)
{
    static QTemporaryDir dir;
    const QString folder = dir.filePath(QStringLiteral("synthetic-%1-%2").arg(train).arg(test));
    if (!Dataset::looksComplete(folder))
        TestData::writeSyntheticMnist(folder, train, test);
    return Dataset::load(folder);
}

TrainConfig smallConfig()
{
    TrainConfig c;
    c.epochs = 2;
    c.batchSize = 20;
    c.learningRate = 1e-3;
    c.threads = 1;
    c.seed = 42;
    return c;
}

NetworkSpec mlp(const char *layers = "784-32-10", const char *act = "relu")
{
    NetworkSpec s = NetworkSpec::fromShorthand(QString::fromLatin1(layers), QString::fromLatin1(act));
    s.name = QStringLiteral("test_mlp");
    return s;
}

NetworkSpec smallCnn()
{
    NetworkSpec s;
    s.name = QStringLiteral("test_cnn");
    s.layers = {LayerSpec::conv(4, 5), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                LayerSpec::flatten(), LayerSpec::linear(10)};
    return s;
}

// Strips what legitimately differs between identical runs: timings and dates.
QJsonObject withoutTimings(RunRecord r)
{
    r.trainSeconds = r.loadSeconds = r.evalSeconds = 0;
    r.secondsTo99 = r.secondsTo99 < 0 ? -1 : 0;
    r.wallSecondsTo99 = r.wallSecondsTo99 < 0 ? -1 : 0;
    r.wallSecondsTo99_5 = r.wallSecondsTo99_5 < 0 ? -1 : 0;
    r.started = r.ended = QDateTime();
    r.environment = QJsonObject();
    r.id.clear();
    r.folder.clear();
    for (EpochMetrics &m : r.epochs)
        m.seconds = m.evalSeconds = m.testEvalSeconds = 0;
    return r.toJson();
}

// Watches a bare Trainer or an ExperimentRunner alike.
class CancelAfter : public TrainObserver, public RunObserver
{
public:
    CancelAfter(RunControl &control, int batches) : m_control(control), m_left(batches) {}
    void onBatch(const BatchProgress &) override
    {
        if (--m_left == 0)
            m_control.requestCancel();
    }

private:
    RunControl &m_control;
    int m_left;
};

/** Why this machine runs the modules in place of inputConvPool, or nullptr when it does not. */
const char *whyNoFusedInputLayer()
{
#if defined(__GNUC__) && defined(__x86_64__)
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return "the fused layer needs AVX2 and FMA; without them the modules run as they are";
    return nullptr;
#else
    return "the fused layer is built for x86-64 (GCC, Clang); elsewhere the modules run as they are";
#endif
}

} // namespace

class TestTraining : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void scheduleValues_data()
    {
        QTest::addColumn<int>("schedule");
        QTest::addColumn<int>("warmup");
        QTest::addColumn<int>("step");
        QTest::addColumn<double>("expected");
        // 10 epochs × 100 steps, lr 0.1
        QTest::newRow("constant") << int(ScheduleKind::Constant) << 0 << 555 << 0.1;
        QTest::newRow("step, epoch 0") << int(ScheduleKind::Step) << 0 << 99 << 0.1;
        QTest::newRow("step, epoch 3 (gamma 0.1 every 3)") << int(ScheduleKind::Step) << 0 << 300 << 0.01;
        QTest::newRow("step, epoch 9") << int(ScheduleKind::Step) << 0 << 999 << 0.0001;
        QTest::newRow("cosine start") << int(ScheduleKind::Cosine) << 0 << 0 << 0.1;
        QTest::newRow("cosine middle") << int(ScheduleKind::Cosine) << 0 << 500 << 0.05;
        QTest::newRow("warmup first step") << int(ScheduleKind::Constant) << 2 << 0 << 0.1 * (0.1 + 0.9 / 200);
        QTest::newRow("warmup end") << int(ScheduleKind::Constant) << 2 << 199 << 0.1;
        QTest::newRow("cosine after warmup") << int(ScheduleKind::Cosine) << 2 << 600 << 0.05;
        QTest::newRow("onecycle start") << int(ScheduleKind::OneCycle) << 0 << 0 << 0.1 / 25;
        QTest::newRow("onecycle peak") << int(ScheduleKind::OneCycle) << 0 << 299 << 0.1;
        QTest::newRow("onecycle end") << int(ScheduleKind::OneCycle) << 0 << 999 << 0.1 / 25 / 1e4;
    }

    void scheduleValues()
    {
        QFETCH(int, schedule);
        QFETCH(int, warmup);
        QFETCH(int, step);
        QFETCH(double, expected);
        TrainConfig c;
        c.epochs = 10;
        c.learningRate = 0.1;
        c.schedule = ScheduleKind(schedule);
        c.warmupEpochs = warmup;
        c.stepEpochs = 3;
        c.stepGamma = 0.1;
        const LrSchedule s(c, 100);
        QCOMPARE(s.totalSteps(), qint64(1000));
        QVERIFY2(qAbs(s.at(step) - expected) < 1e-9 + 1e-6 * expected,
                 qPrintable(QStringLiteral("got %1, expected %2").arg(s.at(step)).arg(expected)));
    }

    void optimizerMatchesTorch_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("weightDecay");
        QTest::addColumn<bool>("nesterov");
        QTest::newRow("Adam") << int(OptimizerKind::Adam) << 0.0 << false;
        QTest::newRow("Adam + L2") << int(OptimizerKind::Adam) << 0.01 << false;
        QTest::newRow("AdamW") << int(OptimizerKind::AdamW) << 0.01 << false;
        QTest::newRow("SGD momentum") << int(OptimizerKind::Sgd) << 0.0 << false;
        QTest::newRow("SGD Nesterov + wd") << int(OptimizerKind::Sgd) << 0.001 << true;
        QTest::newRow("RMSprop") << int(OptimizerKind::RmsProp) << 0.0 << false;
    }

    // Our fused optimisers step exactly as torch::optim's on the same gradients.
    void optimizerMatchesTorch()
    {
        QFETCH(int, kind);
        QFETCH(double, weightDecay);
        QFETCH(bool, nesterov);
        TrainConfig c;
        c.optimizer = OptimizerKind(kind);
        c.weightDecay = weightDecay;
        c.nesterov = nesterov;
        c.momentum = 0.9;
        const double lr = 0.01;
        torch::manual_seed(3);
        torch::Tensor ours = torch::randn({300}).requires_grad_(true);
        torch::Tensor theirs = ours.detach().clone().requires_grad_(true);
        Optimizer optimizer({ours}, c);
        std::unique_ptr<torch::optim::Optimizer> reference;
        switch (c.optimizer) {
        case OptimizerKind::Adam:
            reference = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{theirs},
                                                             torch::optim::AdamOptions(lr).weight_decay(weightDecay));
            break;
        case OptimizerKind::AdamW:
            reference = std::make_unique<torch::optim::AdamW>(std::vector<torch::Tensor>{theirs},
                                                              torch::optim::AdamWOptions(lr).weight_decay(weightDecay));
            break;
        case OptimizerKind::Sgd:
            reference = std::make_unique<torch::optim::SGD>(
                std::vector<torch::Tensor>{theirs},
                torch::optim::SGDOptions(lr).momentum(0.9).nesterov(nesterov).weight_decay(weightDecay));
            break;
        case OptimizerKind::RmsProp:
            reference = std::make_unique<torch::optim::RMSprop>(std::vector<torch::Tensor>{theirs},
                                                                torch::optim::RMSpropOptions(lr).weight_decay(weightDecay));
            break;
        }
        for (int step = 0; step < 25; ++step) {
            const torch::Tensor target = torch::randn({300});
            optimizer.zeroGrad();
            ((ours - target).pow(2).sum()).backward();
            optimizer.step(lr);
            reference->zero_grad();
            ((theirs - target).pow(2).sum()).backward();
            reference->step();
        }
        const double maxDiff = (ours - theirs).abs().max().item<double>();
        QVERIFY2(maxDiff < 1e-5, qPrintable(QStringLiteral("max difference %1").arg(maxDiff)));
        QVERIFY((ours - theirs.detach()).abs().max().item<double>() < 1e-5);
    }

    void augmentationIsSeededAndMovesPixels()
    {
        const auto data = syntheticData();
        std::vector<float> pixels(16 * 784);
        Dataset::normalizeRange(data->train, 0, 16, data->norm, pixels.data());
        AugmentConfig a;
        a.enabled = true;
        a.maxShiftPixels = 3;
        a.maxRotationDegrees = 15;
        a.maxScale = 0.1;
        const auto first = Augmenter::augment(pixels, 16, a, data->norm, 5);
        const auto again = Augmenter::augment(pixels, 16, a, data->norm, 5);
        const auto other = Augmenter::augment(pixels, 16, a, data->norm, 6);
        QCOMPARE(first.size(), pixels.size());
        QVERIFY(first == again);
        QVERIFY(first != other);
        QVERIFY(first != pixels);
        // The background stays background: a warped image keeps its minimum at the normalised 0.
        const float background = -data->norm.mean / data->norm.std;
        const float minimum = *std::min_element(first.begin(), first.end());
        QVERIFY(qAbs(minimum - background) < 1e-3);
        a.elasticAlpha = 30;
        const auto elastic = Augmenter::augment(pixels, 16, a, data->norm, 5);
        QVERIFY(elastic != first);
    }

    // Plain last epochs: the augmented epochs are the ones a fully augmented run trains
    // (same seed, same numbers), and the last one trains on the plain digits. With a warp
    // far too strong to learn through, that last epoch fits its batches as a run without
    // augmentation does, far better than the augmented run's last epoch.
    void cleanFinalEpochsTrainOnPlainDigits()
    {
        const auto data = syntheticData();
        TrainConfig augmented = smallConfig();
        augmented.epochs = 3;
        augmented.augment.enabled = true;
        augmented.augment.maxShiftPixels = 8;
        augmented.augment.maxRotationDegrees = 90;
        augmented.augment.maxScale = 0.4;
        TrainConfig cleanEnd = augmented;
        cleanEnd.augment.cleanFinalEpochs = 1;
        const RunRecord a = Trainer(mlp(), augmented, data).run(nullptr, nullptr);
        const RunRecord c = Trainer(mlp(), cleanEnd, data).run(nullptr, nullptr);
        QCOMPARE(a.epochs.size(), 3);
        QCOMPARE(c.epochs.size(), 3);
        for (int e = 0; e < 2; ++e)
            QCOMPARE(c.epochs[e].trainLoss, a.epochs[e].trainLoss);
        const double augmentedEnd = a.epochs[2].trainLoss, plainEnd = c.epochs[2].trainLoss;
        QVERIFY2(plainEnd < 0.7 * augmentedEnd, qPrintable(QStringLiteral("last epoch's loss %1 plain, %2 augmented").arg(plainEnd).arg(augmentedEnd)));
        QCOMPARE(TrainConfig::fromJson(c.config.toJson(), QStringLiteral("t")).augment.cleanFinalEpochs, 1);
    }

    // The direct warp gives affine_grid + grid_sample's numbers (and keeps channels-last strides).
    void affineWarpMatchesGridSample()
    {
        const auto data = syntheticData();
        const int n = 8;
        torch::Tensor images = torch::empty({n, 1, 28, 28}, torch::TensorOptions().memory_format(torch::MemoryFormat::ChannelsLast));
        Dataset::normalizeRange(data->train, 0, n, data->norm, images.data_ptr<float>());
        const torch::Tensor angle = torch::linspace(-0.4, 0.4, n), scale = torch::linspace(0.85, 1.15, n);
        const torch::Tensor tx = torch::linspace(-0.2, 0.2, n), ty = torch::linspace(0.15, -0.15, n);
        const torch::Tensor c = torch::cos(angle) / scale, s = torch::sin(angle) / scale;
        const torch::Tensor theta = torch::stack({torch::stack({c, -s, tx}, 1), torch::stack({s, c, ty}, 1)}, 1);
        const torch::Tensor ours = affineWarp(images, theta, data->norm);
        namespace F = torch::nn::functional;
        const torch::Tensor unit = images * data->norm.std + data->norm.mean;
        const torch::Tensor grid = F::affine_grid(theta, {n, 1, 28, 28}, false);
        const torch::Tensor theirs = (F::grid_sample(unit, grid, F::GridSampleFuncOptions().align_corners(false)) - data->norm.mean)
                                     / data->norm.std;
        QVERIFY2((ours - theirs).abs().max().item<double>() < 1e-4, qPrintable(QString::number((ours - theirs).abs().max().item<double>())));
        QVERIFY(ours.is_contiguous(torch::MemoryFormat::ChannelsLast));
        QVERIFY((ours - images).abs().max().item<double>() > 0.5);   // it did move the digits
    }

    void plainMlpPassesMatchAutograd_data()
    {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<QString>("activation");
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("smoothing");
        QTest::newRow("relu, batch 1") << "784-50-50-10" << "relu" << 1 << 0.0;
        QTest::newRow("sigmoid, batch 3") << "784-20-20-20-10" << "sigmoid" << 3 << 0.0;
        QTest::newRow("tanh, batch 15") << "784-30-10" << "tanh" << 15 << 0.0;
        QTest::newRow("leaky relu, batch 7") << "784-40-40-10" << "leaky" << 7 << 0.0;
        QTest::newRow("no hidden layer, batch 2") << "784-10" << "relu" << 2 << 0.0;
        QTest::newRow("relu, batch 16 (BLAS)") << "784-50-50-10" << "relu" << 16 << 0.0;
        QTest::newRow("sigmoid, batch 50 (BLAS)") << "784-30-30-10" << "sigmoid" << 50 << 0.0;
        QTest::newRow("leaky relu, batch 100 (BLAS)") << "784-40-10" << "leaky" << 100 << 0.0;
        QTest::newRow("label smoothing 0.1, batch 5") << "784-50-50-10" << "relu" << 5 << 0.1;
        QTest::newRow("label smoothing 0.3, batch 64 (BLAS)") << "784-30-10" << "tanh" << 64 << 0.3;
    }

    // The hand-written MLP passes (loops below batch 16, BLAS products from 16) must give autograd's loss and gradients.
    void plainMlpPassesMatchAutograd()
    {
        QFETCH(QString, layers);
        QFETCH(QString, activation);
        QFETCH(int, batch);
        QFETCH(double, smoothing);
        const auto data = syntheticData();
        const NetworkSpec spec = NetworkSpec::fromShorthand(layers, activation);
        torch::manual_seed(3);
        BuiltNetwork net = NetworkBuilder::build(spec);
        const torch::Tensor x = torch::empty({batch, 1, 28, 28}, torch::kFloat);
        Dataset::normalizeRange(data->train, 10, batch, data->norm, x.data_ptr<float>());
        const torch::Tensor y = torch::from_blob(const_cast<std::int64_t *>(data->train.labels.data()) + 10, {batch}, torch::kLong);

        const torch::Tensor loss = torch::nn::functional::cross_entropy(
            net.net->forward(x), y, torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(smoothing));
        loss.backward();
        std::vector<torch::Tensor> expected;
        for (const torch::Tensor &p : net.net->parameters()) {
            expected.push_back(p.grad().clone());
            p.mutable_grad() = torch::Tensor();
        }

        const auto hand = PlainMlpPasses::tryCreate(spec, net, batch, smoothing);
        QVERIFY(hand);
        const double handLoss = hand->forwardBackward(x.data_ptr<float>(), y.data_ptr<std::int64_t>(), batch);
        QVERIFY2(qAbs(handLoss - loss.item<double>()) < 1e-5,
                 qPrintable(QStringLiteral("loss %1 vs %2").arg(handLoss).arg(loss.item<double>())));
        size_t i = 0;
        for (const torch::Tensor &p : net.net->parameters()) {
            QVERIFY(p.grad().defined());
            const double scale = std::max(1e-3, expected[i].abs().max().item<double>());
            const double diff = (p.grad() - expected[i]).abs().max().item<double>() / scale;
            QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("parameter %1: relative difference %2").arg(i).arg(diff)));
            ++i;
        }
        QCOMPARE(i, expected.size());
    }

    // Anything but a plain MLP stays with libtorch's autograd.
    void plainMlpPassesOnlyForPlainMlps()
    {
        NetworkSpec dropout = NetworkSpec::fromShorthand(QStringLiteral("784-50-10"), QStringLiteral("relu"));
        dropout.layers.insert(3, LayerSpec::dropout(0.2));
        NetworkSpec gelu = NetworkSpec::fromShorthand(QStringLiteral("784-50-10"), QStringLiteral("gelu"));
        NetworkSpec conv;
        conv.layers = {LayerSpec::conv(4, 3), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::flatten(),
                       LayerSpec::linear(10)};
        for (const NetworkSpec &spec : {dropout, gelu, conv}) {
            BuiltNetwork net = NetworkBuilder::build(spec);
            QVERIFY(!PlainMlpPasses::tryCreate(spec, net, 8));
        }
        const NetworkSpec plain = NetworkSpec::fromShorthand(QStringLiteral("784-50-10"), QStringLiteral("relu"));
        QVERIFY(PlainMlpPasses::tryCreate(plain, NetworkBuilder::build(plain), 8));
    }

    // The channels-last batch norm against libtorch's layer on a batch small enough that
    // the unbiased running variance differs visibly from the batch's: outputs, gradients,
    // running statistics (with a momentum and with libtorch's cumulative average) and the
    // evaluation-mode output.
    void channelsLastBatchNormMatchesLibtorch_data()
    {
        QTest::addColumn<bool>("cumulativeAverage");
        QTest::newRow("momentum 0.1") << false;
        QTest::newRow("cumulative average") << true;
    }

    void channelsLastBatchNormMatchesLibtorch()
    {
        QFETCH(bool, cumulativeAverage);
        torch::manual_seed(3);
        auto options = torch::nn::BatchNormOptions(5);
        if (cumulativeAverage)
            options.momentum(c10::nullopt);
        torch::nn::BatchNorm2d reference(options), mine(options);
        {
            torch::NoGradGuard noGrad;
            reference->weight.uniform_(0.5, 1.5);
            reference->bias.uniform_(-0.5, 0.5);
            mine->weight.copy_(reference->weight);
            mine->bias.copy_(reference->bias);
        }
        for (int step = 0; step < 2; ++step) {
            const torch::Tensor input = (torch::randn({3, 5, 2, 2}) * 2 + 1).contiguous(torch::MemoryFormat::ChannelsLast);
            const torch::Tensor x1 = input.clone().requires_grad_(), x2 = input.clone().requires_grad_();
            QVERIFY(fitsChannelsLastBatchNorm(x2, *mine));
            const torch::Tensor expected = reference->forward(x1), got = channelsLastBatchNorm(x2, *mine);
            QVERIFY(torch::allclose(got, expected, 1e-4, 1e-5));
            const torch::Tensor gradOut = torch::randn_like(expected);
            expected.backward(gradOut);
            got.backward(gradOut);
            QVERIFY(torch::allclose(x2.grad(), x1.grad(), 1e-4, 1e-5));
            QVERIFY(torch::allclose(mine->weight.grad(), reference->weight.grad(), 1e-4, 1e-5));
            QVERIFY(torch::allclose(mine->bias.grad(), reference->bias.grad(), 1e-4, 1e-5));
            QVERIFY2(torch::allclose(mine->running_var, reference->running_var, 1e-5, 1e-6),
                     qPrintable(QString::number((mine->running_var - reference->running_var).abs().max().item<double>())));
            QVERIFY(torch::allclose(mine->running_mean, reference->running_mean, 1e-5, 1e-6));
            QCOMPARE(mine->num_batches_tracked.item<int64_t>(), int64_t(step + 1));
        }
        reference->eval();
        mine->eval();
        torch::InferenceMode inference;
        const torch::Tensor x = torch::randn({2, 5, 3, 3}).contiguous(torch::MemoryFormat::ChannelsLast);
        QVERIFY(fitsChannelsLastBatchNorm(x, *mine));
        QVERIFY(torch::allclose(channelsLastBatchNorm(x, *mine), reference->forward(x), 1e-4, 1e-5));
        // Multiples of 8 channels stay with libtorch, which is as fast there.
        torch::nn::BatchNorm2d eight(8);
        QVERIFY(!fitsChannelsLastBatchNorm(torch::randn({2, 8, 3, 3}).contiguous(torch::MemoryFormat::ChannelsLast), *eight));
    }

    void inputConvPoolMatchesModules_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<int>("side");
        QTest::addColumn<bool>("batchNorm");
        QTest::addColumn<bool>("relu");
        QTest::addColumn<int>("padding");
        QTest::addColumn<bool>("reluBeforePool");
        // Register groups of 8: 12 leaves a part-filled group, 24 fills three.
        QTest::newRow("quick-99: 12 channels 5x5, pool, ReLU") << 12 << 5 << 28 << false << true << 0 << false;
        QTest::newRow("the peer's net: 24 channels 5x5") << 24 << 5 << 28 << false << true << 0 << false;
        QTest::newRow("batch norm, no ReLU") << 24 << 5 << 28 << true << false << 0 << false;
        QTest::newRow("6 channels 3x3, odd pooled width (13)") << 6 << 3 << 28 << true << true << 0 << false;
        QTest::newRow("odd convolution output (25 -> 12)") << 9 << 4 << 28 << false << true << 0 << false;
        QTest::newRow("small image, one window") << 8 << 3 << 5 << false << false << 0 << false;
        QTest::newRow("default-model: padding 2, ReLU, pool") << 16 << 5 << 28 << false << false << 2 << true;
        QTest::newRow("CNN_99.5: padding 2, batch norm, ReLU, pool") << 32 << 5 << 28 << true << false << 2 << true;
    }

    // The fused first layer of a test pass gives the modules' numbers: convolution, batch
    // norm in eval mode (negative scales included), 2x2 max pool, ReLU.
    void inputConvPoolMatchesModules()
    {
        QFETCH(int, channels);
        QFETCH(int, kernel);
        QFETCH(int, side);
        QFETCH(bool, batchNorm);
        QFETCH(bool, relu);
        QFETCH(int, padding);
        QFETCH(bool, reluBeforePool);
        if (const char *why = whyNoFusedInputLayer())
            QSKIP(why);
        torch::manual_seed(7);
        torch::nn::Sequential net;
        net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, channels, kernel).padding(padding)));
        if (batchNorm) {
            torch::nn::BatchNorm2d bn(channels);
            torch::NoGradGuard noGrad;
            bn->running_mean.uniform_(-0.5, 0.5);
            bn->running_var.uniform_(0.2, 3);
            bn->weight.uniform_(-1.5, 1.5);   // negative scales turn maxima into minima
            bn->bias.uniform_(-0.5, 0.5);
            net->push_back(bn);
        }
        if (reluBeforePool)
            net->push_back(torch::nn::ReLU());
        net->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
        if (relu)
            net->push_back(torch::nn::ReLU());
        net->push_back(torch::nn::Flatten());
        const torch::Tensor x = torch::randn({37, 1, side, side});   // 37: an odd chunk for the threads
        // In training, a batch norm needs the statistics of the whole convolution output:
        // then the modules run. Without one the layer trains fused (the test below).
        QCOMPARE(inputConvPoolSpan(net, 0, x) == 0, batchNorm);
        net->eval();
        {
            torch::Tensor withGrad = x.clone().requires_grad_();
            QCOMPARE(inputConvPoolSpan(net, 0, withGrad), 0);   // a gradient is wanted
        }
        torch::InferenceMode inference;
        const int span = inputConvPoolSpan(net, 0, x);
        QCOMPARE(span, 2 + int(batchNorm) + int(relu) + int(reluBeforePool));
        const torch::Tensor got = inputConvPool(net, 0, span, x);
        torch::Tensor expected = x;
        for (int i = 0; i < span; ++i)
            expected = net->begin()[i].forward(expected);
        QCOMPARE(got.sizes(), expected.sizes());
        QVERIFY(got.is_contiguous(torch::MemoryFormat::ChannelsLast));
        const double diff = (got - expected).abs().max().item<double>();
        QVERIFY2(diff < 2e-5 * (1 + expected.abs().max().item<double>()), qPrintable(QStringLiteral("max difference %1").arg(diff)));
    }

    void channelsLastMaxPoolMatchesModules_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::addColumn<QString>("order");   // "pool", "pool relu" or "relu pool"
        QTest::addColumn<bool>("ties");       // small integers: many windows with equal values
        QTest::newRow("quick-99's second pool: 24 channels, then ReLU") << 24 << 10 << 10 << "pool relu" << false;
        QTest::newRow("12 channels (a part-filled vector), no ReLU") << 12 << 10 << 10 << "pool" << false;
        QTest::newRow("ReLU then pool, odd sides (11x9)") << 6 << 11 << 9 << "relu pool" << false;
        QTest::newRow("equal values: the first in row order wins") << 5 << 8 << 6 << "pool" << true;
        QTest::newRow("equal values with a ReLU after") << 9 << 6 << 6 << "pool relu" << true;
        QTest::newRow("equal values with a ReLU before") << 9 << 6 << 6 << "relu pool" << true;
    }

    // The channels-last 2x2 max pool (with the ReLU next to it): libtorch's output and the
    // gradient it sends back, value for value. The gradient only copies upstream values, so
    // the comparison is exact: a gradient sent to the wrong one of equal values shows here.
    void channelsLastMaxPoolMatchesModules()
    {
        QFETCH(int, channels);
        QFETCH(int, height);
        QFETCH(int, width);
        QFETCH(QString, order);
        QFETCH(bool, ties);
        torch::manual_seed(13);
        const torch::Tensor values = ties ? torch::randint(-2, 3, {7, channels, height, width}).to(torch::kFloat)
                                          : torch::randn({7, channels, height, width});
        const torch::Tensor x = values.contiguous(torch::MemoryFormat::ChannelsLast);
        torch::nn::MaxPool2d pool(torch::nn::MaxPool2dOptions(2));
        QVERIFY(fitsChannelsLastMaxPool(x, *pool));
        QVERIFY(!fitsChannelsLastMaxPool(values.contiguous(), *pool) || channels == 1);   // NCHW stays libtorch's
        QVERIFY(!fitsChannelsLastMaxPool(x, *torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3))));

        const torch::Tensor plainX = x.detach().clone().requires_grad_();
        torch::Tensor expected = plainX;
        if (order == QLatin1String("relu pool"))
            expected = torch::relu(expected);
        expected = pool->forward(expected);
        if (order == QLatin1String("pool relu"))
            expected = torch::relu(expected);
        const torch::Tensor upstream = torch::randn(expected.sizes());
        (expected * upstream).sum().backward();

        const torch::Tensor fastX = x.detach().clone().requires_grad_();
        const torch::Tensor got = channelsLastMaxPool(fastX, order != QLatin1String("pool"));
        QVERIFY(got.is_contiguous(torch::MemoryFormat::ChannelsLast));
        QVERIFY(torch::equal(got, expected));
        (got * upstream).sum().backward();
        QVERIFY2(torch::equal(fastX.grad(), plainX.grad()),
                 qPrintable(QStringLiteral("gradients differ by up to %1").arg((fastX.grad() - plainX.grad()).abs().max().item<double>())));
        {
            torch::InferenceMode inference;   // the test pass: no autograd at all
            QVERIFY(torch::equal(channelsLastMaxPool(x, order != QLatin1String("pool")), expected.detach()));
        }
    }

    void inputConvPoolTrainingMatchesModules_data()
    {
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("kernel");
        QTest::addColumn<bool>("relu");
        QTest::addColumn<int>("padding");
        QTest::addColumn<bool>("reluBeforePool");
        QTest::newRow("quick-99: 12 channels 5x5, pool, ReLU") << 12 << 5 << true << 0 << false;
        QTest::newRow("the peer's net: 24 channels 5x5") << 24 << 5 << true << 0 << false;
        QTest::newRow("6 channels 3x3, no ReLU, odd pooled width (13)") << 6 << 3 << false << 0 << false;
        QTest::newRow("7x7: kernel rows in parts of five and two") << 10 << 7 << true << 0 << false;
        QTest::newRow("odd convolution output (25 -> 12)") << 9 << 4 << true << 0 << false;
        QTest::newRow("default-model: padding 2, ReLU, pool") << 16 << 5 << false << 2 << true;
        QTest::newRow("padding 1, 3x3, odd pooled width (14 -> 7)") << 8 << 3 << true << 1 << false;
    }

    // The fused first layer while training: the modules' output, and their gradients for
    // the convolution's weight and bias, from the same upstream gradient. A wrong winner of
    // a pooling window, a wrong tap or a gradient let through a closed ReLU shows here.
    void inputConvPoolTrainingMatchesModules()
    {
        QFETCH(int, channels);
        QFETCH(int, kernel);
        QFETCH(bool, relu);
        QFETCH(int, padding);
        QFETCH(bool, reluBeforePool);
        if (const char *why = whyNoFusedInputLayer())
            QSKIP(why);
        torch::manual_seed(11);
        torch::nn::Sequential net;
        torch::nn::Conv2d conv(torch::nn::Conv2dOptions(1, channels, kernel).padding(padding));
        {
            torch::NoGradGuard noGrad;   // the lab trains with channels-last weights
            conv->weight.set_data(torch::empty_like(conv->weight, torch::MemoryFormat::ChannelsLast).copy_(conv->weight));
        }
        net->push_back(conv);
        if (reluBeforePool)
            net->push_back(torch::nn::ReLU());
        net->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
        if (relu)
            net->push_back(torch::nn::ReLU());
        const torch::Tensor x = torch::randn({37, 1, 28, 28});
        const int span = inputConvPoolSpan(net, 0, x);
        QCOMPARE(span, 2 + int(relu) + int(reluBeforePool));

        torch::Tensor expected = x;
        for (int i = 0; i < span; ++i)
            expected = net->begin()[i].forward(expected);
        const torch::Tensor upstream = torch::randn(expected.sizes());
        (expected * upstream).sum().backward();
        const torch::Tensor expectedWeightGrad = conv->weight.grad().clone(), expectedBiasGrad = conv->bias.grad().clone();
        conv->weight.mutable_grad() = torch::Tensor();
        conv->bias.mutable_grad() = torch::Tensor();

        const torch::Tensor got = inputConvPool(net, 0, span, x);
        QVERIFY(got.requires_grad());
        QCOMPARE(got.sizes(), expected.sizes());
        const double outDiff = (got - expected).abs().max().item<double>();
        QVERIFY2(outDiff < 2e-5 * (1 + expected.abs().max().item<double>()), qPrintable(QString::number(outDiff)));
        (got * upstream).sum().backward();
        QCOMPARE(conv->weight.grad().sizes(), expectedWeightGrad.sizes());
        for (const auto &[name, mine, theirs] : {std::tuple{"weight", conv->weight.grad(), expectedWeightGrad},
                                                 std::tuple{"bias", conv->bias.grad(), expectedBiasGrad}}) {
            const double scale = std::max(1e-3, theirs.abs().max().item<double>());
            const double diff = (mine - theirs).abs().max().item<double>() / scale;
            QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("%1 gradient: relative difference %2").arg(QLatin1String(name)).arg(diff)));
        }
        // The same gradients again for the same batch: nothing depends on thread timing.
        const torch::Tensor first = conv->weight.grad().clone();
        conv->weight.mutable_grad() = torch::Tensor();
        (inputConvPool(net, 0, span, x) * upstream).sum().backward();
        QVERIFY(torch::equal(conv->weight.grad(), first));
    }

    // In a whole network the test pass takes the fused layer and scores what the modules
    // score: the same logits up to rounding, the same digits.
    void evaluationWithInputConvPoolMatchesForward()
    {
        NetworkSpec spec = NetworkSpec::fromJson(QJsonDocument::fromJson(R"({"input": [1, 28, 28], "layers": [
            {"type": "Conv2d", "units": 12, "kernel": 5}, {"type": "MaxPool2d", "kernel": 2, "stride": 2}, {"type": "ReLU"},
            {"type": "Conv2d", "units": 24, "kernel": 3}, {"type": "MaxPool2d", "kernel": 2, "stride": 2}, {"type": "ReLU"},
            {"type": "Flatten"}, {"type": "Linear", "units": 32}, {"type": "ReLU"}, {"type": "Linear", "units": 10}]})").object(),
                                                 QStringLiteral("test"));
        BuiltNetwork network = NetworkBuilder::build(spec);
        NetworkBuilder::useChannelsLast(network);
        network.net->eval();
        torch::InferenceMode inference;
        const torch::Tensor x = torch::randn({64, 1, 28, 28});
        if (!whyNoFusedInputLayer())
            QCOMPARE(inputConvPoolSpan(network.net, 0, x), 3);   // conv, pool, ReLU
        const torch::Tensor plain = network.net->forward(x), fast = network.run(x);
        QVERIFY2((fast - plain).abs().max().item<double>() < 1e-4, qPrintable(QString::number((fast - plain).abs().max().item<double>())));
        QVERIFY(torch::equal(fast.argmax(1), plain.argmax(1)));
    }

    void channelsLastMatchesPlainPath_data()
    {
        QTest::addColumn<bool>("batchNorm");
        QTest::addColumn<bool>("poolFirst");
        // Without batch norm the first block trains as inputConvPool, the second block's
        // pool and ReLU as channelsLastMaxPool.
        QTest::newRow("ReLU then pool (run as pool then ReLU)") << false << false;
        QTest::newRow("pool then ReLU (quick-99's order)") << false << true;
        // 6 and 12 channels: not multiples of 8, so channelsLastBatchNorm stands in for
        // libtorch's layer; the 8-channel one stays libtorch's.
        QTest::newRow("batch norm") << true << false;
    }

    // The convolution fast path (channels-last weights and inputs, pool before ReLU, in
    // place, the channels-last batch norm) must give the plain path's loss, gradients and
    // batch-norm running statistics on the same batch, and a saved model must hold the
    // usual layout.
    void channelsLastMatchesPlainPath()
    {
        QFETCH(bool, batchNorm);
        QFETCH(bool, poolFirst);
        const auto data = syntheticData();
        NetworkSpec spec;
        spec.layers = {LayerSpec::conv(6, 5), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                       LayerSpec::conv(8, 3, 1, 1), LayerSpec::maxPool(2), LayerSpec::activation(LayerSpec::Type::ReLU),
                       LayerSpec::flatten(), LayerSpec::linear(32), LayerSpec::activation(LayerSpec::Type::ReLU),
                       LayerSpec::linear(10)};
        if (poolFirst)
            std::swap(spec.layers[1], spec.layers[2]);   // conv, pool, ReLU
        if (batchNorm) {
            spec.layers = {LayerSpec::conv(6, 5), LayerSpec::batchNorm(), LayerSpec::activation(LayerSpec::Type::ReLU),
                           LayerSpec::maxPool(2), LayerSpec::conv(12, 3, 1, 1), LayerSpec::batchNorm(),
                           LayerSpec::maxPool(2), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::conv(8, 3),
                           LayerSpec::batchNorm(), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::flatten(),
                           LayerSpec::linear(32), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::linear(10)};
        }
        torch::manual_seed(5);
        BuiltNetwork plain = NetworkBuilder::build(spec);
        torch::manual_seed(5);
        BuiltNetwork fast = NetworkBuilder::build(spec);
        NetworkBuilder::useChannelsLast(fast);
        QVERIFY(fast.channelsLast);
        if (batchNorm)   // the layer under test really takes the channels-last kernel
            QVERIFY(fitsChannelsLastBatchNorm(fast.emptyInput(2, 6, 24, 24), *fast.net->ptr(1)->as<torch::nn::BatchNorm2d>()));

        const int batch = 32;
        const torch::Tensor x = torch::empty({batch, 1, 28, 28}, torch::kFloat);
        Dataset::normalizeRange(data->train, 0, batch, data->norm, x.data_ptr<float>());
        torch::Tensor xFast = fast.emptyInput(batch, 1, 28, 28);
        Dataset::normalizeRange(data->train, 0, batch, data->norm, xFast.data_ptr<float>());
        QCOMPARE(xFast.stride(1), int64_t(1));   // NHWC strides even for one channel
        if (!whyNoFusedInputLayer())
            QCOMPARE(inputConvPoolSpan(fast.net, 0, xFast), batchNorm ? 0 : 3);   // batch norm trains on the full map
        const torch::Tensor y = torch::from_blob(const_cast<std::int64_t *>(data->train.labels.data()), {batch}, torch::kLong);

        const torch::Tensor plainLoss = torch::nn::functional::cross_entropy(plain.net->forward(x), y);
        const torch::Tensor fastLoss = torch::nn::functional::cross_entropy(fast.run(xFast), y);
        QVERIFY2(qAbs(plainLoss.item<double>() - fastLoss.item<double>()) < 1e-5,
                 qPrintable(QStringLiteral("loss %1 vs %2").arg(fastLoss.item<double>()).arg(plainLoss.item<double>())));
        plainLoss.backward();
        fastLoss.backward();
        const auto plainParams = plain.net->parameters();
        const auto fastParams = fast.net->parameters();
        QCOMPARE(fastParams.size(), plainParams.size());
        for (size_t i = 0; i < plainParams.size(); ++i) {
            const torch::Tensor expected = plainParams[i].grad();
            const double scale = std::max(1e-3, expected.abs().max().item<double>());
            const double diff = (fastParams[i].grad() - expected).abs().max().item<double>() / scale;
            QVERIFY2(diff < 1e-4, qPrintable(QStringLiteral("parameter %1: relative difference %2").arg(i).arg(diff)));
        }
        // Batch norm: the same running statistics and batch count after the step, and the
        // same output in evaluation mode.
        const auto plainBuffers = plain.net->named_buffers();
        const auto fastBuffers = fast.net->named_buffers();
        QCOMPARE(fastBuffers.size(), plainBuffers.size());
        QCOMPARE(plainBuffers.is_empty(), !batchNorm);
        for (const auto &buffer : plainBuffers) {
            const torch::Tensor &mine = fastBuffers[buffer.key()];
            QVERIFY2(torch::allclose(mine, buffer.value(), 1e-4, 1e-6),
                     qPrintable(QString::fromStdString(buffer.key()) + QStringLiteral(": ")
                                + QString::number((mine - buffer.value()).abs().max().item<double>())));
        }
        if (batchNorm) {
            torch::InferenceMode inference;
            plain.net->eval();
            fast.net->eval();
            const torch::Tensor plainOut = plain.net->forward(x), fastOut = fast.run(xFast);
            QVERIFY2(torch::allclose(fastOut, plainOut, 1e-4, 1e-4),
                     qPrintable(QString::number((fastOut - plainOut).abs().max().item<double>())));
            plain.net->train();
            fast.net->train();
        }

        // One optimiser step on channels-last weights moves them as it moves the plain ones.
        // With batch norm, SGD: a convolution bias in front of it has a zero gradient up to
        // rounding, and Adam would blow that rounding up to a full step either way.
        TrainConfig config;
        if (batchNorm)
            config.optimizer = OptimizerKind::Sgd;
        Optimizer plainStep(plainParams, config), fastStep(fastParams, config);
        plainStep.step(1e-2);
        fastStep.step(1e-2);
        for (size_t i = 0; i < plainParams.size(); ++i)
            QVERIFY2(torch::allclose(fastParams[i], plainParams[i], 1e-4, 1e-5), qPrintable(QString::number(i)));

        // Saved weights are in the default layout and load into a plain network.
        torch::manual_seed(9);
        BuiltNetwork loaded = NetworkBuilder::build(spec);
        NetworkBuilder::loadWeights(*loaded.net, NetworkBuilder::saveWeights(*fast.net), QStringLiteral("test"));
        const auto loadedParams = loaded.net->parameters();
        for (size_t i = 0; i < loadedParams.size(); ++i) {
            QVERIFY(loadedParams[i].is_contiguous());
            QVERIFY(torch::equal(loadedParams[i], fastParams[i]));
        }
        QVERIFY(fast.weightLayers.front().weight.stride(1) == 1);   // saving left the network channels-last
    }

    void deadUnitsAndGradients()
    {
        const auto data = syntheticData();
        const torch::Tensor x = torch::empty({64, 1, 28, 28}, torch::kFloat);
        Dataset::normalizeRange(data->train, 0, 64, data->norm, x.data_ptr<float>());
        const torch::Tensor y = torch::from_blob(const_cast<std::int64_t *>(data->train.labels.data()), {64}, torch::kLong);

        torch::manual_seed(1);
        BuiltNetwork relu = NetworkBuilder::build(mlp("784-50-50-50-10", "relu"));
        // Force the first hidden layer dead: a huge negative bias keeps every ReLU at 0.
        {
            torch::NoGradGuard noGrad;
            relu.net->ptr(1)->as<torch::nn::Linear>()->bias.fill_(-1e6);
        }
        const std::vector<double> dead = deadFractions(relu, x);
        QCOMPARE(dead.size(), size_t(4));
        QCOMPARE(dead[0], 1.0);
        QCOMPARE(dead[3], 0.0);   // the output layer is linear: it has no dead units

        // Same weights, sigmoid vs ReLU: the sigmoid stack's first-layer gradient is smaller.
        torch::manual_seed(2);
        BuiltNetwork r = NetworkBuilder::build(mlp("784-50-50-50-10", "relu"));
        torch::manual_seed(2);
        BuiltNetwork s = NetworkBuilder::build(mlp("784-50-50-50-10", "sigmoid"));
        for (BuiltNetwork *net : {&r, &s}) {
            torch::nn::functional::cross_entropy(net->net->forward(x), y).backward();
        }
        const double reluGrad = gradientNorms(r)[0];
        const double sigmoidGrad = gradientNorms(s)[0];
        QVERIFY2(sigmoidGrad < reluGrad, qPrintable(QStringLiteral("sigmoid %1 vs relu %2").arg(sigmoidGrad).arg(reluGrad)));
    }

    void trainerLearnsAndIsDeterministic()
    {
        const auto data = syntheticData();
        Trainer a(mlp(), smallConfig(), data);
        const RunRecord first = a.run(nullptr, nullptr);
        QCOMPARE(first.status, RunStatus::Finished);
        QCOMPARE(first.completedEpochs(), 2);
        QVERIFY2(first.testAccuracy > 90, qPrintable(QString::number(first.testAccuracy)));
        QCOMPARE(first.epochs.last().confusion.total(), qint64(200));
        QVERIFY(!first.epochs.last().layers.isEmpty());
        Trainer b(mlp(), smallConfig(), data);
        const RunRecord second = b.run(nullptr, nullptr);
        QCOMPARE(withoutTimings(second), withoutTimings(first));
        TrainConfig other = smallConfig();
        other.seed = 43;
        Trainer c(mlp(), other, data);
        QVERIFY(withoutTimings(c.run(nullptr, nullptr)) != withoutTimings(first));
    }

    // Batches below 16 take another path (the whole shuffled epoch gathered at once).
    void smallBatchesLearnDeterministically()
    {
        TrainConfig c = smallConfig();
        c.batchSize = 4;
        c.epochs = 2;
        Trainer a(mlp(), c, syntheticData());
        const RunRecord first = a.run(nullptr, nullptr);
        QCOMPARE(first.status, RunStatus::Finished);
        QVERIFY2(first.testAccuracy > 90, qPrintable(QString::number(first.testAccuracy)));
        QCOMPARE(first.batchLosses.size(), 2 * 600 / 4);
        Trainer b(mlp(), c, syntheticData());
        QCOMPARE(withoutTimings(b.run(nullptr, nullptr)), withoutTimings(first));
    }

    void cancelStopsBetweenBatches()
    {
        RunControl control;
        CancelAfter observer(control, 5);
        Trainer trainer(mlp(), smallConfig(), syntheticData());
        const RunRecord record = trainer.run(&observer, &control);
        QCOMPARE(record.status, RunStatus::Cancelled);
        QCOMPARE(record.completedEpochs(), 0);
    }

    void divergenceIsRecorded()
    {
        TrainConfig c = smallConfig();
        c.optimizer = OptimizerKind::Sgd;
        c.learningRate = 10;
        c.momentum = 0.99;
        NetworkSpec spec = mlp("784-64-64-10");
        Trainer trainer(spec, c, syntheticData());
        const RunRecord record = trainer.run(nullptr, nullptr);
        QCOMPARE(record.status, RunStatus::Diverged);
        QVERIFY2(record.statusDetail.contains(QStringLiteral("epoch")) && record.statusDetail.contains(QStringLiteral("batch")),
                 qPrintable(record.statusDetail));
    }

    // Label smoothing on both training paths (hand-written MLP passes, autograd for the CNN):
    // the training loss is the smoothed one, so it cannot fall below the smoothed target's
    // own entropy; the test loss stays plain cross-entropy and does; the net still learns.
    void labelSmoothingShapesOnlyTheTrainingLoss_data()
    {
        QTest::addColumn<bool>("cnn");
        QTest::newRow("MLP") << false;
        QTest::newRow("CNN") << true;
    }

    void labelSmoothingShapesOnlyTheTrainingLoss()
    {
        QFETCH(bool, cnn);
        const double epsilon = 0.2;
        const double onLabel = 1 - epsilon + epsilon / 10, offLabel = epsilon / 10;
        const double floor = -onLabel * std::log(onLabel) - 9 * offLabel * std::log(offLabel);   // 0.867
        TrainConfig c = smallConfig();
        c.epochs = 3;
        Trainer plain(cnn ? smallCnn() : mlp(), c, syntheticData());
        const RunRecord plainRun = plain.run(nullptr, nullptr);
        c.labelSmoothing = epsilon;
        Trainer smoothed(cnn ? smallCnn() : mlp(), c, syntheticData());
        const RunRecord smoothedRun = smoothed.run(nullptr, nullptr);
        QCOMPARE(smoothedRun.status, RunStatus::Finished);
        const EpochMetrics &s = smoothedRun.epochs.last();
        const EpochMetrics &p = plainRun.epochs.last();
        QVERIFY2(p.trainLoss < floor, qPrintable(QString::number(p.trainLoss)));
        QVERIFY2(s.trainLoss > floor, qPrintable(QStringLiteral("smoothed train loss %1, floor %2").arg(s.trainLoss).arg(floor)));
        QVERIFY2(s.testLoss < floor, qPrintable(QStringLiteral("test loss %1 is not plain cross-entropy").arg(s.testLoss)));
        QVERIFY2(smoothedRun.testAccuracy > 90, qPrintable(QString::number(smoothedRun.testAccuracy)));
        QCOMPARE(smoothedRun.config.labelSmoothing, epsilon);
        QCOMPARE(TrainConfig::fromJson(smoothedRun.config.toJson(), QStringLiteral("t")).labelSmoothing, epsilon);
    }

    // Weight averaging: after one step the saved model is the ramped mean d·w0 + (1 − d)·w1
    // of the initial and the trained values (d = min(decay, 2/11) at step 1), for weights and
    // BatchNorm's running statistics alike, on both training paths; training itself is the
    // same as without averaging, and the epoch's evaluation is the averaged model's.
    void weightAverageIsTheRampedMeanOfTheSteps_data()
    {
        QTest::addColumn<bool>("cnn");
        QTest::newRow("MLP (hand-written passes)") << false;
        QTest::newRow("CNN with BatchNorm (autograd, channels-last)") << true;
    }

    void weightAverageIsTheRampedMeanOfTheSteps()
    {
        QFETCH(bool, cnn);
        NetworkSpec spec = mlp();
        if (cnn) {
            spec = smallCnn();
            spec.layers.insert(1, LayerSpec::batchNorm());
        }
        TrainConfig c = smallConfig();
        c.epochs = 1;
        c.maxBatchesPerEpoch = 1;
        const auto data = syntheticData();
        Trainer plain(spec, c, data);
        const RunRecord plainRun = plain.run(nullptr, nullptr);
        c.weightAverageDecay = 0.99;
        Trainer averaged(spec, c, data);
        const std::vector<NamedTensor> w0 = ModelTensors::read(averaged.model(), QStringLiteral("initial"));
        const RunRecord averagedRun = averaged.run(nullptr, nullptr);
        QCOMPARE(averagedRun.status, RunStatus::Finished);
        QCOMPARE(averagedRun.epochs.first().trainLoss, plainRun.epochs.first().trainLoss);
        QVERIFY2(averagedRun.epochs.first().testLoss != plainRun.epochs.first().testLoss,
                 "the epoch was evaluated with the trained, not the averaged weights");

        const std::vector<NamedTensor> w1 = ModelTensors::read(plain.model(), QStringLiteral("trained"));
        const std::vector<NamedTensor> avg = ModelTensors::read(averaged.model(), QStringLiteral("averaged"));
        QCOMPARE(avg.size(), w1.size());
        const double d = 2.0 / 11.0;
        int compared = 0;
        for (size_t t = 0; t < avg.size(); ++t) {
            if (avg[t].integer) {   // BatchNorm's batch counter is the network's own
                QCOMPARE(avg[t].integerValue, w1[t].integerValue);
                continue;
            }
            QVERIFY2(avg[t].values != w1[t].values || avg[t].values == w0[t].values, qPrintable(avg[t].name));
            for (size_t i = 0; i < avg[t].values.size(); ++i) {
                const double expected = d * w0[t].values[i] + (1 - d) * w1[t].values[i];
                if (std::abs(avg[t].values[i] - expected) > 1e-6)
                    QFAIL(qPrintable(QStringLiteral("%1[%2]: %3, expected %4").arg(avg[t].name).arg(i)
                                         .arg(avg[t].values[i]).arg(expected)));
            }
            ++compared;
        }
        QVERIFY(compared >= (cnn ? 6 : 4));   // weights, biases (and BatchNorm's four)
        QCOMPARE(TrainConfig::fromJson(averagedRun.config.toJson(), QStringLiteral("t")).weightAverageDecay, 0.99);
    }

    void badConfigurationIsRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::newRow("batch_size") << QStringLiteral("batch_size");
        QTest::newRow("epochs") << QStringLiteral("epochs");
        QTest::newRow("learning_rate") << QStringLiteral("learning_rate");
        QTest::newRow("label_smoothing") << QStringLiteral("label_smoothing");
        QTest::newRow("weight_average_decay") << QStringLiteral("weight_average_decay");
        QTest::newRow("clean_final_epochs") << QStringLiteral("clean_final_epochs");
    }

    void badConfigurationIsRefused()
    {
        QFETCH(QString, field);
        TrainConfig c = smallConfig();
        if (field == u"batch_size")
            c.batchSize = 0;
        else if (field == u"epochs")
            c.epochs = 0;
        else if (field == u"label_smoothing")
            c.labelSmoothing = 0.7;
        else if (field == u"weight_average_decay")
            c.weightAverageDecay = 0.5;
        else if (field == u"clean_final_epochs") {
            c.augment.enabled = true;
            c.augment.cleanFinalEpochs = c.epochs;   // no epoch left to augment
        } else
            c.learningRate = -1;
        try {
            Trainer trainer(mlp(), c, syntheticData());
            QFAIL("accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(field), qPrintable(e.message()));
        }
    }

    // A run stopped after epoch 1 and resumed gives the same record as an uninterrupted one.
    // The CNN path: seeded runs repeat exactly; each epoch's train accuracy comes from its
    // batches, and the run ends with one full pass, which gives what a full pass after
    // every epoch gives for the last one.
    void cnnRunsRepeatAndEndWithAFullTrainPass()
    {
        const auto data = syntheticData();
        TrainConfig config = smallConfig();
        Trainer a(smallCnn(), config, data);
        const RunRecord first = a.run(nullptr, nullptr);
        QCOMPARE(first.status, RunStatus::Finished);
        QVERIFY2(first.testAccuracy > 80, qPrintable(QString::number(first.testAccuracy)));
        QVERIFY(first.epochs.first().trainAccuracyFromBatches);
        QVERIFY(!first.epochs.last().trainAccuracyFromBatches);
        QCOMPARE(first.trainAccuracy, first.epochs.last().trainAccuracy);
        QCOMPARE(first.epochs.first().toJson().value(QStringLiteral("train_accuracy_source")).toString(),
                 QStringLiteral("training batches"));
        Trainer b(smallCnn(), config, data);
        QCOMPARE(withoutTimings(b.run(nullptr, nullptr)), withoutTimings(first));

        config.trainEvalEveryEpoch = true;
        Trainer c(smallCnn(), config, data);
        const RunRecord everyEpoch = c.run(nullptr, nullptr);
        QVERIFY(!everyEpoch.epochs.first().trainAccuracyFromBatches);
        QCOMPARE(everyEpoch.trainAccuracy, first.trainAccuracy);
        QCOMPARE(everyEpoch.testAccuracy, first.testAccuracy);

        // Wall time to 99%: null in the record when never reached, else after the training time.
        const QJsonObject json = first.toJson();
        if (first.bestTestAccuracy < 99.0) {
            QVERIFY(json.value(QStringLiteral("wall_seconds_to_99")).isNull());
        } else {
            QVERIFY(first.wallSecondsTo99 >= first.secondsTo99);
            QCOMPARE(json.value(QStringLiteral("wall_seconds_to_99")).toDouble(), first.wallSecondsTo99);
        }
        QVERIFY(json.value(QStringLiteral("wall_seconds_to_99_5")).isNull() || first.bestTestAccuracy >= 99.5);

        // Each epoch says what its test pass cost, a part of its whole evaluation.
        for (const EpochMetrics &m : first.epochs) {
            QVERIFY2(m.testEvalSeconds > 0 && m.testEvalSeconds <= m.evalSeconds,
                     qPrintable(QStringLiteral("%1 of %2").arg(m.testEvalSeconds).arg(m.evalSeconds)));
            QCOMPARE(EpochMetrics::fromJson(m.toJson()).testEvalSeconds, m.testEvalSeconds);
        }
    }

    void resumeContinuesExactly_data()
    {
        QTest::addColumn<bool>("cnn");
        QTest::addColumn<double>("weightAverage");
        QTest::newRow("mlp") << false << 0.0;
        QTest::newRow("cnn (channels-last weights in the checkpoint)") << true << 0.0;
        QTest::newRow("cnn with weight averaging (the average in the checkpoint)") << true << 0.95;
    }

    void resumeContinuesExactly()
    {
        QFETCH(bool, cnn);
        QFETCH(double, weightAverage);
        QTemporaryDir runs;
        const auto data = syntheticData();
        RunRequest request;
        request.spec = cnn ? smallCnn() : mlp();
        request.config = smallConfig();
        request.config.epochs = 3;
        request.config.weightAverageDecay = weightAverage;
        request.dataFolder = data->folder;
        request.runsFolder = runs.path();
        const RunRecord full = ExperimentRunner(request).run(nullptr, nullptr);
        QCOMPARE(full.status, RunStatus::Finished);
        QVERIFY(QFile::exists(RunStore::modelPath(full.folder)));
        QVERIFY(!QFile::exists(RunStore::checkpointPath(full.folder)));

        // Cancel during epoch 2: epoch 1 is saved with its checkpoint.
        RunControl control;
        CancelAfter observer(control, 30 + 5);   // 600/20 = 30 batches per epoch
        const RunRecord stopped = ExperimentRunner(request).run(&observer, &control);
        QCOMPARE(stopped.status, RunStatus::Cancelled);
        QCOMPARE(stopped.completedEpochs(), 1);
        QVERIFY(QFile::exists(RunStore::checkpointPath(stopped.folder)));
        QCOMPARE(RunStore(runs.path()).load(stopped.folder).status, RunStatus::Cancelled);

        const RunRecord resumed = ExperimentRunner::resume(stopped.folder, data->folder, nullptr, nullptr);
        QCOMPARE(resumed.status, RunStatus::Finished);
        QCOMPARE(resumed.completedEpochs(), 3);
        QCOMPARE(resumed.testAccuracy, full.testAccuracy);
        QCOMPARE(resumed.finalTrainLoss, full.finalTrainLoss);
        for (int e = 0; e < 3; ++e) {
            QCOMPARE(resumed.epochs[e].trainLoss, full.epochs[e].trainLoss);
            QCOMPARE(resumed.epochs[e].confusion, full.epochs[e].confusion);
            QCOMPARE(resumed.epochs[e].testLoss, full.epochs[e].testLoss);   // the averaged weights, when averaging
        }
        QCOMPARE(RunStore(runs.path()).list().size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestTraining)
#include "tst_training.moc"
