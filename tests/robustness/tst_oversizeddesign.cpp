// A design too large for memory is refused before anything is allocated, with a message
// that gives its size: by the shape check (ShapeReport), by the Trainer and by
// ExperimentRunner::prepare()/run(), which must leave no run folder behind.
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/experimentrunner.h"
#include "core/model/shapeinference.h"
#include "testdata.h"
#include "core/train/trainer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

Q_DECLARE_METATYPE(lab::NetworkSpec)

namespace {

lab::NetworkSpec stack(const QString &name, const QList<lab::LayerSpec> &layers)
{
    lab::NetworkSpec spec;
    spec.name = name;
    spec.layers = layers;
    return spec;
}

// Flatten → Linear(100000) → ReLU → Linear(100000) → ReLU → Linear(10): ten billion weights.
lab::NetworkSpec hugeMlp()
{
    using L = lab::LayerSpec;
    return stack(QStringLiteral("huge"), {L::flatten(), L::linear(100000), L::activation(L::Type::ReLU),
                                          L::linear(100000), L::activation(L::Type::ReLU), L::linear(10)});
}

/** Peak resident memory of this process so far (VmHWM), in MiB. */
qint64 peakRssMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    return -1;
}

// "37.5 GB", "1.2 TB", "96.3 GB" …: the message must say how big.
const QRegularExpression sizeInBytes(QStringLiteral("\\d+(\\.\\d+)?\\s*(GB|TB|GiB|TiB|PB)"));

std::shared_ptr<lab::Dataset> tinyData()
{
    lab::ImageSet set;
    set.count = 20;
    set.raw = QByteArray(20 * 784, 0);
    for (int i = 0; i < 20; ++i) {
        set.labels.push_back(i % 10);
        set.raw[i * 784 + (i % 10) * 50] = char(255);
    }
    return lab::Dataset::fromRaw(set, set);
}

} // namespace

class TestOversizedDesign : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shapeReportRefusesHugeDesign()
    {
        const lab::ShapeReport report = lab::ShapeReport::infer(hugeMlp());
        QVERIFY(!report.ok());
        QCOMPARE(report.errorLayer, 3);   // the second Linear(100000) crosses the limit
        // 784·100000 + 100000 + 100000·100000 + 100000 parameters so far.
        QVERIFY2(report.error.contains(QStringLiteral("10078600000")), qPrintable(report.error));
        QVERIFY2(report.error.contains(sizeInBytes), qPrintable(report.error));
        QVERIFY2(report.error.contains(QStringLiteral("Linear(100000)")), qPrintable(report.error));
    }

    void largestAllowedDesignPasses()
    {
        // Just under the limit is accepted, so the check is a limit and not a blanket refusal.
        using L = lab::LayerSpec;
        const qint64 units = lab::ShapeReport::maxParameters / 800;   // 784 inputs + bias + 10 outputs per unit
        const lab::ShapeReport report
            = lab::ShapeReport::infer(stack(QStringLiteral("wide"), {L::flatten(), L::linear(int(units)), L::linear(10)}));
        QVERIFY2(report.ok(), qPrintable(report.error));
        QVERIFY(report.parameters <= lab::ShapeReport::maxParameters);
    }

    void trainerRefusesBeforeAllocating()
    {
        const auto data = tinyData();
        const qint64 before = peakRssMiB();
        QElapsedTimer timer;
        timer.start();
        QString message;
        try {
            lab::TrainConfig config;
            config.epochs = 1;
            lab::Trainer trainer(hugeMlp(), config, data);
            QFAIL("the Trainer accepted a design with ten billion weights");
        } catch (const lab::LabError &e) {
            message = e.message();
        }
        QVERIFY2(message.contains(sizeInBytes), qPrintable(message));
        QVERIFY2(timer.elapsed() < 2000, "refusing took long enough to have tried allocating");
        // 37 GB of weights was never even partly allocated.
        QVERIFY2(peakRssMiB() - before < 256, qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg(peakRssMiB() - before)));
    }

    void runnerRefuses_data()
    {
        using L = lab::LayerSpec;
        QTest::addColumn<lab::NetworkSpec>("spec");
        QTest::addColumn<int>("batchSize");
        QTest::newRow("10^10 weights") << hugeMlp() << 50;
        // 80 M weights fit, but batch 60000 through a 100000-wide layer needs ~100 GB of activations.
        QTest::newRow("activations at batch 60000")
            << stack(QStringLiteral("wide-batch"), {L::flatten(), L::linear(100000), L::activation(L::Type::ReLU), L::linear(10)})
            << 60000;
    }

    void runnerRefuses()
    {
        QFETCH(lab::NetworkSpec, spec);
        QFETCH(int, batchSize);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString data = dir.filePath(QStringLiteral("data"));
        TestData::writeSyntheticMnist(data, 100, 20);

        lab::RunRequest request;
        request.spec = spec;
        request.config.epochs = 1;
        request.config.batchSize = batchSize;
        request.dataFolder = data;
        request.runsFolder = dir.filePath(QStringLiteral("runs"));

        const qint64 before = peakRssMiB();
        lab::ExperimentRunner prepared(request);
        QString message;
        try {
            prepared.prepare();
        } catch (const lab::LabError &e) {
            message = e.message();
        }
        QVERIFY2(!message.isEmpty(), "prepare() accepted the design");
        QVERIFY2(message.contains(sizeInBytes), qPrintable(message));

        lab::ExperimentRunner running(request);
        QVERIFY_THROWS_EXCEPTION(lab::LabError, running.run(nullptr, nullptr));
        QVERIFY2(peakRssMiB() - before < 256, qPrintable(QStringLiteral("peak RSS grew by %1 MiB").arg(peakRssMiB() - before)));
        // Bad input leaves no run behind.
        const QDir runs(request.runsFolder);
        QVERIFY2(!runs.exists() || runs.isEmpty(), qPrintable(runs.entryList().join(u' ')));
    }
};

QTEST_GUILESS_MAIN(TestOversizedDesign)
#include "tst_oversizeddesign.moc"
