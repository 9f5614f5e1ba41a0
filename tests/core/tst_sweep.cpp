// Sweeps: the grid of runs (axes × seeds), each run in the store, mean ± std per point.
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"
#include "core/experiment/sweep.h"
#include "core/experiment/sweeptimeestimate.h"
#include "testdata.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace lab;

class TestSweep : public QObject
{
    Q_OBJECT

private:
    QJsonObject tinySweep() const
    {
        return QJsonDocument::fromJson(R"({
            "name": "tiny",
            "base": {"layers": "784-8-10", "activation": "relu",
                     "config": {"epochs": 1, "batch_size": 50, "learning_rate": 0.003, "threads": 1, "seed": 5}},
            "axes": [{"parameter": "width", "values": [4, 16]},
                     {"parameter": "activation", "values": ["relu", "tanh"]}],
            "seeds": 2,
            "metric": "test_error"
        })").object();
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void gridHasEveryPointAndSeed()
    {
        const Sweep sweep = Sweep::fromJson(tinySweep(), QStringLiteral("tiny.json"));
        const QVector<SweepPoint> points = sweep.points();
        QCOMPARE(points.size(), 2 * 2 * 2);
        QCOMPARE(points[0].axisValues, (QStringList{QStringLiteral("4"), QStringLiteral("relu")}));
        QCOMPARE(points[0].spec.layers[1].units, 4);
        QCOMPARE(points[0].config.seed, quint64(5));
        QCOMPARE(points[1].config.seed, quint64(6));
        QCOMPARE(points[2].spec.layers[2].type, LayerSpec::Type::Tanh);
        QCOMPARE(points[7].spec.layers[1].units, 16);
        QCOMPARE(points[7].spec.layers.last().units, 10);   // the output layer is never swept
    }

