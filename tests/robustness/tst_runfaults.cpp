// A run's files at the worst moments, through the real mnist-lab-cli (issue 12):
//  - the process killed, or the disk failing, at EVERY save step of a 3-epoch run
//    (MNIST_LAB_FAULT): the run loads, resume finishes it, and the final record equals the
//    uninterrupted run's. This covers a kill between checkpoint and record (finding 2), a
//    full disk on a checkpoint (3), a kill in the final save (4) and stale locks (12); a
//    checkpoint left beside a finished run is removed when the run is next loaded.
//  - the same from the last epoch's checkpoint to the end of a run that stops early: resume
//    does not train past the early stop.
//  - Ctrl+C then resume: batch losses of the aborted epoch are not kept (5).
//  - a diverged run keeps the last finite epoch's weights, and says which (6).
//  - one training image with --validation 0.5 (7), Ctrl+C while evaluating (8),
//    --threads 1000 and --layers "" (9, 12), predict/eval with a model for other inputs (10),
//    two sweeps of one name in the same second (11).
#include "clirun.h"
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "core/experiment/runstore.h"
#include "core/experiment/sweep.h"
#include "core/infer/predictor.h"
#include "core/model/modelfile.h"
#include "core/train/runcontrol.h"
#include "sanitizers.h"
#include "testdata.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <thread>

