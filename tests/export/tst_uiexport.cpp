// The GUI's exports: the Runs page's Export model… / Export CSV… buttons follow the
// selection, and what they run writes an ONNX or PyTorch file (chosen by the suffix) and
// the selected runs' CSV; an unknown suffix or a damaged model is an error, not a file.
// And what comes back from a cluster: the Sweeps page opens a collected summary and draws
// the sweep's cells, with or without the run folders beside it.
#include "core/common/atomicfile.h"
#include "core/experiment/runstore.h"
#include "core/experiment/sweeptasks.h"
#include "core/infer/defaultmodel.h"
#include "core/model/modelfile.h"
#include "ui/runs/runexport.h"
#include "ui/charts/sweepchart.h"
#include "ui/runs/runspage.h"
#include "ui/sweeps/sweeppage.h"
#include "testdata.h"
#include "uitestsupport.h"

#include <QDir>
#include <QJsonDocument>
#include <QTableWidget>
#include <QFile>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace lab;

class TestUiExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QStringList m_runs;

    QString makeRun(const QString &id, bool withModel)
    {
        const QString folder = QDir(m_dir.filePath(QStringLiteral("runs"))).filePath(id);
        QDir().mkpath(folder);
        const ModelFile model = DefaultModel::load();
        RunRecord record;
        record.modelType = QStringLiteral("default");
        record.spec = model.spec;
        record.status = RunStatus::Finished;
        EpochMetrics m;
        m.epoch = 1;
        m.testAccuracy = 97.5;
        record.epochs.append(m);
        record.batchLosses = {2.0, 1.0};
        record.save(RunStore::recordPath(folder));
        if (withModel)
            model.save(RunStore::modelPath(folder));
        return folder;
    }

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uiexport"));
        m_runs << makeRun(QStringLiteral("20260101-100000-with_model"), true)
               << makeRun(QStringLiteral("20260101-110000-no_model"), false);
    }

    void buttonsFollowTheSelection()
    {
        RunsPage page;
        page.setRunsFolder(m_dir.filePath(QStringLiteral("runs")));
        page.selectRuns({});
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("exportModelButton"))->isEnabled());
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("exportCsvButton"))->isEnabled());
        page.selectRuns({m_runs[0]});
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("exportModelButton"))->isEnabled());
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("exportCsvButton"))->isEnabled());
        page.selectRuns({m_runs[1]});   // no model file in that run
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("exportModelButton"))->isEnabled());
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("exportCsvButton"))->isEnabled());
        page.selectRuns(m_runs);
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("exportModelButton"))->isEnabled());
        QCOMPARE(page.selectedRuns().size(), 2);

        // Export CSV of the two selected runs: both in one long-format file.
        const QString csv = m_dir.filePath(QStringLiteral("csv"));
        QCOMPARE(RunExport::exportCsv(page.selectedRuns(), csv), QString());
        QFile epochs(QDir(csv).filePath(QStringLiteral("epochs.csv")));
        QVERIFY(epochs.open(QIODevice::ReadOnly));
        const QByteArray text = epochs.readAll();
        QVERIFY(text.startsWith("run,epoch,metric,value\n"));
        QVERIFY(text.contains("20260101-100000-with_model,1,test_accuracy,97.5\n"));
        QVERIFY(text.contains("20260101-110000-no_model,1,test_accuracy,97.5\n"));
    }

    void modelFormatFollowsTheSuffix()
    {
        const QString model = RunStore::modelPath(m_runs[0]);
        const QString onnx = m_dir.filePath(QStringLiteral("out/m.onnx"));
        QCOMPARE(RunExport::exportModel(model, onnx), QString());
        QFile onnxFile(onnx);
        QVERIFY(onnxFile.open(QIODevice::ReadOnly));
        QVERIFY(onnxFile.readAll().contains("mnist-lab"));   // the producer name in the protobuf
        const QString pt = m_dir.filePath(QStringLiteral("out/m.pt"));
        QCOMPARE(RunExport::exportModel(model, pt), QString());
        QFile ptFile(pt);
        QVERIFY(ptFile.open(QIODevice::ReadOnly));
        QVERIFY(ptFile.read(2) == "PK");   // torch.save's zip format
        QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("out/m.py"))));

        const QString unknown = m_dir.filePath(QStringLiteral("out/m.tflite"));
        QVERIFY(RunExport::exportModel(model, unknown).contains(QStringLiteral("unknown export format")));
        QVERIFY(!QFileInfo::exists(unknown));
        const QString notModel = RunStore::recordPath(m_runs[1]);
        const QString target = m_dir.filePath(QStringLiteral("out/bad.onnx"));
        QVERIFY(!RunExport::exportModel(notModel, target).isEmpty());
        QVERIFY(!QFileInfo::exists(target));
    }

    void sweepsPageOpensACollectedSummary()
    {
        const QString data = m_dir.filePath(QStringLiteral("synthetic"));
        TestData::writeSyntheticMnist(data, 300, 100);
        const Sweep sweep = Sweep::fromJson(QJsonDocument::fromJson(R"({
            "name": "collected",
            "base": {"layers": "784-8-10", "activation": "relu",
                     "config": {"epochs": 1, "batch_size": 50, "learning_rate": 0.003, "threads": 1, "seed": 4}},
            "axes": [{"parameter": "width", "values": [4, 12]}], "seeds": 2})").object(), QStringLiteral("collected.json"));
        // The tasks as a cluster would run them, each into the shared store, then collected.
        const SweepTasks tasks(sweep);
        const QString store = m_dir.filePath(QStringLiteral("cluster-runs"));
        for (int i = 0; i < tasks.count(); ++i)
            QCOMPARE(tasks.runTask(i, store, data, nullptr, nullptr).record.status, RunStatus::Finished);
        const SweepTasks::Collection collected = tasks.collect(store);
        QVERIFY(collected.complete());
        const QString summary = tasks.collectedSummaryPath(store);
        AtomicFile::write(summary, QJsonDocument(collected.summary).toJson());
        const QVector<SweepCell> cells = Sweep::summarize(collected.points, collected.records, QStringLiteral("test_error"));
        QCOMPARE(cells.size(), 2);

        SweepPage page;
        QVERIFY2(page.loadSummary(summary), qPrintable(page.errorText()));
        QCOMPARE(page.records().size(), 4);
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->rowCount(), 4);
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->item(3, page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->columnCount() - 2)->text(), QStringLiteral("finished"));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());   // looked at, not run again
        const QStringList series = page.chart()->seriesNames();
        QVERIFY(!series.isEmpty());   // test error first; train error dashed beside it
        const QVector<QPointF> means = page.chart()->meanPoints(series.first());
        QCOMPARE(means.size(), 2);
        QCOMPARE(means[0], QPointF(4, cells[0].mean));
        QCOMPARE(means[1], QPointF(12, cells[1].mean));

        // Summary copied away from its run folders: the sweep's metric still draws the same.
        QVERIFY(QDir(QDir(store).filePath(tasks.folderName(0))).removeRecursively());
        SweepPage away;
        QVERIFY2(away.loadSummary(summary), qPrintable(away.errorText()));
        QVERIFY(away.gridText().contains(QStringLiteral("3 records read")));
        QCOMPARE(away.chart()->meanPoints(series.first())[0].y(), cells[0].mean);

        // A sweep file is not a summary: said so on the page.
        const QString sweepFile = m_dir.filePath(QStringLiteral("collected.json"));
        AtomicFile::write(sweepFile, QJsonDocument(sweep.toJson()).toJson());
        QVERIFY(!away.loadSummary(sweepFile));
        QVERIFY2(away.errorText().contains(QStringLiteral("not a sweep summary")), qPrintable(away.errorText()));
    }
};

QTEST_MAIN(TestUiExport)
#include "tst_uiexport.moc"
