// Sweeps: the grid of runs (axes × seeds), each run in the store, mean ± std per point.
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"
#include "core/experiment/sweep.h"
#include "testdata.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

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
        QCOMPARE(json.value(QStringLiteral("cells")).toArray().size(), 4);
    }
};

QTEST_GUILESS_MAIN(TestSweep)
#include "tst_sweep.moc"
