// mnist-lab-cli as a user runs it: bad input gives one clear line and a non-zero exit,
// and leaves no run folder; a good run prints its folder and writes record + model.
#include "core/data/idxfile.h"
#include "testdata.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

Result runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(MNIST_LAB_CLI), args);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    QTemporaryDir m_runs;

    QStringList trainArgs(const QStringList &extra) const
    {
        return QStringList{QStringLiteral("train"), QStringLiteral("--data"), m_data.path(), QStringLiteral("--runs"),
                           m_runs.path(), QStringLiteral("--threads"), QStringLiteral("1")}
            + extra;
    }

    int runFolders() const { return int(QDir(m_runs.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size()); }

private Q_SLOTS:
    void initTestCase() { TestData::writeSyntheticMnist(m_data.path(), 400, 100); }

    void version()
    {
        const Result r = runCli({QStringLiteral("--version")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("libtorch")));
        QVERIFY(r.out.contains(QStringLiteral("BLAS")));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown flag") << QStringList{QStringLiteral("--epoch"), QStringLiteral("3")} << QStringLiteral("epoch");
        QTest::newRow("epochs not a number") << QStringList{QStringLiteral("--epochs"), QStringLiteral("ten")} << QStringLiteral("--epochs: \"ten\"");
        QTest::newRow("zero batch size") << QStringList{QStringLiteral("--batch-size"), QStringLiteral("0")} << QStringLiteral("--batch-size: 0 is out of range");
        QTest::newRow("negative lr") << QStringList{QStringLiteral("--lr=-1")} << QStringLiteral("learning_rate is -1");
        QTest::newRow("unknown preset") << QStringList{QStringLiteral("--preset"), QStringLiteral("nope")} << QStringLiteral("2_HL_NN_v1");
        QTest::newRow("bad layers") << QStringList{QStringLiteral("--layers"), QStringLiteral("784-50-7")} << QStringLiteral("must give 10");
        QTest::newRow("bad optimizer") << QStringList{QStringLiteral("--optimizer"), QStringLiteral("adagrad")} << QStringLiteral("adagrad");
        QTest::newRow("missing spec file") << QStringList{QStringLiteral("--spec"), QStringLiteral("/no/spec.json")} << QStringLiteral("/no/spec.json");
        QTest::newRow("too large") << QStringList{QStringLiteral("--layers"), QStringLiteral("784-100000-100000-10")} << QStringLiteral("parameters");
    }

    void badInput()
    {
        QFETCH(QStringList, extra);
        QFETCH(QString, expected);
        const Result r = runCli(trainArgs(extra));
        QVERIFY2(r.exitCode != 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(r.err.trimmed().count(u'\n') == 0, qPrintable(r.err));   // one line
        QCOMPARE(runFolders(), 0);
    }

    void missingDataFolder()
    {
        const Result r = runCli({QStringLiteral("train"), QStringLiteral("--data"), QStringLiteral("/no/mnist/here"),
                                 QStringLiteral("--runs"), m_runs.path()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("/no/mnist/here")), qPrintable(r.err));
        QCOMPARE(runFolders(), 0);
    }

    void corruptDataFile()
    {
        QTemporaryDir broken;
        TestData::writeSyntheticMnist(broken.path(), 100, 50, /*gzip=*/false);
        const QString images = broken.filePath(QStringLiteral("train-images-idx3-ubyte"));
        QFile file(images);
        QVERIFY(file.resize(5000));   // truncated
        const Result r = runCli({QStringLiteral("train"), QStringLiteral("--data"), broken.path(), QStringLiteral("--runs"),
                                 m_runs.path()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(images) && r.err.contains(QStringLiteral("truncated")), qPrintable(r.err));
        QCOMPARE(runFolders(), 0);
    }

    void trainWritesARun()
    {
        const Result r = runCli(trainArgs({QStringLiteral("--layers"), QStringLiteral("784-20-10"), QStringLiteral("--epochs"),
                                           QStringLiteral("2"), QStringLiteral("--batch-size"), QStringLiteral("20"),
                                           QStringLiteral("--json")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split(u'\n');
        QCOMPARE(lines.size(), 1 + 2 + 1);   // started, two epochs, ended
        const QJsonObject ended = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        QCOMPARE(ended.value(QStringLiteral("status")).toString(), QStringLiteral("finished"));
        const QString folder = ended.value(QStringLiteral("folder")).toString();
        QVERIFY(QFile::exists(folder + QStringLiteral("/record.json")));
        QVERIFY(QFile::exists(folder + QStringLiteral("/model.mnlm")));
        QCOMPARE(runFolders(), 1);

        const Result eval = runCli({QStringLiteral("eval"), QStringLiteral("--model"), folder + QStringLiteral("/model.mnlm"),
                                    QStringLiteral("--data"), m_data.path(), QStringLiteral("--json")});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        const QJsonObject metrics = QJsonDocument::fromJson(eval.out.toUtf8()).object();
        QCOMPARE(metrics.value(QStringLiteral("test_accuracy")).toDouble(), ended.value(QStringLiteral("test_accuracy")).toDouble());
    }

    // Idle OpenMP threads must sleep, not spin (app/passiveopenmp.cpp): a run records the
    // policy, set by the program itself when the environment does not; a user's own wins.
    void openMpWaitPolicyIsPassiveUnlessSet()
    {
        for (const QString &preset : {QString(), QStringLiteral("active")}) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove(QStringLiteral("OMP_WAIT_POLICY"));
            if (!preset.isEmpty())
                env.insert(QStringLiteral("OMP_WAIT_POLICY"), preset);
            const Result r = runCli(trainArgs({QStringLiteral("--layers"), QStringLiteral("784-10"), QStringLiteral("--epochs"),
                                               QStringLiteral("1"), QStringLiteral("--max-batches"), QStringLiteral("2"),
                                               QStringLiteral("--json")}), env);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const QString folder =
                QJsonDocument::fromJson(r.out.trimmed().split(u'\n').last().toUtf8()).object().value(QStringLiteral("folder")).toString();
            QFile file(folder + QStringLiteral("/record.json"));
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(folder));
            const QJsonObject environment = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("environment")).toObject();
            QCOMPARE(environment.value(QStringLiteral("openmp_wait_policy")).toString(),
                     preset.isEmpty() ? QStringLiteral("passive") : preset);
        }
    }

    void presetsListTheBlog()
    {
        const Result r = runCli({QStringLiteral("presets")});
        QCOMPARE(r.exitCode, 0);
        for (const char *name : {"2_HL_NN_v1", "2_HL_NN_v8", "1_HL_NN_v1", "3_HL_NN_v5"})
            QVERIFY2(r.out.contains(QLatin1String(name)), name);
        QVERIFY(r.out.contains(QStringLiteral("98.32")));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
