// Chart widgets and the runs table, fed with made-up values (no training): series fill
// from buffers, PNG export at a requested size, overlays, the heatmap's clicks, and the
// runs table model with its sort/filter proxy.
#include "ui/charts/accuracychart.h"
#include "ui/charts/confusionheatmap.h"
#include "ui/charts/losschart.h"
#include "ui/charts/overlaychart.h"
#include "ui/runs/runtablemodel.h"
#include "imagechecks.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTest>

using namespace lab;

namespace {

EpochMetrics epoch(int n, double acc)
{
    EpochMetrics m;
    m.epoch = n;
    m.trainLoss = 1.0 / n;
    m.testLoss = 1.2 / n;
    m.trainAccuracy = acc + 1;
    m.testAccuracy = acc;
    for (int i = 0; i < 10; ++i)
        for (int j = 0; j < 10; ++j)
            m.confusion.add(i, j, i == j ? 90 + n : (i + j) % 3);
    return m;
}

RunRecord record(const QString &name, int epochs, double base)
{
    RunRecord r;
    r.modelType = name;
    r.id = QStringLiteral("20260101-000000-") + name;
    r.folder = QStringLiteral("/tmp/") + r.id;
    r.spec = NetworkSpec::fromShorthand(QStringLiteral("784-50-10"), QStringLiteral("relu"));
    r.config.epochs = epochs;
    r.status = RunStatus::Finished;
    r.started = QDateTime::currentDateTimeUtc().addSecs(-int(base));
    for (int e = 1; e <= epochs; ++e)
        r.epochs.append(epoch(e, base + e));
    r.testAccuracy = r.epochs.last().testAccuracy;
    r.trainAccuracy = r.epochs.last().trainAccuracy;
    r.finalTrainLoss = r.epochs.last().trainLoss;
    r.parameters = 39760;
    return r;
}


int nonWhite(const QImage &image)
{
    int n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            if (qGray(image.pixel(x, y)) < 200)
                ++n;
    return n;
}

} // namespace

