// A NaN or infinite loss stops the run: the record says "diverged", names the epoch and
// the batch, keeps every epoch completed before it, and is what lands on disk.
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/runstore.h"
#include "testdata.h"
#include "core/train/trainer.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

namespace {

// A deep ReLU stack driven by SGD at the highest learning rate the config allows, with
// heavy momentum: the weights grow geometrically until the logits overflow.
lab::NetworkSpec explodingSpec()
{
    lab::NetworkSpec spec = lab::NetworkSpec::fromShorthand(QStringLiteral("784-256-256-256-256-10"), QStringLiteral("relu"));
    spec.name = QStringLiteral("exploding");
    return spec;
}

lab::TrainConfig explodingConfig()
{
    lab::TrainConfig config;
    config.optimizer = lab::OptimizerKind::Sgd;
    config.learningRate = 10;     // TrainConfig's maximum
    config.momentum = 0.99;
    config.epochs = 5;
    config.batchSize = 10;
    config.seed = 3;
    config.threads = 1;
    config.diagnostics = false;
    return config;
}

const QRegularExpression whereItDiverged(QStringLiteral("epoch (\\d+), batch (\\d+)"));

} // namespace

class TestDivergence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        TestData::writeSyntheticMnist(m_data, 200, 50);
    }

    void trainerStopsAtNonFiniteLoss()
    {
        lab::Trainer trainer(explodingSpec(), explodingConfig(), lab::Dataset::load(m_data));
        const lab::TrainHistory record = trainer.run(nullptr, nullptr);
        qInfo("%s", qPrintable(record.statusDetail));
        QCOMPARE(lab::runStatusName(record.status), QStringLiteral("diverged"));
        const QRegularExpressionMatch m = whereItDiverged.match(record.statusDetail);
        QVERIFY2(m.hasMatch(), qPrintable(QStringLiteral("no epoch/batch in: ") + record.statusDetail));
        const int epoch = m.captured(1).toInt();
        const int batch = m.captured(2).toInt();
        QVERIFY(epoch >= 1 && epoch <= explodingConfig().epochs);
        QVERIFY(batch >= 1 && batch <= 200 / explodingConfig().batchSize);
        QVERIFY2(record.statusDetail.contains(QStringLiteral("NaN")) || record.statusDetail.contains(QStringLiteral("infinite")),
                 qPrintable(record.statusDetail));
        // Every epoch before the bad one is kept; none after it.
        QCOMPARE(record.completedEpochs(), epoch - 1);
        // The non-finite loss itself is not recorded as a batch loss.
        for (double loss : record.batchLosses)
            QVERIFY(std::isfinite(loss));
    }

    void runnerRecordsDivergenceOnDisk()
    {
        lab::RunRequest request;
        request.spec = explodingSpec();
        request.config = explodingConfig();
        request.dataFolder = m_data;
        request.runsFolder = m_dir.filePath(QStringLiteral("runs"));
        lab::ExperimentRunner runner(request);
        const lab::RunRecord record = runner.run(nullptr, nullptr);
        QCOMPARE(record.status, lab::RunStatus::Diverged);
        QVERIFY(!record.folder.isEmpty());

        // The file itself, not just the returned value.
        QFile file(lab::RunStore::recordPath(record.folder));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("diverged"));
        const lab::RunRecord loaded = lab::RunStore(request.runsFolder).load(record.folder);
        QCOMPARE(loaded.status, lab::RunStatus::Diverged);
        QCOMPARE(loaded.statusDetail, record.statusDetail);
        QVERIFY(whereItDiverged.match(loaded.statusDetail).hasMatch());
        QCOMPARE(loaded.completedEpochs(), record.completedEpochs());
        // No half-written files beside the record.
        const QStringList leftovers = QDir(record.folder).entryList({QStringLiteral("*.tmp"), QStringLiteral("*.new"),
                                                                     QStringLiteral("*.??????")}, QDir::Files);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(u' ')));
    }

private:
    QTemporaryDir m_dir;
    QString m_data;
};

QTEST_GUILESS_MAIN(TestDivergence)
#include "tst_divergence.moc"
