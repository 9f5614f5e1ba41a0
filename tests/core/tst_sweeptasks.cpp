// Sweeps on existing engines: random search axes (reproducible samples, refused ranges),
// an emitted sweep run by GNU parallel (-j2) and collected equals the in-process sweep's
// summary, the Slurm script runs one task with SLURM_ARRAY_TASK_ID set by hand, a re-run
// task keeps, resumes or replaces its own run, and bad input writes nothing.
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"
#include "core/experiment/sweep.h"
#include "core/experiment/sweeptasks.h"
#include "processrun.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace lab;

namespace {

using Result = ProcessResult;

/** `env`: extra NAME=value pairs on top of this process's environment. */
Result run(const QString &program, const QStringList &args, const QStringList &env = {})
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const QString &pair : env)
        environment.insert(pair.section(u'=', 0, 0), pair.section(u'=', 1));
    return runProcess(program, args, environment, 120000);
}

Result cli(const QStringList &args)
{
    return run(QStringLiteral(MNIST_LAB_CLI), args);
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/** The summary without what legitimately differs between stores: where each run's folder is. */
QJsonObject withoutFolders(QJsonObject summary)
{
    QJsonArray runs = summary.value(QStringLiteral("runs")).toArray();
    for (int i = 0; i < runs.size(); ++i) {
        QJsonObject r = runs[i].toObject();
        r.remove(QStringLiteral("run"));
        runs[i] = r;
    }
    summary.insert(QStringLiteral("runs"), runs);
    return summary;
}

QJsonObject fourRunSweep()
{
    return QJsonDocument::fromJson(R"({
        "name": "pair",
        "base": {"layers": "784-8-10", "activation": "relu",
                 "config": {"epochs": 1, "batch_size": 50, "learning_rate": 0.003, "threads": 1, "seed": 11}},
        "axes": [{"parameter": "width", "values": [4, 12]}],
        "seeds": 2,
        "metric": "test_error"
    })").object();
}

QJsonObject randomSweep()
{
    return QJsonDocument::fromJson(R"({
        "name": "random",
        "base": {"layers": "784-8-10", "activation": "relu", "config": {"epochs": 1, "seed": 3}},
        "axes": [{"parameter": "width", "values": [4, 8]},
                 {"parameter": "learning_rate", "values": {"log_uniform": [1e-4, 1e-1]}}],
        "trials": 3,
        "seeds": 1
    })").object();
}

QString writeSweep(const QString &path, const QJsonObject &json)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QJsonDocument(json).toJson());
    return path;
}

} // namespace

