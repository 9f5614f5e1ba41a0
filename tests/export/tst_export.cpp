// Models and runs taken elsewhere, checked by what a user elsewhere would run: the ONNX
// file through onnx::checker and OpenCV's DNN module, the PyTorch export through Python's
// torch, the CSV files read back, and `mnist-lab-cli export`'s refusals of bad input.
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/runrecord.h"
#include "core/experiment/runcsvexporter.h"
#include "core/infer/defaultmodel.h"
#include "core/infer/predictor.h"
#include "core/model/modelfile.h"
#include "core/model/networkbuilder_p.h"
#include "processrun.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <opencv2/dnn.hpp>

using namespace lab;

namespace {

constexpr int imageCount = 1000;

using CliResult = ProcessResult;

CliResult runCli(const QStringList &args)
{
    return runProcess(QStringLiteral(MNIST_LAB_CLI), args);
}

/** A few hundred Adam steps on real MNIST in train mode, so BatchNorm has real statistics. */
ModelFile trainBriefly(const NetworkSpec &spec, const Dataset &data, int steps)
{
    torch::manual_seed(3);
    BuiltNetwork built = NetworkBuilder::build(spec);
    torch::optim::Adam optimizer(built.net->parameters(), torch::optim::AdamOptions(2e-3));
    built.net->train();
    constexpr int batch = 64;
    const torch::Tensor x = torch::empty({batch, 1, 28, 28});
    const torch::Tensor labels = torch::from_blob(const_cast<std::int64_t *>(data.train.labels.data()),
                                                  {data.train.count}, torch::kLong);
    for (int step = 0; step < steps; ++step) {
        const std::int64_t first = (std::int64_t(step) * batch) % (data.train.count - batch);
        Dataset::normalizeRange(data.train, first, batch, data.norm, x.data_ptr<float>());
        const torch::Tensor loss = torch::nn::functional::cross_entropy(built.net->forward(x), labels.narrow(0, first, batch));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    ModelFile model;
    model.spec = spec;
    model.norm = data.norm;
    model.weights = NetworkBuilder::saveWeights(*built.net);
    model.summary = QJsonObject{{QStringLiteral("model_type"), spec.name}};
    return model;
}

/** The first `imageCount` test images as the network sees them (z-scored). */
torch::Tensor testImages(const Dataset &data, const Normalization &norm)
{
    const torch::Tensor x = torch::empty({imageCount, 1, 28, 28});
    Dataset::normalizeRange(data.test, 0, imageCount, norm, x.data_ptr<float>());
    return x;
}

/** The lab's own logits: the model built and loaded exactly as the Predictor does. */
torch::Tensor labLogits(const ModelFile &model, const torch::Tensor &images)
{
    BuiltNetwork built = NetworkBuilder::build(model.spec);
    NetworkBuilder::loadWeights(*built.net, model.weights, QStringLiteral("test"));
    built.net->eval();
    torch::NoGradGuard noGrad;
    return built.net->forward(images).contiguous();
}

std::vector<int> topOne(const torch::Tensor &logits)
{
    const torch::Tensor best = logits.argmax(1).contiguous();
    return std::vector<int>(best.data_ptr<std::int64_t>(), best.data_ptr<std::int64_t>() + best.numel());
}

double accuracyOf(const std::vector<int> &predicted, const Dataset &data)
{
    int correct = 0;
    for (size_t i = 0; i < predicted.size(); ++i)
        correct += predicted[i] == int(data.test.labels[i]);
    return 100.0 * correct / double(predicted.size());
}

NetworkSpec mlpSpec()
{
    // Every activation the lab has, Dropout and a flat BatchNorm, in one stack.
    NetworkSpec spec;
    spec.name = QStringLiteral("export_mlp");
    spec.layers = {LayerSpec::flatten(),
                   LayerSpec::linear(64), LayerSpec::batchNorm(), LayerSpec::activation(LayerSpec::Type::GELU),
                   LayerSpec::dropout(0.2),
                   LayerSpec::linear(48), LayerSpec::activation(LayerSpec::Type::Tanh),
                   LayerSpec::linear(32), LayerSpec::activation(LayerSpec::Type::Sigmoid),
                   LayerSpec::linear(24), LayerSpec::activation(LayerSpec::Type::ReLU),
                   LayerSpec::linear(16), LayerSpec::activation(LayerSpec::Type::LeakyReLU),
                   LayerSpec::linear(10)};
    spec.layers[12].p = 0.05;   // LeakyReLU's slope
    return spec;
}

NetworkSpec cnnSpec()
{
    NetworkSpec spec;
    spec.name = QStringLiteral("export_cnn_bn");
    spec.layers = {LayerSpec::conv(8, 5, 1, 2), LayerSpec::batchNorm(), LayerSpec::activation(LayerSpec::Type::ReLU),
                   LayerSpec::maxPool(2),
                   LayerSpec::conv(16, 3, 2, 1), LayerSpec::batchNorm(), LayerSpec::activation(LayerSpec::Type::LeakyReLU),
                   LayerSpec::maxPool(2),
                   LayerSpec::flatten(), LayerSpec::dropout(0.3), LayerSpec::linear(32),
                   LayerSpec::activation(LayerSpec::Type::GELU), LayerSpec::linear(10)};
    spec.layers[6].p = 0.1;
    return spec;
}

QString metadata(const onnx::ModelProto &proto, const std::string &key)
{
    for (const auto &entry : proto.metadata_props())
        if (entry.key() == key)
            return QString::fromStdString(entry.value());
    return QString();
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<const Dataset> m_data;
    QTemporaryDir m_dir;
    QMap<QString, ModelFile> m_models;   // name → model, saved as <name>.mnlm in m_dir

    QString modelPath(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".mnlm")); }

private Q_SLOTS:
    void initTestCase()
    {
        torch::set_num_threads(2);
        MNIST_FOLDER_OR_SKIP(folder);
        m_data = Dataset::load(folder);
        m_models.insert(QStringLiteral("mlp"), trainBriefly(mlpSpec(), *m_data, 300));
        m_models.insert(QStringLiteral("cnn_bn"), trainBriefly(cnnSpec(), *m_data, 150));
        m_models.insert(QStringLiteral("default"), DefaultModel::load());
        for (auto it = m_models.cbegin(); it != m_models.cend(); ++it)
            it.value().save(modelPath(it.key()));
    }

