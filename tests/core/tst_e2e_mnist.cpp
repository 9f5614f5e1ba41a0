// End to end on the real MNIST: the blog's baseline learns, records are complete and
// reproducible, and the saved model gives back the same accuracy.
#include "core/data/dataset.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/preset.h"
#include "core/experiment/runstore.h"
#include "core/model/modelfile.h"
#include "core/infer/predictor.h"
#include "testdata.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QStandardPaths>
#include <QTest>

using namespace lab;

class TestEndToEnd : public QObject
{
    Q_OBJECT

private:
    RunRecord m_first;
    QTemporaryDir m_runs;
    QString m_data;

    RunRequest baseline() const
    {
        RunRequest request;
        request.spec = Preset::find(QStringLiteral("2_HL_NN_v1")).spec;   // 784-50-50-10 relu
        request.config = Preset::find(QStringLiteral("2_HL_NN_v1")).config;
        request.config.epochs = 1;
        request.config.batchSize = 50;
        request.config.learningRate = 1e-3;
        request.config.seed = 2024;
        request.config.threads = 2;
        request.dataFolder = m_data;
        request.runsFolder = m_runs.path();
        return request;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        MNIST_FOLDER_OR_SKIP(folder);
        m_data = folder;
    }

    void loadsAllOfMnist()
    {
        const auto data = Dataset::load(m_data);
        QCOMPARE(data->train.count, 60000);
        QCOMPARE(data->test.count, 10000);
        QVERIFY(qAbs(data->norm.mean - 0.1307f) < 1e-3f);
        QVERIFY(qAbs(data->norm.std - 0.3081f) < 1e-3f);
        qInfo("MNIST load + normalise: %.3f s", data->loadSeconds);
    }

    void oneEpochReaches95()
    {
        m_first = ExperimentRunner(baseline()).run(nullptr, nullptr);
        QCOMPARE(m_first.status, RunStatus::Finished);
        qInfo("test %.2f%%, train %.2f%%, %.2f s training", m_first.testAccuracy, m_first.trainAccuracy, m_first.trainSeconds);
        QVERIFY2(m_first.testAccuracy >= 95.0, qPrintable(QString::number(m_first.testAccuracy)));
    }

    void recordHasTheBlogFields()
    {
        QFile file(RunStore::recordPath(m_first.folder));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        for (const char *field : {"model_type", "test_accuracy", "train_accuracy", "final_train_loss", "epochs",
                                  "batch_size", "learning_rate", "optimizer", "seed", "spec", "curves",
                                  "train_seconds", "load_seconds", "seconds_per_epoch", "environment"})
            QVERIFY2(json.contains(QLatin1String(field)), field);
        QCOMPARE(json.value(QStringLiteral("model_type")).toString(), QStringLiteral("2_HL_NN_v1"));
        QCOMPARE(json.value(QStringLiteral("optimizer")).toString(), QStringLiteral("Adam"));
        QCOMPARE(json.value(QStringLiteral("batch_size")).toInt(), 50);
        const QJsonArray confusion = json.value(QStringLiteral("curves")).toArray().first().toObject()
                                         .value(QStringLiteral("confusion_matrix")).toArray();
        qint64 total = 0;
        for (const QJsonValue &row : confusion)
            for (const QJsonValue &v : row.toArray())
                total += v.toInteger();
        QCOMPARE(total, qint64(10000));
        QVERIFY(json.value(QStringLiteral("environment")).toObject().value(QStringLiteral("blas")).toString().contains(QStringLiteral("BLAS")));
    }

    void sameSeedSameRecord()
    {
        const RunRecord second = ExperimentRunner(baseline()).run(nullptr, nullptr);
        QCOMPARE(second.testAccuracy, m_first.testAccuracy);
        QCOMPARE(second.trainAccuracy, m_first.trainAccuracy);
        QCOMPARE(second.finalTrainLoss, m_first.finalTrainLoss);
        QCOMPARE(second.batchLosses, m_first.batchLosses);
        QCOMPARE(second.epochs.first().confusion, m_first.epochs.first().confusion);
    }

    void modelLoadsBackWithTheSameAccuracy()
    {
        const ModelFile model = ModelFile::load(RunStore::modelPath(m_first.folder));
        QCOMPARE(model.summary.value(QStringLiteral("run")).toString(), m_first.id);
        QCOMPARE(model.spec.layers, m_first.spec.layers);
        const Predictor predictor(model);
        const Evaluation evaluation = predictor.evaluate(Dataset::load(m_data)->test);
        QVERIFY2(qAbs(evaluation.accuracy - m_first.testAccuracy) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(evaluation.accuracy).arg(m_first.testAccuracy)));
        QCOMPARE(evaluation.confusion, m_first.epochs.last().confusion);
    }
};

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "tst_e2e_mnist.moc"