class TestSweepTasks : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_data = path(QStringLiteral("data"));
        TestData::writeSyntheticMnist(m_data, 300, 100);
    }

    void randomSearchIsReproducible()
    {
        const Sweep sweep = Sweep::fromJson(randomSweep(), QStringLiteral("random.json"));
        const QVector<SweepPoint> points = sweep.points();
        QCOMPARE(points.size(), 2 * 3);   // listed widths × trials × seeds
        QCOMPARE(sweep.plannedRuns(), qint64(6));
        QStringList rates;
        for (const SweepPoint &p : points) {
            QVERIFY(p.config.learningRate >= 1e-4 && p.config.learningRate <= 1e-1);
            rates << p.axisValues[1];
        }
        // The same three samples for each width, three different values.
        QCOMPARE(rates.mid(0, 3), rates.mid(3, 3));
        QCOMPARE(QSet<QString>(rates.begin(), rates.end()).size(), 3);
        QCOMPARE(points[0].axisValues[0], QStringLiteral("4"));
        QCOMPARE(points[3].axisValues[0], QStringLiteral("8"));
        // Parsed again, and written out and read back (what --emit does): the same points, the same id.
        const Sweep again = Sweep::fromJson(Sweep::fromJson(randomSweep(), QStringLiteral("a")).toJson(), QStringLiteral("b"));
        QCOMPARE(again.id(), sweep.id());
        for (int i = 0; i < points.size(); ++i)
            QCOMPARE(again.points()[i].axisValues, points[i].axisValues);
        // Another sample seed, other samples and another id.
        QJsonObject other = randomSweep();
        other.insert(QStringLiteral("sample_seed"), 99);
        const Sweep reseeded = Sweep::fromJson(other, QStringLiteral("c"));
        QVERIFY(reseeded.points()[0].axisValues[1] != points[0].axisValues[1]);
        QVERIFY(reseeded.id() != sweep.id());

        // Whole numbers log-uniformly, within the bounds; uniform reals within theirs.
        QJsonObject ints = randomSweep();
        ints.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("width")},
                                                                   {QStringLiteral("int_log_uniform"), QJsonArray{2, 64}}},
                                                       QJsonObject{{QStringLiteral("parameter"), QStringLiteral("weight_decay")},
                                                                   {QStringLiteral("values"), QJsonObject{{QStringLiteral("uniform"), QJsonArray{0, 0.01}}}}}});
        ints.insert(QStringLiteral("trials"), 40);
        int small = 0;
        for (const SweepPoint &p : Sweep::fromJson(ints, QStringLiteral("ints")).points()) {
            const int width = p.axisValues[0].toInt();
            QVERIFY2(width >= 2 && width <= 64 && QString::number(width) == p.axisValues[0], qPrintable(p.axisValues[0]));
            QCOMPARE(p.spec.layers[1].units, width);
            small += width < 12;   // log-uniform: about half below √(2·64) ≈ 11
            QVERIFY(p.config.weightDecay >= 0 && p.config.weightDecay <= 0.01);
        }
        QVERIFY2(small >= 10 && small <= 30, qPrintable(QString::number(small)));
    }

    void badRangesAreRefused_data()
    {
        QTest::addColumn<QJsonValue>("axis");
        QTest::addColumn<QJsonValue>("trials");
        QTest::addColumn<QString>("expected");
        auto axis = [](const char *parameter, const char *kind, double low, double high) {
            return QJsonValue(QJsonObject{{QStringLiteral("parameter"), QString::fromLatin1(parameter)},
                                          {QStringLiteral("values"), QJsonObject{{QString::fromLatin1(kind), QJsonArray{low, high}}}}});
        };
        QTest::newRow("low above high") << axis("learning_rate", "log_uniform", 0.1, 1e-4) << QJsonValue(4) << QStringLiteral("low is above high");
        QTest::newRow("log of zero") << axis("learning_rate", "log_uniform", 0, 0.1) << QJsonValue(4) << QStringLiteral("low > 0");
        QTest::newRow("range of a name") << axis("activation", "uniform", 0, 1) << QJsonValue(4) << QStringLiteral("list its values");
        QTest::newRow("int range of a rate") << axis("learning_rate", "int_log_uniform", 1, 8) << QJsonValue(4) << QStringLiteral("whole numbers");
        QTest::newRow("no trials") << axis("learning_rate", "uniform", 0.001, 0.01) << QJsonValue() << QStringLiteral("trials");
        QTest::newRow("unknown kind") << axis("learning_rate", "normal", 0, 1) << QJsonValue(4) << QStringLiteral("unknown kind");
        QTest::newRow("trials without a range")
            << QJsonValue(QJsonObject{{QStringLiteral("parameter"), QStringLiteral("width")}, {QStringLiteral("values"), QJsonArray{4}}})
            << QJsonValue(4) << QStringLiteral("needs an axis with a range");
    }

    void badRangesAreRefused()
    {
        QFETCH(QJsonValue, axis);
        QFETCH(QJsonValue, trials);
        QFETCH(QString, expected);
        QJsonObject json = randomSweep();
        json.insert(QStringLiteral("axes"), QJsonArray{axis});
        json.remove(QStringLiteral("trials"));
        if (!trials.isUndefined())
            json.insert(QStringLiteral("trials"), trials);
        try {
            Sweep::fromJson(json, QStringLiteral("bad.json")).points();
            QFAIL("accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(expected) && e.message().startsWith(QStringLiteral("bad.json")), qPrintable(e.message()));
        }
    }

    void gnuParallelEqualsInProcess()
    {
        if (QStandardPaths::findExecutable(QStringLiteral("parallel")).isEmpty())
            QFAIL("GNU parallel is needed (Debian package parallel; scripts/install-deps.sh installs it)");
        const Sweep sweep = Sweep::fromJson(fourRunSweep(), QStringLiteral("pair.json"));

        // In-process, as `mnist-lab-cli sweep FILE` and the Sweeps page run it.
        SweepRunner runner(sweep, m_data, path(QStringLiteral("runs-inprocess")));
        QCOMPARE(runner.run(nullptr, nullptr).size(), 4);
        const QJsonObject inProcess = readJson(runner.summaryPath());
        QCOMPARE(inProcess.value(QStringLiteral("runs")).toArray().size(), 4);

        // Emitted, run by GNU parallel two at a time, collected.
        const QString file = writeSweep(path(QStringLiteral("pair.json")), fourRunSweep());
        const QString emitDir = path(QStringLiteral("emit"));
        const QString store = path(QStringLiteral("runs-shared"));
        Result r = cli({QStringLiteral("sweep"), file, QStringLiteral("--emit"), emitDir, QStringLiteral("--runs"), store,
                        QStringLiteral("--data"), m_data, QStringLiteral("--max-parallel"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile tasks(QDir(emitDir).filePath(QStringLiteral("tasks.txt")));
        QVERIFY(tasks.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = tasks.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        QVERIFY2(lines[3].contains("--task 3") && lines[3].contains("width=12 seed=12"), lines[3].constData());
        QVERIFY(readJson(QDir(emitDir).filePath(QStringLiteral("sweep.json"))).contains(QStringLiteral("axes")));
        QFile sbatch(QDir(emitDir).filePath(QStringLiteral("sweep.sbatch")));
        QVERIFY(sbatch.open(QIODevice::ReadOnly));
        QVERIFY(sbatch.readAll().contains("#SBATCH --array=0-3%3\n"));
        QCOMPARE(run(QStringLiteral("bash"), {QStringLiteral("-n"), sbatch.fileName()}).exitCode, 0);
        QCOMPARE(run(QStringLiteral("bash"), {QStringLiteral("-n"), QDir(emitDir).filePath(QStringLiteral("parallel.sh"))}).exitCode, 0);

        r = run(QDir(emitDir).filePath(QStringLiteral("parallel.sh")), {}, {QStringLiteral("JOBS=2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QFile joblog(QDir(emitDir).filePath(QStringLiteral("parallel.joblog")));
        QVERIFY(joblog.open(QIODevice::ReadOnly));
        QCOMPARE(joblog.readAll().trimmed().split('\n').size(), 1 + 4);   // header + one line per task

        r = cli({QStringLiteral("sweep"), QDir(emitDir).filePath(QStringLiteral("sweep.json")), QStringLiteral("--collect"),
                 QStringLiteral("--runs"), store});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("4 of 4 tasks")), qPrintable(r.out));
        const QJsonObject collected = readJson(SweepTasks(sweep).collectedSummaryPath(store));
        QCOMPARE(QJsonDocument(withoutFolders(collected)).toJson(), QJsonDocument(withoutFolders(inProcess)).toJson());
        // Every task in its own folder, named after the sweep and its index.
        QCOMPARE(QDir(store).entryList({sweep.id() + QStringLiteral("-t*")}, QDir::Dirs).size(), 4);

        // Run again: --resume-failed finds nothing to do, the runs are untouched.
        const QDateTime before = QFileInfo(RunStore::recordPath(QDir(store).filePath(sweep.id() + QStringLiteral("-t0000")))).lastModified();
        r = run(QDir(emitDir).filePath(QStringLiteral("parallel.sh")), {}, {QStringLiteral("JOBS=2")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QFileInfo(RunStore::recordPath(QDir(store).filePath(sweep.id() + QStringLiteral("-t0000")))).lastModified(), before);
    }

    void sbatchRunsTheTaskItsArrayIdSelects()
    {
        const QString file = writeSweep(path(QStringLiteral("pair.json")), fourRunSweep());
        const QString emitDir = path(QStringLiteral("emit-slurm"));
        const QString store = path(QStringLiteral("runs-slurm"));
        Result r = cli({QStringLiteral("sweep"), file, QStringLiteral("--emit"), emitDir, QStringLiteral("--runs"), store,
                        QStringLiteral("--data"), m_data});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString sbatch = QDir(emitDir).filePath(QStringLiteral("sweep.sbatch"));
        r = run(QStringLiteral("bash"), {sbatch}, {QStringLiteral("SLURM_ARRAY_TASK_ID=2")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Sweep sweep = Sweep::fromJson(fourRunSweep(), QStringLiteral("pair.json"));
        const QString folder = QDir(store).filePath(sweep.id() + QStringLiteral("-t0002"));
        const RunRecord record = RunStore(store).load(folder);
        QCOMPARE(record.status, RunStatus::Finished);
        QCOMPARE(record.config.seed, quint64(11));                     // width 12, first seed
        QCOMPARE(record.spec.layers[1].units, 12);
        QCOMPARE(QDir(store).entryList(QDir::Dirs | QDir::NoDotAndDotDot), QStringList{sweep.id() + QStringLiteral("-t0002")});

        // An id past the array: one line, exit 2, nothing trained.
        r = run(QStringLiteral("bash"), {sbatch}, {QStringLiteral("SLURM_ARRAY_TASK_ID=4")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no task 4")), qPrintable(r.err));

        // Collecting a partial store: the summary of what is there, the rest listed, exit 1.
        r = cli({QStringLiteral("sweep"), QDir(emitDir).filePath(QStringLiteral("sweep.json")), QStringLiteral("--collect"),
                 QStringLiteral("--runs"), store});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("missing: 0 1 3")), qPrintable(r.out));
        QCOMPARE(readJson(SweepTasks(sweep).collectedSummaryPath(store)).value(QStringLiteral("runs")).toArray().size(), 1);

        // Re-running a task: a finished run is kept as it is…
        const QStringList task2{QStringLiteral("sweep"), file, QStringLiteral("--task"), QStringLiteral("2"),
                                QStringLiteral("--runs"), store, QStringLiteral("--data"), m_data};
        const QDateTime finishedAt = QFileInfo(RunStore::recordPath(folder)).lastModified();
        r = cli(task2);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("already done")), qPrintable(r.err));
        QCOMPARE(QFileInfo(RunStore::recordPath(folder)).lastModified(), finishedAt);
        // …a failed one is replaced by a new run of the same task…
        RunRecord failed = record;
        failed.status = RunStatus::Failed;
        failed.save(RunStore::recordPath(folder));
        r = cli(task2);
        QVERIFY2(r.exitCode == 0 && r.err.contains(QStringLiteral("replaced")), qPrintable(r.err));
        QCOMPARE(RunStore(store).load(folder).status, RunStatus::Finished);
        QCOMPARE(RunStore(store).load(folder).testAccuracy, record.testAccuracy);   // same seed, same run
        // …and an interrupted one (its process gone) is resumed.
        RunRecord interrupted = RunStore(store).load(folder);
        interrupted.status = RunStatus::Running;
        interrupted.save(RunStore::recordPath(folder));
        r = cli(task2);
        QVERIFY2(r.exitCode == 0 && r.err.contains(QStringLiteral("resumed")), qPrintable(r.err));
        QCOMPARE(RunStore(store).load(folder).status, RunStatus::Finished);
        QCOMPARE(QDir(store).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 1 + 1);   // + sweeps/ of the collect
    }

    void badInputIsOneLineAndWritesNothing()
    {
        const QString file = writeSweep(path(QStringLiteral("pair.json")), fourRunSweep());
        const QString store = path(QStringLiteral("runs-bad"));
        // --task out of range
        Result r = cli({QStringLiteral("sweep"), file, QStringLiteral("--task"), QStringLiteral("4"), QStringLiteral("--runs"), store,
                        QStringLiteral("--data"), m_data});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.trimmed().count(u'\n') == 0 && r.err.contains(QStringLiteral("tasks 0 to 3")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(store));
        // collect on a store without the sweep's runs
        QVERIFY(QDir().mkpath(store));
        r = cli({QStringLiteral("sweep"), file, QStringLiteral("--collect"), QStringLiteral("--runs"), store});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.trimmed().count(u'\n') == 0 && r.err.contains(QStringLiteral("holds no run of sweep")), qPrintable(r.err));
        QVERIFY(QDir(store).isEmpty());
        // a range with low above high
        QJsonObject bad = randomSweep();
        bad.insert(QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("learning_rate")},
                                                                  {QStringLiteral("log_uniform"), QJsonArray{0.1, 0.001}}}});
        const QString badFile = writeSweep(path(QStringLiteral("bad.json")), bad);
        const QString emitDir = path(QStringLiteral("emit-bad"));
        r = cli({QStringLiteral("sweep"), badFile, QStringLiteral("--emit"), emitDir});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.trimmed().count(u'\n') == 0 && r.err.contains(QStringLiteral("low is above high")), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(emitDir));
        // two steps at once
        r = cli({QStringLiteral("sweep"), file, QStringLiteral("--collect"), QStringLiteral("--task"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("separate steps")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestSweepTasks)
#include "tst_sweeptasks.moc"