    void onnxAgreesWithOpenCv_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("MLP, every activation, BN, dropout") << QStringLiteral("mlp");
        QTest::newRow("CNN with BN") << QStringLiteral("cnn_bn");
        QTest::newRow("bundled default model") << QStringLiteral("default");
    }

    void onnxAgreesWithOpenCv()
    {
        QFETCH(QString, name);
        const ModelFile &model = m_models[name];
        const QString onnxPath = m_dir.filePath(name + QStringLiteral(".onnx"));
        const CliResult r = runCli({QStringLiteral("export"), QStringLiteral("--model"), modelPath(name),
                                    QStringLiteral("--onnx"), onnxPath});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // The ONNX library's own checker accepts the file, and its interface is the promised one.
        QFile file(onnxPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        onnx::ModelProto proto;
        QVERIFY(proto.ParseFromArray(bytes.constData(), int(bytes.size())));
        try {
            onnx::checker::check_model(proto);
        } catch (const std::exception &e) {
            QFAIL(e.what());
        }
        QVERIFY(proto.opset_import(0).version() >= 11);
        QCOMPARE(proto.graph().input_size(), 1);
        QCOMPARE(proto.graph().input(0).name(), std::string("image"));
        const auto &inShape = proto.graph().input(0).type().tensor_type().shape();
        QCOMPARE(inShape.dim_size(), 4);
        QCOMPARE(inShape.dim(0).dim_param(), std::string("N"));
        QCOMPARE(inShape.dim(1).dim_value(), 1);
        QCOMPARE(inShape.dim(2).dim_value(), 28);
        QCOMPARE(inShape.dim(3).dim_value(), 28);
        QCOMPARE(proto.graph().output(0).name(), std::string("logits"));
        QCOMPARE(proto.graph().output(0).type().tensor_type().shape().dim(1).dim_value(), 10);
        QCOMPARE(metadata(proto, "normalization_mean").toFloat(), model.norm.mean);
        QCOMPARE(metadata(proto, "normalization_std").toFloat(), model.norm.std);

        // OpenCV's DNN module, fed what the metadata says, answers as the lab does.
        const torch::Tensor images = testImages(*m_data, model.norm);
        const torch::Tensor expected = labLogits(model, images);
        cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.constData(), size_t(bytes.size()));
        const int sizes[] = {imageCount, 1, 28, 28};
        net.setInput(cv::Mat(4, sizes, CV_32F, images.data_ptr<float>()), "image");
        const cv::Mat out = net.forward();
        QCOMPARE(out.total(), size_t(imageCount) * 10);
        const torch::Tensor opencv = torch::from_blob(const_cast<float *>(out.ptr<float>()), {imageCount, 10}).clone();
        const double maxDiff = (opencv - expected).abs().max().item<double>();
        QVERIFY2(maxDiff < 1e-4, qPrintable(QStringLiteral("largest logit difference %1").arg(maxDiff)));
        QCOMPARE(topOne(opencv), topOne(expected));

        // …and the lab's Predictor (the app's path) agrees on top-1 too.
        ImageSet first = m_data->test;
        first.count = imageCount;
        first.raw = first.raw.left(imageCount * 784);
        first.labels.resize(imageCount);
        const Evaluation evaluation = Predictor(model).evaluate(first);
        const double accuracy = accuracyOf(topOne(opencv), *m_data);
        QCOMPARE(accuracy, evaluation.accuracy);
        qInfo("%s: OpenCV DNN top-1 %.1f%% on %d test images, largest logit difference %.2g",
              qPrintable(name), accuracy, imageCount, maxDiff);
        QVERIFY2(accuracy > 80, "the briefly trained models learnt something, so agreement means something");
    }

    void pytorchStateDictRunsInPython()
    {
        if (!QFileInfo::exists(QStringLiteral(MNIST_LAB_PYTHON)))
            QFAIL("python3 with torch (python3-torch) is needed: scripts/install-deps.sh installs it");
        const QStringList names = m_models.keys();
        for (const QString &name : names) {
            const QString ptPath = m_dir.filePath(QStringLiteral("py_") + name + QStringLiteral(".pt"));
            const CliResult r = runCli({QStringLiteral("export"), QStringLiteral("--model"), modelPath(name),
                                        QStringLiteral("--pt"), ptPath});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("py_") + name + QStringLiteral(".py"))));
        }

        // Exactly the lines docs/EXPORT.md shows, for each model, plus reading the test images.
        // One Python process for all three: importing torch is most of its time.
        const QString script = QStringLiteral(
            "import gzip, importlib, json, sys\n"
            "import torch\n"
            "folder, images, n = sys.argv[1], sys.argv[2], int(sys.argv[3])\n"
            "sys.path.insert(0, folder)\n"
            "opener = gzip.open if images.endswith('.gz') else open\n"
            "with opener(images, 'rb') as f:\n"
            "    raw = f.read()[16:16 + n * 784]\n"
            "pixels = torch.frombuffer(bytearray(raw), dtype=torch.uint8).float().reshape(n, 1, 28, 28)\n"
            "result = {}\n"
            "for name in sys.argv[4:]:\n"
            "    model = importlib.import_module('py_' + name)\n"
            "    net = model.build()\n"
            "    state = torch.load(folder + '/py_' + name + '.pt')\n"
            "    assert list(state.keys()) == list(net.state_dict().keys()), (list(state.keys()), list(net.state_dict().keys()))\n"
            "    net.load_state_dict(state)\n"
            "    net.eval()\n"
            "    with torch.no_grad():\n"
            "        logits = net(model.normalize(pixels))\n"
            "    result[name] = logits.flatten().tolist()\n"
            "print(json.dumps(result))\n");
        QProcess python;
        python.start(QStringLiteral(MNIST_LAB_PYTHON),
                     QStringList{QStringLiteral("-c"), script, m_dir.path(),
                                 Dataset::findFile(TestData::realMnistFolder(), QStringLiteral("t10k-images-idx3-ubyte")),
                                 QString::number(imageCount)}
                         + names);
        QVERIFY(python.waitForFinished(120000));
        const QByteArray err = python.readAllStandardError();
        QVERIFY2(python.exitCode() == 0, err.constData());
        const QJsonObject answers = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
        for (const QString &name : names) {
            const ModelFile &model = m_models[name];
            const QJsonArray values = answers.value(name).toArray();
            QCOMPARE(values.size(), imageCount * 10);
            std::vector<float> logits;
            for (const QJsonValue &v : values)
                logits.push_back(float(v.toDouble()));
            const torch::Tensor fromPython = torch::from_blob(logits.data(), {imageCount, 10}).clone();
            const torch::Tensor expected = labLogits(model, testImages(*m_data, model.norm));
            const double maxDiff = (fromPython - expected).abs().max().item<double>();
            QVERIFY2(maxDiff < 1e-4, qPrintable(QStringLiteral("%1: largest logit difference %2").arg(name).arg(maxDiff)));
            const double pythonAccuracy = accuracyOf(topOne(fromPython), *m_data);
            QCOMPARE(pythonAccuracy, accuracyOf(topOne(expected), *m_data));
            QCOMPARE(topOne(fromPython), topOne(expected));
            qInfo("%s: Python torch top-1 %.1f%% on %d test images, largest logit difference %.2g",
                  qPrintable(name), pythonAccuracy, imageCount, maxDiff);
        }
    }

    void csvOfARun()
    {
        RunRecord record;
        record.modelType = QStringLiteral("csv_run");
        record.spec = NetworkSpec::fromShorthand(QStringLiteral("784-20-10"), QStringLiteral("relu"));
        record.status = RunStatus::Finished;
        for (int e = 1; e <= 2; ++e) {
            EpochMetrics m;
            m.epoch = e;
            m.trainLoss = 1.0 / e;
            m.trainAccuracy = 80 + e;
            m.testLoss = 0.5 / e;
            m.testAccuracy = 90.25 + e;
            m.learningRate = 1e-3;
            m.seconds = 2.5;
            record.epochs.append(m);
        }
        record.batchLosses = {2.5, 1.25, 0.75};
        record.batchLossStride = 100;
        const QString runFolder = m_dir.filePath(QStringLiteral("runs/20260101-120000-csv_run"));
        QVERIFY(QDir().mkpath(runFolder));
        record.save(QDir(runFolder).filePath(QStringLiteral("record.json")));

        const QString out = m_dir.filePath(QStringLiteral("csv"));
        const CliResult r = runCli({QStringLiteral("export"), QStringLiteral("--run"), runFolder, QStringLiteral("--csv"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile epochs(QDir(out).filePath(QStringLiteral("epochs.csv")));
        QVERIFY(epochs.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = epochs.readAll().trimmed().split('\n');
        QCOMPARE(rows.first(), QByteArray("run,epoch,metric,value"));
        QCOMPARE(rows.size(), 1 + 2 * 6);   // two epochs × six metrics (no validation split)
        QVERIFY(rows.contains("20260101-120000-csv_run,2,test_accuracy,92.25"));
        QVERIFY(rows.contains("20260101-120000-csv_run,1,train_loss,1"));
        QVERIFY(rows.contains("20260101-120000-csv_run,2,learning_rate,0.001"));
        QFile batches(QDir(out).filePath(QStringLiteral("batches.csv")));
        QVERIFY(batches.open(QIODevice::ReadOnly));
        const QList<QByteArray> batchRows = batches.readAll().trimmed().split('\n');
        QCOMPARE(batchRows, (QList<QByteArray>{"run,step,metric,value", "20260101-120000-csv_run,1,train_loss,2.5",
                                               "20260101-120000-csv_run,101,train_loss,1.25",
                                               "20260101-120000-csv_run,201,train_loss,0.75"}));
        // A field with a comma is quoted, so the file still has four columns.
        record.id = QStringLiteral("a,b");
        QVERIFY(RunCsvExporter::batchesCsv({record}).contains("\"a,b\",1,train_loss,2.5\n"));
    }

    void badInputIsOneLineAndWritesNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("expected");   // a piece of the one error line
        const QString notModel = m_dir.filePath(QStringLiteral("notes.mnlm"));
        QFile f(notModel);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("this is not a model\n");
        f.close();
        const QString out = m_dir.filePath(QStringLiteral("bad"));
        QTest::newRow("not a model") << QStringList{QStringLiteral("--model"), notModel, QStringLiteral("--onnx"), out + QStringLiteral(".onnx")}
                                     << out + QStringLiteral(".onnx") << QStringLiteral("notes.mnlm");
        QTest::newRow("missing model") << QStringList{QStringLiteral("--model"), m_dir.filePath(QStringLiteral("gone.mnlm")), QStringLiteral("--pt"), out + QStringLiteral(".pt")}
                                       << out + QStringLiteral(".pt") << QStringLiteral("gone.mnlm");
        QTest::newRow("unknown format") << QStringList{QStringLiteral("--model"), modelPath(QStringLiteral("mlp")), QStringLiteral("--tflite"), out + QStringLiteral(".tflite")}
                                        << out + QStringLiteral(".tflite") << QStringLiteral("tflite");
        QTest::newRow("suffix of another format") << QStringList{QStringLiteral("--model"), modelPath(QStringLiteral("mlp")), QStringLiteral("--onnx"), out + QStringLiteral(".pt")}
                                                  << out + QStringLiteral(".pt") << QStringLiteral(".onnx");
        QTest::newRow("two formats") << QStringList{QStringLiteral("--model"), modelPath(QStringLiteral("mlp")), QStringLiteral("--onnx"), out + QStringLiteral(".onnx"), QStringLiteral("--pt"), out + QStringLiteral(".pt")}
                                     << out + QStringLiteral(".onnx") << QStringLiteral("exactly one");
        QTest::newRow("not a run folder") << QStringList{QStringLiteral("--run"), m_dir.path(), QStringLiteral("--csv"), out}
                                          << out << QStringLiteral("not a run folder");
    }

    void badInputIsOneLineAndWritesNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, target);
        QFETCH(QString, expected);
        const CliResult r = runCli(QStringList{QStringLiteral("export")} + args);
        QVERIFY2(r.exitCode != 0 && r.exitCode != -1, qPrintable(r.err));
        QVERIFY2(!r.err.trimmed().contains(u'\n'), qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(!QFileInfo::exists(target.left(target.lastIndexOf(u'.')) + QStringLiteral(".py")));
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