    void runNamesAreReadable()
    {
        const QVector<SweepPoint> points = Sweep::fromJson(tinySweep(), QStringLiteral("tiny.json")).points();
        // Read in the Runs table and legends; the folder gets a safe form of it.
        QCOMPARE(points[0].spec.name, QStringLiteral("tiny · width 4 · activation relu · seed 5"));
        QCOMPARE(points[7].spec.name, QStringLiteral("tiny · width 16 · activation tanh · seed 6"));
        // Runs that older versions named the old way are still this point's (resume, collect).
        QCOMPARE(points[0].legacyName, QStringLiteral("tiny_width=4_activation=relu_s5"));
        QVERIFY(points[0].isNameOf(QStringLiteral("tiny_width=4_activation=relu_s5")));
        QVERIFY(points[0].isNameOf(points[0].spec.name));
        QVERIFY(!points[0].isNameOf(points[1].spec.name));
        QVERIFY(!points[0].isNameOf(points[1].legacyName));
        QJsonObject json = tinySweep();
        json.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("learning_rate")},
                                                                   {QStringLiteral("values"), QJsonArray{0.01}}}});
        json.insert(QStringLiteral("seeds"), 1);
        QCOMPARE(Sweep::fromJson(json, QStringLiteral("lr.json")).points().first().spec.name,
                 QStringLiteral("tiny · learning rate 0.01 · seed 5"));
    }

    // Plain last epochs is a whole-number axis of the augmentation settings.
    void cleanFinalEpochsAxis()
    {
        QJsonObject json = tinySweep();
        json.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("clean_final_epochs")},
                                                                  {QStringLiteral("values"), QJsonArray{0, 1}}}});
        json.insert(QStringLiteral("seeds"), 1);
        const QVector<SweepPoint> points = Sweep::fromJson(json, QStringLiteral("axis.json")).points();
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[0].config.augment.cleanFinalEpochs, 0);
        QCOMPARE(points[1].config.augment.cleanFinalEpochs, 1);
        QVERIFY(points[1].spec.name.contains(QStringLiteral("clean final epochs 1")));
    }

    // Label smoothing and weight averaging are axes like weight decay: each point trains
    // with its value, and a value out of the config's range is refused by name.
    void realConfigAxes_data()
    {
        QTest::addColumn<QString>("parameter");
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("outOfRange");
        QTest::newRow("label_smoothing") << QStringLiteral("label_smoothing") << 0.1 << 0.9;
        QTest::newRow("weight_average_decay") << QStringLiteral("weight_average_decay") << 0.999 << 0.5;
    }

    void realConfigAxes()
    {
        QFETCH(QString, parameter);
        QFETCH(double, value);
        QFETCH(double, outOfRange);
        const auto axis = [&](QJsonArray values) {
            return QJsonArray{QJsonObject{{QStringLiteral("parameter"), parameter}, {QStringLiteral("values"), values}}};
        };
        QJsonObject json = tinySweep();
        json.insert(QStringLiteral("axes"), axis({0, value}));
        json.insert(QStringLiteral("seeds"), 1);
        const QVector<SweepPoint> points = Sweep::fromJson(json, QStringLiteral("axis.json")).points();
        QCOMPARE(points.size(), 2);
        QCOMPARE(points[0].config.toJson().value(parameter).toDouble(), 0.0);
        QCOMPARE(points[1].config.toJson().value(parameter).toDouble(), value);
        json.insert(QStringLiteral("axes"), axis({outOfRange}));
        try {
            Sweep::fromJson(json, QStringLiteral("axis.json")).points();
            QFAIL(qPrintable(QStringLiteral("accepted %1 %2").arg(parameter).arg(outOfRange)));
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(parameter), qPrintable(e.message()));
        }
    }

    void timeLeftWeighsRunsByTheirCost()
    {
        // Two narrow runs done, the widest still to come: its cost decides the time left.
        const QJsonObject json = QJsonDocument::fromJson(R"({
            "name": "wide-last", "base": {"layers": "784-10-10", "activation": "relu", "config": {"epochs": 2}},
            "axes": [{"parameter": "width", "values": [10, 11, 1000]}], "seeds": 1})").object();
        const QVector<SweepPoint> points = Sweep::fromJson(json, QStringLiteral("wide-last.json")).points();
        SweepTimeEstimate estimate(points);
        estimate.runEnded(0, 1.0);
        estimate.runEnded(1, 1.0);
        estimate.setProgress(2, 0.0);
        // 2 s for the two narrow runs: counting runs would say 1 s left.
        const double left = estimate.secondsLeft(2.0);
        const double expected = 2.0 * SweepTimeEstimate::workOf(points[2])
                                / (SweepTimeEstimate::workOf(points[0]) + SweepTimeEstimate::workOf(points[1]));
        QVERIFY2(left > 20.0, qPrintable(QString::number(left)));
        QVERIFY2(std::abs(left - expected) < 1e-6 * expected, qPrintable(QStringLiteral("%1 vs %2").arg(left).arg(expected)));
        // Halfway through the wide run at 2 + 0.5·(its time), half of it is left.
        estimate.setProgress(2, 0.5);
        QVERIFY(std::abs(estimate.secondsLeft(2.0 + expected / 2) - expected / 2) < 1e-6 * expected);
        // A run that diverged after a tenth of its steps cost a tenth: the rest is not left to do.
        SweepTimeEstimate early(points);
        early.runEnded(0, 0.1);
        early.setProgress(1, 0.0);
        QVERIFY(std::abs(early.doneFraction() - SweepTimeEstimate::workOf(points[0]) * 0.1
                         / (SweepTimeEstimate::workOf(points[0]) * 0.1 + SweepTimeEstimate::workOf(points[1])
                            + SweepTimeEstimate::workOf(points[2]))) < 1e-12);
        // Nothing done yet: no estimate; everything done: nothing left.
        QCOMPARE(SweepTimeEstimate(points).secondsLeft(5.0), -1.0);
        estimate.runEnded(2, 1.0);
        QCOMPARE(estimate.secondsLeft(9.0), 0.0);
    }

    void badSweepNamesTheProblem()
    {
        QJsonObject json = tinySweep();
        json.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("colour")},
                                                                   {QStringLiteral("values"), QJsonArray{1}}}});
        try {
            Sweep::fromJson(json, QStringLiteral("tiny.json"));
            QFAIL("accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("colour")), qPrintable(e.message()));
        }
        json = tinySweep();
        json.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("batch_size")},
                                                                   {QStringLiteral("values"), QJsonArray{0}}}});
        QVERIFY_THROWS_EXCEPTION(LabError, Sweep::fromJson(json, QStringLiteral("tiny.json")).points());
    }

    void runsEndToEnd()
    {
        QTemporaryDir data, runs;
        TestData::writeSyntheticMnist(data.path(), 300, 100);
        SweepRunner runner(Sweep::fromJson(tinySweep(), QStringLiteral("tiny.json")), data.path(), runs.path());
        // Runs start in order, each as run i of 8, and each ends once.
        struct Positions : RunObserver
        {
            int started = 0;
            int ended = 0;
            void onRunStarted(const RunRecord &, const RunPosition &p) override
            {
                QCOMPARE(p.total, 8);
                QCOMPARE(p.index, started++);
            }
            void onRunEnded(const RunRecord &, const RunPosition &p) override { QCOMPARE(p.index, ended++); }
        } observer;
        const QVector<RunRecord> records = runner.run(&observer, nullptr);
        const int started = observer.started;
        QCOMPARE(observer.ended, 8);
        QCOMPARE(records.size(), 8);
        QCOMPARE(started, 8);
        QCOMPARE(RunStore(runs.path()).list().size(), 8);
        const QVector<SweepCell> cells = Sweep::summarize(runner.points(), records, QStringLiteral("test_error"));
        QCOMPARE(cells.size(), 4);
        for (const SweepCell &c : cells) {
            QCOMPARE(c.runs, 2);
            QVERIFY(c.std >= 0);
            QVERIFY(c.mean >= 0 && c.mean <= 100);
        }
        QFile summary(runner.summaryPath());
        QVERIFY(summary.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(summary.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("runs")).toArray().size(), 8);
        // The readable name is the record's model_type and the summary's; the folder is a safe path.
        QCOMPARE(records[0].modelType, runner.points()[0].spec.name);
        QCOMPARE(json.value(QStringLiteral("runs")).toArray()[0].toObject().value(QStringLiteral("name")).toString(),
                 runner.points()[0].spec.name);
        const QString folderName = QFileInfo(records[0].folder).fileName();
        QVERIFY2(folderName.endsWith(QStringLiteral("-tiny_width_4_activation_relu_seed_5")), qPrintable(folderName));
        for (QChar c : folderName)
            QVERIFY2(c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.', qPrintable(folderName));
        QCOMPARE(json.value(QStringLiteral("cells")).toArray().size(), 4);
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