namespace {

// What a run folder may hold once its run finished: anything else is a half-written file,
// a temporary or a lock left behind.
const QStringList finishedFiles = {QStringLiteral("model.mnlm"), QStringLiteral("record.json")};   // by name

void compareRecords(const lab::RunRecord &actual, const lab::RunRecord &expected)
{
    QCOMPARE(lab::runStatusName(actual.status), lab::runStatusName(expected.status));
    QCOMPARE(actual.completedEpochs(), expected.completedEpochs());
    for (int i = 0; i < expected.completedEpochs(); ++i) {
        QCOMPARE(actual.epochs[i].epoch, expected.epochs[i].epoch);
        QCOMPARE(actual.epochs[i].trainLoss, expected.epochs[i].trainLoss);
        QCOMPARE(actual.epochs[i].testLoss, expected.epochs[i].testLoss);
        QCOMPARE(actual.epochs[i].testAccuracy, expected.epochs[i].testAccuracy);
        QCOMPARE(actual.epochs[i].trainAccuracy, expected.epochs[i].trainAccuracy);
    }
    QCOMPARE(actual.testAccuracy, expected.testAccuracy);
    QCOMPARE(actual.finalTrainLoss, expected.finalTrainLoss);
    QCOMPARE(actual.batchLosses.size(), expected.batchLosses.size());
    QCOMPARE(actual.batchLosses, expected.batchLosses);
    QCOMPARE(actual.bestEpoch, expected.bestEpoch);
    QCOMPARE(actual.modelEpoch, expected.modelEpoch);
}

QStringList filesIn(const QString &folder)
{
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

/** Runs the CLI to the end; returns its exit code (-1 when it crashed or hung). */
int runToEnd(const QStringList &args, QString *err = nullptr, QByteArray *out = nullptr,
             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 300000)
{
    CliRun run(args, env);
    if (!run.started() || !run.finish(timeoutMs))
        return -1;
    if (err)
        *err = run.stderrText();
    if (out)
        *out = run.stdoutBytes();
    return run.exitStatus() == QProcess::NormalExit ? run.exitCode() : -1;
}

} // namespace

class TestRunFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const QString problem = CliRun::prepareData(m_dir, 600, 200);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        m_data = CliRun::dataFolder(m_dir);
    }

    void everySaveStepKilledOrFailed()
    {
        // The uninterrupted reference, counting its save steps.
        const QString referenceRuns = m_dir.filePath(QStringLiteral("reference"));
        const QString log = m_dir.filePath(QStringLiteral("steps.log"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MNIST_LAB_FAULT_LOG"), log);
        QString err;
        QCOMPARE(runToEnd(trainArgs(referenceRuns), &err, nullptr, env), 0);
        const QVector<lab::RunRecord> references = lab::RunStore(referenceRuns).list();
        QCOMPARE(references.size(), 1);
        const lab::RunRecord expected = references.first();
        QCOMPARE(expected.status, lab::RunStatus::Finished);
        QCOMPARE(expected.completedEpochs(), 3);
        QCOMPARE(expected.modelEpoch, 3);
        QFile logFile(log);
        QVERIFY(logFile.open(QIODevice::ReadOnly));
        const QStringList steps = QString::fromUtf8(logFile.readAll()).split(u'\n', Qt::SkipEmptyParts);
        qInfo("%lld save steps: %s", qlonglong(steps.size()), qPrintable(steps.join(QStringLiteral(", "))));
        // start record, 3 × (checkpoint, record), model, final record, checkpoint removal
        QCOMPARE(steps.size(), 10);

        for (int step = 1; step <= steps.size(); ++step) {
            for (const QString &mode : {QStringLiteral("kill"), QStringLiteral("fail")}) {
                const QString what = QStringLiteral("%1 at step %2 (%3)").arg(mode).arg(step).arg(steps[step - 1]);
                const QString runs = m_dir.filePath(QStringLiteral("fault-%1-%2").arg(mode).arg(step));
                QProcessEnvironment faulty = QProcessEnvironment::systemEnvironment();
                faulty.insert(QStringLiteral("MNIST_LAB_FAULT"), QStringLiteral("%1:%2").arg(step).arg(mode));
                CliRun run(trainArgs(runs), faulty);
                QVERIFY(run.started());
                QVERIFY2(run.finish(300000), qPrintable(what));
                if (mode == u"kill")
                    QVERIFY2(run.exitStatus() == QProcess::CrashExit, qPrintable(what + QStringLiteral(": was not killed")));

                const QStringList folders = QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
                const lab::RunStore store(runs);
                if (step == 1) {
                    // Before the first record there is no run to show, and a failed start leaves no folder.
                    QVERIFY2(store.list().isEmpty(), qPrintable(what));
                    if (mode == u"fail")
                        QVERIFY2(folders.isEmpty(), qPrintable(what + QStringLiteral(": left ") + folders.join(u' ')));
                    continue;
                }
                QCOMPARE(folders.size(), 1);
                const QString folder = QDir(runs).filePath(folders.first());
                if (step == steps.size()) {
                    // Killed or failing in the very last step, the checkpoint's removal: the
                    // record says finished, checkpoint.mnck (and, killed, run.lock) is still
                    // there; the store's load removes both, so recovers() sees only the
                    // finished files.
                    QVERIFY2(QFileInfo::exists(lab::RunStore::checkpointPath(folder)), qPrintable(what));
                    QCOMPARE(lab::RunRecord::load(lab::RunStore::recordPath(folder)).status, lab::RunStatus::Finished);
                }
                recovers(folder, expected, what);
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void killInTheFinalSaveOfAnEarlyStop()
    {
        // An early stop is decided after the epoch's checkpoint and record are written; a kill
        // from there to the end of the final save must neither lose the run nor, on resume,
        // train past the epoch where it stopped.
        const QString referenceRuns = m_dir.filePath(QStringLiteral("early-reference"));
        const QString log = m_dir.filePath(QStringLiteral("early-steps.log"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MNIST_LAB_FAULT_LOG"), log);
        const QStringList args = earlyStopArgs();
        QCOMPARE(runToEnd(args + QStringList{referenceRuns}, nullptr, nullptr, env), 0);
        const lab::RunRecord expected = lab::RunStore(referenceRuns).list().value(0);
        QCOMPARE(expected.status, lab::RunStatus::Finished);
        const int stoppedAt = expected.completedEpochs();
        qInfo("early stop after epoch %d of %d: %s", stoppedAt, expected.config.epochs, qPrintable(expected.statusDetail));
        QVERIFY2(stoppedAt >= 2 && stoppedAt < expected.config.epochs, "the reference run did not stop early");
        QVERIFY2(expected.statusDetail.startsWith(QStringLiteral("early stopping after epoch %1").arg(stoppedAt)),
                 qPrintable(expected.statusDetail));
        QCOMPARE(expected.modelEpoch, stoppedAt);
        QFile logFile(log);
        QVERIFY(logFile.open(QIODevice::ReadOnly));
        const QStringList steps = QString::fromUtf8(logFile.readAll()).split(u'\n', Qt::SkipEmptyParts);
        // start record, stoppedAt × (checkpoint, record), model, final record, checkpoint removal
        QCOMPARE(steps.size(), 2 * stoppedAt + 4);
        // From the last epoch's checkpoint (the early stop is decided once it and its record
        // are on disk) to the checkpoint's removal.
        const int first = steps.size() - 4;
        QVERIFY2(steps[first - 1].endsWith(QStringLiteral(" checkpoint.mnck")), qPrintable(steps[first - 1]));
        QVERIFY2(steps.last().endsWith(QStringLiteral(" remove checkpoint.mnck")), qPrintable(steps.last()));

        for (int step = first; step <= steps.size(); ++step) {
            for (const QString &mode : {QStringLiteral("kill"), QStringLiteral("fail")}) {
                const QString what = QStringLiteral("early stop, %1 at step %2 (%3)").arg(mode).arg(step).arg(steps[step - 1]);
                const QString runs = m_dir.filePath(QStringLiteral("early-%1-%2").arg(mode).arg(step));
                QProcessEnvironment faulty = QProcessEnvironment::systemEnvironment();
                faulty.insert(QStringLiteral("MNIST_LAB_FAULT"), QStringLiteral("%1:%2").arg(step).arg(mode));
                CliRun run(args + QStringList{runs}, faulty);
                QVERIFY(run.started());
                QVERIFY2(run.finish(300000), qPrintable(what));
                if (mode == u"kill")
                    QVERIFY2(run.exitStatus() == QProcess::CrashExit, qPrintable(what + QStringLiteral(": was not killed")));
                const QStringList folders = QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
                QCOMPARE(folders.size(), 1);
                // recovers() compares every epoch: a resume that trained past the stop fails there.
                recovers(QDir(runs).filePath(folders.first()), expected, what);
                if (QTest::currentTestFailed())
                    return;
            }
        }
    }

    void ctrlCThenResumeDropsTheAbortedEpochsLosses()
    {
        // Finding 5: the aborted epoch's batch losses stayed in the record after resume.
        const QString data = m_dir.filePath(QStringLiteral("slow-data"));
        TestData::writeSyntheticMnist(data, 3000, 200);
        QStringList args = {QStringLiteral("train"), QStringLiteral("--layers"), QStringLiteral("784-64-10"),
                            QStringLiteral("--epochs"), QStringLiteral("3"), QStringLiteral("--batch-size"), QStringLiteral("5"),
                            QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--threads"), QStringLiteral("1"),
                            QStringLiteral("--data"), data, QStringLiteral("--json"), QStringLiteral("--runs")};
        const QString referenceRuns = m_dir.filePath(QStringLiteral("ctrlc-reference"));
        QCOMPARE(runToEnd(args + QStringList{referenceRuns}), 0);
        const lab::RunRecord expected = lab::RunStore(referenceRuns).list().value(0);
        QCOMPARE(expected.completedEpochs(), 3);

        const QString runs = m_dir.filePath(QStringLiteral("ctrlc"));
        QString folder;
        {
            CliRun run(args + QStringList{runs});
            QVERIFY(run.started());
            const QJsonObject started = run.waitFor(QStringLiteral("started"));
            folder = QDir(runs).filePath(started.value(QStringLiteral("run")).toString());
            QElapsedTimer epochTimer;
            epochTimer.start();
            QVERIFY(!run.waitFor(QStringLiteral("epoch")).isEmpty());
            QTest::qWait(int(epochTimer.elapsed() * 2 / 5));   // inside epoch 2
            run.signal(SIGINT);
            QVERIFY(run.finish(10000));
        }
        const lab::RunRecord cancelled = lab::RunStore(runs).load(folder);
        QCOMPARE(lab::runStatusName(cancelled.status), QStringLiteral("cancelled"));
        QCOMPARE(cancelled.completedEpochs(), 1);
        QVERIFY2(cancelled.batchLosses.size() > expected.batchLosses.size() / 3,
                 "the signal did not land inside epoch 2");
        QCOMPARE(cancelled.modelEpoch, 1);
        QString err;
        QCOMPARE(runToEnd({QStringLiteral("resume"), folder, QStringLiteral("--data"), data}, &err), 0);
        const lab::RunRecord resumed = lab::RunStore(runs).load(folder);
        compareRecords(resumed, expected);
    }

    void divergedRunKeepsTheLastFiniteWeights()
    {
        // Finding 6: model.mnlm held the NaN weights (10.9 %, "9" with probability 1).
        const auto data = lab::Dataset::load(m_data);
        lab::RunRequest request;
        request.spec = lab::NetworkSpec::fromShorthand(QStringLiteral("784-32-10"), QStringLiteral("relu"));
        request.config.epochs = 3;
        request.config.batchSize = 20;
        request.config.threads = 1;
        request.config.optimizer = lab::OptimizerKind::Sgd;
        request.config.learningRate = 0.05;
        request.dataFolder = m_data;
        request.runsFolder = m_dir.filePath(QStringLiteral("diverged"));
        lab::RunControl control;
        // After epoch 1, the learning rate is raised by hand (as the Train page allows) far past stable.
        struct Raise : lab::RunObserver
        {
            lab::RunControl *control;
            void onEpoch(const lab::EpochMetrics &) override { control->requestLearningRate(1e30); }
        } raise;
        raise.control = &control;
        lab::ExperimentRunner runner(request);
        const lab::RunRecord record = runner.run(&raise, &control);
        QCOMPARE(lab::runStatusName(record.status), QStringLiteral("diverged"));
        QCOMPARE(record.completedEpochs(), 1);
        QCOMPARE(record.modelEpoch, 1);
        QCOMPARE(lab::RunRecord::load(lab::RunStore::recordPath(record.folder)).modelEpoch, 1);
        // The model file scores what the record says of epoch 1, with finite probabilities.
        const lab::ModelFile model = lab::ModelFile::load(lab::RunStore::modelPath(record.folder));
        QCOMPARE(model.summary.value(QStringLiteral("epoch")).toInt(), 1);
        const lab::Evaluation evaluation = lab::Predictor(model).evaluate(data->test);
        QCOMPARE(evaluation.accuracy, record.epochs[0].testAccuracy);
        QVERIFY(std::isfinite(evaluation.loss));
        for (float p : evaluation.probabilities)
            QVERIFY(std::isfinite(p));
    }

    void oneImageWithAValidationSplitIsRefused()
    {
        // Finding 7: SIGFPE, leaving a "running" record and a lock.
        const QString data = m_dir.filePath(QStringLiteral("one-image"));
        TestData::writeSyntheticMnist(data, 1, 20);
        const QString runs = m_dir.filePath(QStringLiteral("one-image-runs"));
        QString err;
        const int code = runToEnd({QStringLiteral("train"), QStringLiteral("--validation"), QStringLiteral("0.5"),
                                   QStringLiteral("--data"), data, QStringLiteral("--runs"), runs}, &err);
        QCOMPARE(code, 1);
        QVERIFY2(err.contains(QStringLiteral("validation split of 0.5 leaves none to train on")), qPrintable(err));
        QCOMPARE(err.trimmed().count(u'\n'), 0);
        QVERIFY(QDir(runs).entryList(QDir::Dirs | QDir::NoDotAndDotDot).isEmpty());
    }

    void ctrlCIsHonouredWhileEvaluating()
    {
        // Finding 8: SIGINT was ignored until the evaluation ended. One tiny training batch,
        // then a long evaluation (many test images through a convolution).
        const QString data = m_dir.filePath(QStringLiteral("eval-data"));
        TestData::writeSyntheticMnist(data, 200, 30000);
        const QString spec = m_dir.filePath(QStringLiteral("cnn.json"));
        {
            QFile f(spec);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"layers": [{"type": "Conv2d", "units": 8, "kernel": 5, "padding": 2}, {"type": "ReLU"},
                                   {"type": "Conv2d", "units": 8, "kernel": 5, "padding": 2}, {"type": "ReLU"},
                                   {"type": "MaxPool2d", "kernel": 2}, {"type": "Flatten"}, {"type": "Linear", "units": 10}]})");
        }
        const QString runs = m_dir.filePath(QStringLiteral("eval-runs"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
#ifdef LAB_UNDER_ASAN
        env.insert(QStringLiteral("ASAN_OPTIONS"), env.value(QStringLiteral("ASAN_OPTIONS")) + QStringLiteral(":detect_leaks=0"));
#endif
        CliRun run({QStringLiteral("train"), QStringLiteral("--spec"), spec, QStringLiteral("--max-batches"), QStringLiteral("1"),
                    QStringLiteral("--epochs"), QStringLiteral("5"), QStringLiteral("--threads"), QStringLiteral("1"),
                    QStringLiteral("--data"), data, QStringLiteral("--runs"), runs, QStringLiteral("--json")},
                   env);
        QVERIFY(run.started());
        const QJsonObject started = run.waitFor(QStringLiteral("started"));
        QVERIFY2(!started.isEmpty(), qPrintable(run.stderrText()));
        QTest::qWait(1500);   // the one batch is long done; evaluating 30 000 images takes far longer
        QElapsedTimer timer;
        timer.start();
        run.signal(SIGINT);
        QVERIFY2(run.finish(30000), "still running 30 s after Ctrl+C");
        const qint64 ms = timer.elapsed();
        qInfo("Ctrl+C during evaluation to exit: %lld ms", ms);
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        QCOMPARE(run.exitStatus(), QProcess::NormalExit);
        const lab::RunRecord record = lab::RunStore(runs).load(QDir(runs).filePath(started.value(QStringLiteral("run")).toString()));
        QCOMPARE(lab::runStatusName(record.status), QStringLiteral("cancelled"));
        QCOMPARE(record.completedEpochs(), 0);
        QVERIFY2(record.statusDetail.contains(QStringLiteral("evaluating")), qPrintable(record.statusDetail));
    }

    void threadsAreClampedWithAWarning()
    {
        const int hardware = int(qMax(1u, std::thread::hardware_concurrency()));
        const QString runs = m_dir.filePath(QStringLiteral("threads"));
        QString err;
        QCOMPARE(runToEnd({QStringLiteral("train"), QStringLiteral("--layers"), QStringLiteral("784-16-10"),
                           QStringLiteral("--epochs"), QStringLiteral("1"), QStringLiteral("--max-batches"), QStringLiteral("2"),
                           QStringLiteral("--threads"), QStringLiteral("1000"), QStringLiteral("--data"), m_data,
                           QStringLiteral("--runs"), runs}, &err),
                 0);
        QVERIFY2(err.contains(QStringLiteral("warning: --threads 1000 is more than the %1 hardware threads").arg(hardware)),
                 qPrintable(err));
        const lab::RunRecord record = lab::RunStore(runs).list().value(0);
        QCOMPARE(record.config.threads, hardware);
        QCOMPARE(record.environment.value(QStringLiteral("threads")).toInt(), hardware);
    }

    void emptyLayersAreRefused()
    {
        // Finding 12: --layers "" silently trained 784-50-50-10.
        const QString runs = m_dir.filePath(QStringLiteral("empty-layers"));
        QString err;
        QCOMPARE(runToEnd({QStringLiteral("train"), QStringLiteral("--layers"), QString(), QStringLiteral("--data"), m_data,
                           QStringLiteral("--runs"), runs}, &err),
                 1);
        QVERIFY2(err.contains(QStringLiteral("--layers: empty")), qPrintable(err));
        QVERIFY(!QFileInfo::exists(runs) || QDir(runs).isEmpty());
    }

    void modelForOtherInputsIsOneClearLine()
    {
        // Finding 10: a libtorch stack trace, a broken JSON fragment on stdout, the other
        // images skipped. A CNN trained here, then declared for 60×60 inputs (its weights
        // still fit: the pooling window grows with it).
        const QString spec = m_dir.filePath(QStringLiteral("pooled.json"));
        {
            QFile f(spec);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"layers": [{"type": "Conv2d", "units": 4, "kernel": 5}, {"type": "ReLU"},
                                   {"type": "MaxPool2d", "kernel": 12}, {"type": "Flatten"}, {"type": "Linear", "units": 10}]})");
        }
        const QString runs = m_dir.filePath(QStringLiteral("pooled-runs"));
        QCOMPARE(runToEnd({QStringLiteral("train"), QStringLiteral("--spec"), spec, QStringLiteral("--epochs"), QStringLiteral("1"),
                           QStringLiteral("--max-batches"), QStringLiteral("3"), QStringLiteral("--data"), m_data,
                           QStringLiteral("--runs"), runs}),
                 0);
        const QString trained = lab::RunStore::modelPath(lab::RunStore(runs).list().value(0).folder);
        lab::ModelFile model = lab::ModelFile::load(trained);
        model.spec.inputHeight = 60;
        model.spec.inputWidth = 60;
        model.spec.layers[2].kernel = 28;   // 56×56 maps → 2×2, as 24×24 → 2×2 before
        const QString other = m_dir.filePath(QStringLiteral("for-60x60.mnlm"));
        model.save(other);

        QImage digit(28, 28, QImage::Format_Grayscale8);
        digit.fill(0);
        for (int y = 4; y < 24; ++y)
            digit.setPixel(14, y, 255);
        const QString png = m_dir.filePath(QStringLiteral("one.png"));
        QVERIFY(digit.save(png));

        QString err;
        QByteArray out;
        QCOMPARE(runToEnd({QStringLiteral("predict"), QStringLiteral("--model"), other, png, png}, &err, &out), 1);
        QCOMPARE(out, QByteArray());   // no fragment
        QCOMPARE(err.trimmed().count(u'\n'), 0);
        QVERIFY2(err.contains(other) && err.contains(QStringLiteral("1×60×60")), qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("c10")) && !err.contains(QStringLiteral("Exception raised")), qPrintable(err));

        QCOMPARE(runToEnd({QStringLiteral("eval"), QStringLiteral("--model"), other, QStringLiteral("--data"), m_data,
                           QStringLiteral("--json")}, &err, &out),
                 1);
        QCOMPARE(out, QByteArray());
        QCOMPARE(err.trimmed().count(u'\n'), 0);
        QVERIFY2(err.contains(other) && err.contains(QStringLiteral("1×60×60")), qPrintable(err));

        // With the model it was trained as, an unreadable image among good ones: the others
        // are still predicted and stdout stays valid JSON lines.
        const QString broken = m_dir.filePath(QStringLiteral("broken.png"));
        {
            QFile f(broken);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("\x89PNG\r\n\x1a\n truncated");
        }
        QCOMPARE(runToEnd({QStringLiteral("predict"), QStringLiteral("--model"), trained, png, broken, png}, &err, &out), 1);
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        for (const QByteArray &line : lines) {
            QJsonParseError error;
            QJsonDocument::fromJson(line, &error);
            QCOMPARE(error.error, QJsonParseError::NoError);
        }
        QVERIFY2(err.contains(broken), qPrintable(err));
    }

    void twoSweepsOfOneNameInTheSameSecond()
    {
        // Finding 11: both wrote <time>-<name>.json; one summary was lost.
        const QJsonObject json{{QStringLiteral("name"), QStringLiteral("twins")},
                               {QStringLiteral("base"), QJsonObject{{QStringLiteral("layers"), QStringLiteral("784-8-10")},
                                                                    {QStringLiteral("config"), QJsonObject{{QStringLiteral("epochs"), 1},
                                                                                                           {QStringLiteral("max_batches_per_epoch"), 1},
                                                                                                           {QStringLiteral("threads"), 1}}}}},
                               {QStringLiteral("axes"), QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("width")},
                                                                               {QStringLiteral("values"), QJsonArray{8}}}}}};
        const QString runs = m_dir.filePath(QStringLiteral("sweeps"));
        lab::SweepRunner first(lab::Sweep::fromJson(json, QStringLiteral("twins.json")), m_data, runs);
        lab::SweepRunner second(lab::Sweep::fromJson(json, QStringLiteral("twins.json")), m_data, runs);
        const QDateTime before = QDateTime::currentDateTime();
        first.run(nullptr, nullptr);
        second.run(nullptr, nullptr);
        if (before.secsTo(QDateTime::currentDateTime()) > 0 && QFileInfo(first.summaryPath()).fileName().left(15) != QFileInfo(second.summaryPath()).fileName().left(15))
            QSKIP("the two sweeps did not start in the same second on this machine");
        QVERIFY(first.summaryPath() != second.summaryPath());
        QVERIFY(QFileInfo(first.summaryPath()).size() > 0);
        QVERIFY(QFileInfo(second.summaryPath()).size() > 0);
        QCOMPARE(QDir(runs + QStringLiteral("/sweeps")).entryList(QDir::Files).size(), 2);
    }

private:
    /**
     * The run in `folder`, left by a killed or failed process: it loads, it is finished or
     * `resume` finishes it, its final record and model equal the uninterrupted run's
     * (`expected`), and the folder holds nothing else (no checkpoint, temporary or lock).
     */
    void recovers(const QString &folder, const lab::RunRecord &expected, const QString &what)
    {
        const lab::RunStore store(QFileInfo(folder).absolutePath());
        lab::RunRecord loaded;
        try {
            loaded = store.load(folder);
        } catch (const lab::LabError &e) {
            QFAIL(qPrintable(what + QStringLiteral(": does not load: ") + e.message()));
        }
        if (loaded.status != lab::RunStatus::Finished) {
            QString resumeErr;
            const int code = runToEnd({QStringLiteral("resume"), folder, QStringLiteral("--data"), m_data,
                                       QStringLiteral("--json")}, &resumeErr);
            QVERIFY2(code == 0, qPrintable(what + QStringLiteral(" (status %1): resume exited %2: %3")
                                                   .arg(lab::runStatusName(loaded.status)).arg(code).arg(resumeErr)));
        }
        const lab::RunRecord final = store.load(folder);
        compareRecords(final, expected);
        QCOMPARE(final.statusDetail, expected.statusDetail);
        QCOMPARE(lab::ModelFile::load(lab::RunStore::modelPath(folder)).summary.value(QStringLiteral("epoch")).toInt(),
                 expected.modelEpoch);
        const QStringList files = filesIn(folder);
        QVERIFY2(!files.contains(QStringLiteral("checkpoint.mnck")), qPrintable(what + QStringLiteral(": checkpoint left")));
        QVERIFY2(files == finishedFiles, qPrintable(what + QStringLiteral(": ") + files.join(u' ')));
    }

    /** A run that stops early: no improvement of the test accuracy for one epoch ends it (--runs last). */
    QStringList earlyStopArgs() const
    {
        return {QStringLiteral("train"), QStringLiteral("--layers"), QStringLiteral("784-32-10"), QStringLiteral("--epochs"),
                QStringLiteral("12"), QStringLiteral("--early-stop"), QStringLiteral("1"), QStringLiteral("--batch-size"),
                QStringLiteral("20"), QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--threads"),
                QStringLiteral("1"), QStringLiteral("--data"), m_data, QStringLiteral("--json"), QStringLiteral("--runs")};
    }

    QStringList trainArgs(const QString &runs) const
    {
        return {QStringLiteral("train"),     QStringLiteral("--layers"), QStringLiteral("784-32-10"), QStringLiteral("--epochs"),
                QStringLiteral("3"),         QStringLiteral("--batch-size"), QStringLiteral("20"),    QStringLiteral("--seed"),
                QStringLiteral("7"),         QStringLiteral("--threads"), QStringLiteral("1"),        QStringLiteral("--data"),
                m_data,                      QStringLiteral("--runs"),   runs,                        QStringLiteral("--json")};
    }

    QTemporaryDir m_dir;
    QString m_data;
};

QTEST_GUILESS_MAIN(TestRunFaults)
#include "tst_runfaults.moc"
