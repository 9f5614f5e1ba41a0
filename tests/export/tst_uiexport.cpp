// The GUI's exports: the Runs page's Export model… / Export CSV… buttons follow the
// selection, and what they run writes an ONNX or PyTorch file (chosen by the suffix) and
// the selected runs' CSV; an unknown suffix or a damaged model is an error, not a file.
#include "core/experiment/runstore.h"
#include "core/infer/defaultmodel.h"
#include "core/model/modelfile.h"
#include "ui/runs/runexport.h"
#include "ui/runs/runspage.h"
#include "uitestsupport.h"

#include <QDir>
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
        QVERIFY(!page.exportModelButton()->isEnabled());
        QVERIFY(!page.exportCsvButton()->isEnabled());
        page.selectRuns({m_runs[0]});
        QVERIFY(page.exportModelButton()->isEnabled());
        QVERIFY(page.exportCsvButton()->isEnabled());
        page.selectRuns({m_runs[1]});   // no model file in that run
        QVERIFY(!page.exportModelButton()->isEnabled());
        QVERIFY(page.exportCsvButton()->isEnabled());
        page.selectRuns(m_runs);
        QVERIFY(!page.exportModelButton()->isEnabled());
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
};

QTEST_MAIN(TestUiExport)
#include "tst_uiexport.moc"