class TestUiCharts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uicharts"));
    }

    void lossChartFillsFromBuffers()
    {
        LossChart chart;
        chart.resize(600, 400);
        chart.show();
        chart.reset(3);
        QVector<BatchProgress> steps;
        for (int s = 1; s <= 250; ++s) {
            BatchProgress p;
            p.epoch = (s - 1) / 100 + 1;
            p.batch = (s - 1) % 100 + 1;
            p.batchesPerEpoch = 100;
            p.step = s;
            p.totalSteps = 300;
            p.loss = 2.0 / std::sqrt(double(s));
            steps.append(p);
        }
        chart.addBatches(steps);
        // Not drawn per point: nothing until the refresh timer fires.
        QCOMPARE(chart.pointCount(LossChart::rawName()), 0);
        QTRY_COMPARE(chart.pointCount(LossChart::rawName()), 250);
        QCOMPARE(chart.pointCount(LossChart::smoothName()), 250);
        chart.addEpoch(epoch(1, 90));
        chart.addEpoch(epoch(2, 92));
        QTRY_COMPARE(chart.pointCount(LossChart::trainName()), 2);
        QCOMPARE(chart.pointCount(LossChart::testName()), 2);
        chart.addLrChange(120, 1e-4);
        chart.refreshNow();
        QCOMPARE(chart.lrChangeCount(), 1);
        QCOMPARE(chart.seriesCount(), 4);   // markers are not data series
        chart.setLogScale(true);
        QVERIFY(chart.logScale());
        QCOMPARE(chart.pointCount(LossChart::rawName()), 250);

        // A huge run is thinned for display, never drawn point by point.
        QVector<BatchProgress> many;
        for (int s = 251; s <= 20000; ++s) {
            BatchProgress p = steps.last();
            p.step = s;
            p.loss = 0.5;
            many.append(p);
        }
        chart.addBatches(many);
        chart.refreshNow();
        QVERIFY(chart.pointCount(LossChart::rawName()) <= 2600);
        QVERIFY(chart.pointCount(LossChart::rawName()) > 1000);
    }

    void redrawStaysShort()
    {
        // A batch-size-1 run: 60000 steps per epoch. A redraw pushes a thinned copy, so
        // the GUI thread is busy for a few milliseconds, not for the whole history.
        LossChart chart;
        chart.resize(700, 400);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.reset(1);
        QVector<BatchProgress> steps(60000);
        for (int s = 0; s < steps.size(); ++s) {
            BatchProgress &p = steps[s];
            p.epoch = 1;
            p.batch = s + 1;
            p.batchesPerEpoch = 60000;
            p.step = s + 1;
            p.totalSteps = 60000;
            p.loss = 2.3 / (1 + s / 1000.0) + 0.01 * (s % 7);
        }
        chart.addBatches(steps);
        QVector<qint64> times;
        for (int i = 0; i < 5; ++i) {
            QElapsedTimer t;
            t.start();
            chart.refreshNow();
            chart.repaint();
            times.append(t.elapsed());
        }
        std::sort(times.begin(), times.end());
        QVERIFY2(times.at(2) < 50, qPrintable(QStringLiteral("median redraw %1 ms").arg(times.at(2))));
        QVERIFY(chart.pointCount(LossChart::rawName()) <= 2600);
    }

    void pngExport_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QSize>("size");
        QTest::newRow("loss 800x500") << 0 << QSize(800, 500);
        QTest::newRow("accuracy 1200x400") << 1 << QSize(1200, 400);
        QTest::newRow("confusion 640x640") << 2 << QSize(640, 640);
        QTest::newRow("overlay 1000x700") << 3 << QSize(1000, 700);
    }

    void pngExport()
    {
        QFETCH(int, which);
        QFETCH(QSize, size);
        LossChart loss;
        AccuracyChart accuracy;
        ConfusionHeatmap heatmap;
        OverlayChart overlay(OverlayChart::Metric::TestAccuracy);
        const RunRecord r = record(QStringLiteral("a"), 4, 90);
        loss.showRecord(r);
        accuracy.showRecord(r);
        heatmap.setMatrix(r.epochs.last().confusion);
        overlay.setRuns({r});
        ChartWidget *charts[] = {&loss, &accuracy, &heatmap, &overlay};
        ChartWidget *chart = charts[which];
        chart->resize(500, 350);
        chart->show();
        QVERIFY(QTest::qWaitForWindowExposed(chart));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("out/chart.png"));
        QString error;
        QVERIFY2(chart->exportImage(path, size, &error), qPrintable(error));
        QImage image(path);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), size);
        QVERIFY2(ImageChecks::colourCount(image) > 8, "the exported image is blank");
        QVERIFY2(nonWhite(image) > 100, "the exported image has nearly no ink");
        // No temporary file is left beside it (QSaveFile).
        QCOMPARE(QDir(dir.filePath(QStringLiteral("out"))).entryList(QDir::Files).size(), 1);
    }

    void overlayShowsOneSeriesPerRun()
    {
        OverlayChart overlay(OverlayChart::Metric::TestAccuracy);
        overlay.setRuns({record(QStringLiteral("2_HL_NN_v1"), 3, 90), record(QStringLiteral("2_HL_NN_v2"), 5, 91)});
        QTRY_COMPARE(overlay.seriesCount(), 2);
        const QStringList names = overlay.seriesNames();
        QVERIFY(names.at(0).startsWith(QStringLiteral("2_HL_NN_v1")));
        QVERIFY(names.at(1).startsWith(QStringLiteral("2_HL_NN_v2")));
        QVERIFY(names.at(0).contains(QStringLiteral("batch")));   // key hyperparameters in the label
        QCOMPARE(overlay.pointCount(names.at(1)), 5);
        overlay.setRuns({record(QStringLiteral("x"), 2, 80)});
        QTRY_COMPARE(overlay.seriesCount(), 1);
        overlay.setMetric(OverlayChart::Metric::TrainLoss);
        QCOMPARE(overlay.seriesCount(), 1);
    }

    void heatmapClickAndNormalise()
    {
        ConfusionHeatmap heatmap;
        heatmap.resize(500, 450);
        heatmap.show();
        QVERIFY(QTest::qWaitForWindowExposed(&heatmap));
        QSignalSpy clicks(&heatmap, &ConfusionHeatmap::cellClicked);
        // Empty matrix: clicks do nothing.
        QTest::mouseClick(&heatmap, Qt::LeftButton, {}, QPoint(250, 220));
        QCOMPARE(clicks.count(), 0);
        heatmap.setMatrix(epoch(1, 90).confusion);
        // Find the centre of cell (true 3, predicted 5) by scanning.
        QPoint target(-1, -1);
        for (int y = 0; y < heatmap.height() && target.x() < 0; y += 2)
            for (int x = 0; x < heatmap.width(); x += 2)
                if (heatmap.cellAt(QPoint(x, y)) == QPoint(5, 3)) {
                    target = QPoint(x + 4, y + 4);
                    break;
                }
        QVERIFY(target.x() >= 0);
        QTest::mouseClick(&heatmap, Qt::LeftButton, {}, target);
        QCOMPARE(clicks.count(), 1);
        QCOMPARE(clicks.first().at(0).toInt(), 3);
        QCOMPARE(clicks.first().at(1).toInt(), 5);
        const QImage counts = heatmap.renderImage(QSize(400, 400));
        heatmap.setRowNormalized(true);
        const QImage shares = heatmap.renderImage(QSize(400, 400));
        QVERIFY(counts != shares);   // the numbers in the cells changed
    }

    void runTableModel()
    {
        RunTableModel model;
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(RunTableModel::SortRole);
        proxy.setFilterKeyColumn(-1);
        proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({record(QStringLiteral("slow"), 3, 80), record(QStringLiteral("best"), 3, 95),
                       record(QStringLiteral("mid"), 3, 90)});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.headerData(RunTableModel::TestAccuracyColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Test acc. %"));   // words for the reader…
        QVERIFY(model.headerData(RunTableModel::TestAccuracyColumn, Qt::Horizontal, Qt::ToolTipRole)
                    .toString().contains(QStringLiteral("test_accuracy")));   // …the record's field in the tooltip
        for (int c = 0; c < model.columnCount(); ++c)
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().contains(u'_'));
        proxy.sort(RunTableModel::TestAccuracyColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, RunTableModel::ModelTypeColumn).data().toString(), QStringLiteral("best"));
        QCOMPARE(proxy.index(2, RunTableModel::ModelTypeColumn).data().toString(), QStringLiteral("slow"));
        proxy.setFilterFixedString(QStringLiteral("MID"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, RunTableModel::StatusColumn).data().toString(), runStatusName(RunStatus::Finished));
        proxy.setFilterFixedString(QString());
        model.setRuns({});
        QCOMPARE(proxy.rowCount(), 0);
    }
};

QTEST_MAIN(TestUiCharts)
#include "tst_uicharts.moc"
