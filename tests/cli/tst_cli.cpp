// mnist-lab-cli as a user runs it: bad input gives one clear line and a non-zero exit,
// and leaves no run folder; a good run prints its folder and writes record + model.
#include "core/data/idxfile.h"
#include "testdata.h"
#ifdef MNIST_LAB_HAS_CHARTS
#include "imagechecks.h"

#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#endif

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include "processrun.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Result = ProcessResult;

Result runCli(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return runProcess(QStringLiteral(MNIST_LAB_CLI), args, env);
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
        QTest::newRow("plain last epochs without augmentation") << QStringList{QStringLiteral("--clean-final-epochs"), QStringLiteral("1")}
                                                                << QStringLiteral("--clean-final-epochs: this run does not augment");
        QTest::newRow("every epoch plain") << QStringList{QStringLiteral("--augment"), QStringLiteral("--epochs"), QStringLiteral("2"),
                                                          QStringLiteral("--clean-final-epochs"), QStringLiteral("2")}
                                           << QStringLiteral("augment.clean_final_epochs is 2, expected 0 to epochs - 1 (1)");
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

#ifdef MNIST_LAB_HAS_CHARTS
    // `charts` on a run stored by a short training run: one file per chart at the asked
    // size that a reader sees filled (content over ≥ 90% of width and height), PNG and SVG;
    // bad input is one line naming the input, and nothing is written.
    void chartsOfAStoredRun()
    {
        const Result train = runCli(trainArgs({QStringLiteral("--layers"), QStringLiteral("784-20-10"), QStringLiteral("--epochs"),
                                               QStringLiteral("3"), QStringLiteral("--batch-size"), QStringLiteral("20"),
                                               QStringLiteral("--json")}));
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const QString folder = QJsonDocument::fromJson(train.out.trimmed().split(u'\n').last().toUtf8())
                                   .object().value(QStringLiteral("folder")).toString();
        QVERIFY(QFile::exists(folder + QStringLiteral("/record.json")));

        const QStringList names = {QStringLiteral("loss"), QStringLiteral("accuracy"), QStringLiteral("confusion"),
                                   QStringLiteral("test-error"), QStringLiteral("gradient-norm"), QStringLiteral("dead-relu"),
                                   QStringLiteral("weight-norm"), QStringLiteral("first-layer-weights")};
        QTemporaryDir out;
        for (const QString &format : {QStringLiteral("png"), QStringLiteral("svg")}) {
            const QString dir = out.filePath(format);
            const Result r = runCli({QStringLiteral("charts"), folder, QStringLiteral("--out"), dir, QStringLiteral("--size"),
                                     QStringLiteral("1200x750"), QStringLiteral("--format"), format});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            QCOMPARE(QDir(dir).entryList(QDir::Files).size(), names.size());
            QCOMPARE(r.out.trimmed().split(u'\n').size(), names.size());   // one line per file written
            for (const QString &name : names) {
                const QString file = QDir(dir).filePath(name + u'.' + format);
                QImage image;
                if (format == u"png") {
                    image.load(file);
                } else {
                    QSvgRenderer renderer(file);
                    QVERIFY2(renderer.isValid(), qPrintable(file));
                    image = QImage(renderer.defaultSize(), QImage::Format_ARGB32);
                    image.fill(Qt::white);
                    QPainter painter(&image);
                    renderer.render(&painter);
                }
                QCOMPARE(image.size(), QSize(1200, 750));
                const QRect content = ImageChecks::contentRect(image);
                QVERIFY2(content.width() >= 0.9 * 1200 && content.height() >= 0.9 * 750,
                         qPrintable(QStringLiteral("%1: content %2x%3").arg(file).arg(content.width()).arg(content.height())));
                QVERIFY2(ImageChecks::colourCount(image) > 8, qPrintable(file));
            }
        }
        // Default: RUN_FOLDER/charts at 1600x1000.
        const Result defaults = runCli({QStringLiteral("charts"), folder});
        QVERIFY2(defaults.exitCode == 0, qPrintable(defaults.err));
        QCOMPARE(QImage(folder + QStringLiteral("/charts/loss.png")).size(), QSize(1600, 1000));

        struct Bad { QStringList args; QString expected; };
        const QList<Bad> bad = {
            {{QStringLiteral("charts"), folder, QStringLiteral("--size"), QStringLiteral("1200")}, QStringLiteral("--size: \"1200\"")},
            {{QStringLiteral("charts"), folder, QStringLiteral("--size"), QStringLiteral("20x20")}, QStringLiteral("100 to 10000")},
            {{QStringLiteral("charts"), folder, QStringLiteral("--format"), QStringLiteral("jpg")}, QStringLiteral("--format: \"jpg\"")},
            {{QStringLiteral("charts"), m_data.path()}, QStringLiteral("is not a run folder")},
            {{QStringLiteral("charts"), QStringLiteral("/no/such/run")}, QStringLiteral("/no/such/run")},
        };
        for (const Bad &b : bad) {
            QTemporaryDir empty;
            const Result r = runCli(b.args + QStringList{QStringLiteral("--out"), empty.filePath(QStringLiteral("x"))});
            QVERIFY2(r.exitCode != 0, qPrintable(b.args.join(u' ')));
            QVERIFY2(r.err.contains(b.expected), qPrintable(r.err));
            QVERIFY2(!QFileInfo::exists(empty.filePath(QStringLiteral("x"))), qPrintable(b.args.join(u' ')));
        }
    }
#endif
};

#ifdef MNIST_LAB_HAS_CHARTS
QTEST_MAIN(TestCli)   // reading the SVG back draws text: fonts need a QGuiApplication
#else
QTEST_GUILESS_MAIN(TestCli)
#endif
#include "tst_cli.moc"
