// Chart export as a reader sees the file: every chart of the lab, shown on screen at a
// shape unlike the export (the case that left 55% of the image white), exported at
// 800×500, 1600×1000 and 3000×2000 as PNG and as SVG. The content must span ≥ 90% of the
// image's width and height with a blank border (no frame posing as content), every text
// must lie inside the image and none may be elided, and the chart on screen must be the
// same afterwards.
#include "ui/appsettings.h"
#include "ui/charts/accuracychart.h"
#include "ui/charts/chartexportdialog.h"
#include "ui/charts/confusionheatmap.h"
#include "ui/charts/diagnosticschart.h"
#include "ui/charts/firstlayerweightsview.h"
#include "ui/charts/losschart.h"
#include "ui/charts/lrschedulechart.h"
#include "ui/charts/overlaychart.h"
#include "ui/charts/sweepchart.h"
#include "ui/charts/testerrorchart.h"
#include "ui/mainwindow.h"
#include "ui/train/trainpage.h"
#include "core/experiment/sweep.h"
#include "imagechecks.h"
#include "textprobe.h"
#include "uitestsupport.h"

#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QCursor>
#include <QLineEdit>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QPainter>
#include <QSet>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QTest>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

using namespace lab;

namespace {

RunRecord makeRecord(const QString &name, int epochs, double accuracy)
{
    RunRecord r;
    r.modelType = name;
    r.id = QStringLiteral("20260101-000000-") + name;
    r.spec = NetworkSpec::fromShorthand(QStringLiteral("784-100-50-10"), QStringLiteral("relu"));
    r.config.epochs = epochs;
    r.config.batchSize = 100;
    r.status = RunStatus::Finished;
    const int steps = 120;
    for (int s = 0; s < epochs * steps; ++s)
        r.batchLosses.append(2.3 * std::exp(-s / 60.0) + 0.05 + 0.04 * ((s * 37) % 11) / 11.0);
    r.lrChanges.append({3, qint64(2 * steps + 1), 0.01});
    for (int e = 1; e <= epochs; ++e) {
        EpochMetrics m;
        m.epoch = e;
        m.trainLoss = 0.5 / e;
        m.testLoss = 0.55 / e;
        m.trainAccuracy = accuracy + e * 0.3 + 0.5;
        m.testAccuracy = accuracy + e * 0.3;
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 10; ++j)
                m.confusion.add(i, j, i == j ? 950 + 10 * e + i : (i * 7 + j * 3) % 9);
        for (int layer : {0, 2, 4}) {
            LayerDiagnostics d;
            d.layerIndex = layer;
            d.name = QStringLiteral("Linear");
            d.deadFraction = 0.02 * e + 0.01 * layer;
            d.gradientNorm = 0.01 * (layer + 1) / e;
            d.weightNorm = 5.0 + e + layer;
            m.layers.append(d);
        }
        r.epochs.append(m);
    }
    r.testAccuracy = r.epochs.last().testAccuracy;
    r.trainAccuracy = r.epochs.last().trainAccuracy;
    r.parameters = 89610;
    return r;
}

FirstLayerWeights makeWeights(int units)
{
    FirstLayerWeights w;
    w.layerName = QStringLiteral("Linear(%1)").arg(units);
    w.units = units;
    w.tileHeight = 28;
    w.tileWidth = 28;
    w.values.resize(size_t(units) * 784);
    for (size_t i = 0; i < w.values.size(); ++i)
        w.values[i] = float(int(i * 2654435761u % 201) - 100) / 100.0f;
    return w;
}

Sweep makeSweep()
{
    Sweep sweep;
    sweep.name = QStringLiteral("width");
    sweep.axes.append(SweepAxis{QStringLiteral("width"), {QStringLiteral("10"), QStringLiteral("50"), QStringLiteral("200"),
                                                          QStringLiteral("1000")}, true});
    sweep.seeds = 3;
    return sweep;
}

QVector<SweepCell> makeCells()
{
    QVector<SweepCell> cells;
    const double errors[] = {6.0, 2.9, 2.1, 1.9};
    const char *widths[] = {"10", "50", "200", "1000"};
    for (int i = 0; i < 4; ++i)
        cells.append(SweepCell{{QString::fromLatin1(widths[i])}, errors[i], 0.2, 3});
    return cells;
}

/** Every chart of the lab with realistic content, each inside its own on-screen window. */
struct Charts
{
    std::vector<std::unique_ptr<QWidget>> windows;
    QList<ChartWidget *> all;

    Charts()
    {
        const RunRecord r = makeRecord(QStringLiteral("2_HL_NN_v1"), 6, 96.5);
        auto *loss = new LossChart;
        loss->showRecord(r);
        auto *accuracy = new AccuracyChart;
        accuracy->showRecord(r);
        auto *heatmap = new ConfusionHeatmap;
        heatmap->setMatrix(r.epochs.last().confusion, ConfusionHeatmap::epochCaption(6, r.testAccuracy));
        auto *testError = new TestErrorChart;
        testError->showRecord(r);
        QList<ChartWidget *> list{loss, accuracy, heatmap, testError};
        for (auto metric : {DiagnosticsChart::Metric::GradientNorm, DiagnosticsChart::Metric::DeadFraction,
                            DiagnosticsChart::Metric::WeightNorm}) {
            auto *chart = new DiagnosticsChart(metric);
            chart->setLogScale(metric != DiagnosticsChart::Metric::DeadFraction);
            chart->showRecord(r);
            list << chart;
        }
        auto *weights = new FirstLayerWeightsView;
        weights->setWeights(makeWeights(100), QStringLiteral("2_HL_NN_v1"));
        auto *overlay = new OverlayChart(OverlayChart::Metric::TestAccuracy);
        overlay->setRuns({r, makeRecord(QStringLiteral("2_HL_NN_v2"), 4, 95.0)});
        auto *sweep = new SweepChart;
        sweep->setSweep(makeSweep());
        sweep->setCells(makeCells(), QStringLiteral("test_error"));
        auto *lr = new LrScheduleChart;
        TrainConfig config;
        config.epochs = 10;
        lr->setConfig(config);
        list << weights << overlay << sweep << lr;
        for (ChartWidget *chart : list) {
            // A wide, flat window: the shape that exported as a band with white below it.
            auto window = std::make_unique<QWidget>();
            auto *layout = new QVBoxLayout(window.get());
            layout->addWidget(chart);
            window->resize(1200, 300);
            window->show();
            windows.push_back(std::move(window));
            all << chart;
        }
    }
};

QRect blankBorderProblem(const QImage &image)
{
    // A frame around the image would count as content: the outermost pixels must be blank.
    const QRect inner = image.rect().adjusted(1, 1, -1, -1);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (!inner.contains(x, y) && image.pixel(x, y) != 0xffffffff)
                return QRect(x, y, 1, 1);
    return QRect();
}

void checkFills(const QImage &image, const QString &what)
{
    const QRect border = blankBorderProblem(image);
    QVERIFY2(border.isNull(), qPrintable(QStringLiteral("%1: ink on the border at %2,%3").arg(what).arg(border.x()).arg(border.y())));
    const QRect content = ImageChecks::contentRect(image);
    const double w = double(content.width()) / image.width(), h = double(content.height()) / image.height();
    QVERIFY2(w >= 0.9 && h >= 0.9, qPrintable(QStringLiteral("%1: content spans %2% × %3% of the image (%4,%5 %6x%7)")
                                                   .arg(what).arg(100 * w, 0, 'f', 1).arg(100 * h, 0, 'f', 1)
                                                   .arg(content.x()).arg(content.y()).arg(content.width()).arg(content.height())));
}

} // namespace

class TestChartExport : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Charts> m_charts;
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_chartexport"));
        m_charts = std::make_unique<Charts>();
        for (auto &window : m_charts->windows)
            QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTest::qWait(300);   // the charts' redraw timers (50 ms) have run: what is on screen is settled
    }

    void cleanupTestCase() { m_charts.reset(); }

    void fillsTheImage_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QSize>("size");
        for (int i = 0; i < m_charts->all.size(); ++i)
            for (const QSize &size : {QSize(800, 500), QSize(1600, 1000), QSize(3000, 2000)})
                QTest::addRow("%s %dx%d", qPrintable(m_charts->all.at(i)->exportName()), size.width(), size.height())
                    << i << size;
    }

    void fillsTheImage()
    {
        QFETCH(int, which);
        QFETCH(QSize, size);
        ChartWidget *chart = m_charts->all.at(which);
        const QSize shown = chart->size();
        const QImage onScreen = chart->grab().toImage();

        // PNG, read back from the file.
        const QString png = m_dir.filePath(QStringLiteral("%1-%2.png").arg(chart->exportName()).arg(size.width()));
        QString error;
        QVERIFY2(chart->exportImage(png, size, &error), qPrintable(error));
        const QImage image(png);
        QCOMPARE(image.size(), size);
        checkFills(image, QStringLiteral("PNG"));

        // Every text inside the image, none elided, as drawn for the file.
        TextProbe::Device probe(size);
        {
            QPainter painter(&probe);
            chart->renderTo(painter, size);
        }
        QVERIFY2(probe.texts().size() >= 3, "the probe saw (nearly) no text: title, axis or legend missing");
        const QStringList problems = TextProbe::problems(probe.texts(), size);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("; "))));

        // SVG, read back the way a viewer does: rendered at its own size.
        const QString svg = m_dir.filePath(QStringLiteral("%1-%2.svg").arg(chart->exportName()).arg(size.width()));
        QVERIFY2(chart->exportImage(svg, size, &error), qPrintable(error));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.defaultSize(), size);
        QImage drawn(size, QImage::Format_ARGB32);
        drawn.fill(Qt::white);
        {
            QPainter painter(&drawn);
            renderer.render(&painter);
        }
        checkFills(drawn, QStringLiteral("SVG"));
        // Laid out like the PNG (text measured at the same resolution), and text stays text.
        const QRect pngContent = ImageChecks::contentRect(image), svgContent = ImageChecks::contentRect(drawn);
        const int tolerance = size.width() / 100;
        QVERIFY2(std::abs(pngContent.left() - svgContent.left()) <= tolerance
                     && std::abs(pngContent.right() - svgContent.right()) <= tolerance
                     && std::abs(pngContent.top() - svgContent.top()) <= tolerance
                     && std::abs(pngContent.bottom() - svgContent.bottom()) <= tolerance,
                 qPrintable(QStringLiteral("PNG content %1,%2 %3x%4, SVG content %5,%6 %7x%8")
                                .arg(pngContent.x()).arg(pngContent.y()).arg(pngContent.width()).arg(pngContent.height())
                                .arg(svgContent.x()).arg(svgContent.y()).arg(svgContent.width()).arg(svgContent.height())));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QString svgText = QString::fromUtf8(svgFile.readAll());
        for (const TextProbe::Text &t : probe.texts())
            QVERIFY2(svgText.contains(t.text.toHtmlEscaped()), qPrintable(QStringLiteral("\"%1\" is not text in the SVG").arg(t.text)));

        // The chart on screen is laid out as before.
        QCOMPARE(chart->size(), shown);
        QCOMPARE(chart->grab().toImage(), onScreen);
    }

    // Text grows with the image: a 3000×2000 export is not 1000×625 of tiny print.
    void textScalesWithTheImage()
    {
        ChartWidget *loss = m_charts->all.first();
        auto titleHeight = [loss](const QSize &size) {
            TextProbe::Device probe(size);
            QPainter painter(&probe);
            loss->renderTo(painter, size);
            painter.end();
            for (const TextProbe::Text &t : probe.texts())
                if (t.text == u"Loss")
                    return t.rect.height();
            return 0.0;
        };
        const double small = titleHeight(QSize(800, 500)), large = titleHeight(QSize(3000, 2000));
        QVERIFY(small > 0);
        QVERIFY2(large > 2.5 * small, qPrintable(QStringLiteral("%1 vs %2").arg(large).arg(small)));
    }

    // The published results' labels: inside the plot, never on top of each other, all of
    // them where there is room (they used to overlap in the 0.95–1.68% cluster).
    void referenceLabelsNeverOverlap_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("atLeast");
        QTest::newRow("small 480x320") << QSize(480, 320) << 4;
        QTest::newRow("900x600") << QSize(900, 600) << 7;
        QTest::newRow("1600x1000") << QSize(1600, 1000) << 7;
    }

    void referenceLabelsNeverOverlap()
    {
        QFETCH(QSize, size);
        QFETCH(int, atLeast);
        TestErrorChart chart;
        chart.showRecord(makeRecord(QStringLiteral("run"), 15, 96.0));
        chart.resize(size);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QTest::qWait(100);
        chart.refreshNow();
        const QList<QRectF> rects = chart.referenceLabelRects();
        QVERIFY2(rects.size() >= atLeast, qPrintable(QString::number(rects.size())));
        const QRectF plot = chart.findChild<QChartView *>()->chart()->plotArea().adjusted(-0.5, -0.5, 0.5, 0.5);
        for (int i = 0; i < rects.size(); ++i) {
            QVERIFY(plot.contains(rects.at(i)));
            for (int j = i + 1; j < rects.size(); ++j)
                QVERIFY2(!rects.at(i).intersects(rects.at(j)), qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
        }
    }

    // Ctrl+E: the chart under the mouse, else the one in view; the status bar says where it went.
    void ctrlEExportsTheChartUnderTheMouse()
    {
        QTemporaryDir runs;
        {
            AppSettings settings;
            settings.setRunsFolder(runs.path());
        }
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->setCurrentWidget(window.trainPage());
        QTest::qWait(50);
        ChartWidget *accuracy = window.trainPage()->charts().at(1);
        QCursor::setPos(accuracy->mapToGlobal(accuracy->rect().center()));
        QCOMPARE(window.chartToExport(), accuracy);

        // The Charts menu shows the shortcut.
        bool shown = false;
        for (QAction *a : window.findChildren<QAction *>())
            shown = shown || (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E) && a->text().contains(QStringLiteral("under the mouse")));
        QVERIFY(shown);

        const QString path = m_dir.filePath(QStringLiteral("via-ctrl-e.svg"));
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            auto *dialog = qobject_cast<ChartExportDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            dialog->findChild<QLineEdit *>()->setText(path);
            answered = true;
            dialog->accept();
        });
        QTest::keyClick(&window, Qt::Key_E, Qt::ControlModifier);
        QVERIFY(answered);
        QVERIFY(QFile::exists(path));
        QVERIFY2(window.statusBar()->currentMessage().contains(path), qPrintable(window.statusBar()->currentMessage()));
        QVERIFY(QSvgRenderer(path).isValid());

        // Off the charts (over the menu bar): the largest chart in view.
        QCursor::setPos(window.menuBar()->mapToGlobal(QPoint(window.menuBar()->width() - 5, 5)));
        ChartWidget *fallback = window.chartToExport();
        QVERIFY(fallback);
        QVERIFY(fallback->isVisible());
        QVERIFY(window.trainPage()->charts().contains(fallback));
    }

    // Stale texts: no "mean ± std over 1 seed", no colour-bar "0 / 0 / 0" before the first epoch.
    void noStaleTexts()
    {
        SweepChart sweep;
        Sweep one = makeSweep();
        one.seeds = 1;
        sweep.setSweep(one);
        const QString title = sweep.findChild<QChartView *>()->chart()->title();
        QVERIFY2(title.contains(QStringLiteral("no spread")) && !title.contains(QStringLiteral("±")), qPrintable(title));

        ConfusionHeatmap empty;
        TextProbe::Device probe(QSize(800, 500));
        {
            QPainter painter(&probe);
            empty.renderTo(painter, QSize(800, 500));
        }
        int zeros = 0;
        for (const TextProbe::Text &t : probe.texts())
            zeros += t.text == u"0" ? 1 : 0;
        QCOMPARE(zeros, 2);   // the row and column headers, no colour-bar ticks
    }

    // An empty overlay says how to fill it.
    void emptyOverlayGivesAHint()
    {
        OverlayChart overlay(OverlayChart::Metric::TestAccuracy);
        overlay.refreshNow();
        QChart *chart = overlay.findChild<QChartView *>()->chart();
        QVERIFY2(chart->title().contains(QStringLiteral("select runs")), qPrintable(chart->title()));
        overlay.setRuns({makeRecord(QStringLiteral("a"), 3, 95.0)});
        overlay.refreshNow();
        QVERIFY2(!chart->title().contains(QStringLiteral("select")), qPrintable(chart->title()));
    }

    // The overlay's legend names every run and the settings that tell them apart, never cut
    // with "...": in an export at each size (compact labels when the full ones would not fit)
    // and on screen at the size of one Runs-page overlay; the screen keeps its labels after.
    void overlayLegendKeepsRunsApart_data()
    {
        QTest::addColumn<int>("runs");
        QTest::addColumn<QSize>("size");
        for (int runs : {2, 4, 8})
            for (const QSize &size : {QSize(800, 500), QSize(1600, 1000), QSize(3000, 2000)})
                QTest::addRow("%d runs %dx%d", runs, size.width(), size.height()) << runs << size;
    }

    void overlayLegendKeepsRunsApart()
    {
        QFETCH(int, runs);
        QFETCH(QSize, size);
        // Runs of one design that differ only in their batch size: the label must keep it.
        QVector<RunRecord> records;
        for (int i = 0; i < runs; ++i) {
            RunRecord r = makeRecord(QStringLiteral("2_HL_NN_v1"), 4, 94.0 + 0.3 * i);
            r.config.batchSize = 10 * (i + 1);
            r.id += QString::number(i);
            records.append(r);
        }
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *overlay = new OverlayChart(OverlayChart::Metric::TestAccuracy);
        layout->addWidget(overlay);
        overlay->setRuns(records);
        window.resize(500, 330);   // one of the Runs page's two overlays at 1024×700
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTest::qWait(150);

        auto checkLegend = [&](const QList<TextProbe::Text> &texts, const QSize &bounds, const QString &where) {
            const QStringList problems = TextProbe::problems(texts, bounds);
            QVERIFY2(problems.isEmpty(), qPrintable(where + u": " + problems.join(QStringLiteral("; "))));
            QSet<QString> seen;
            for (int i = 0; i < runs; ++i) {
                const QString batch = QStringLiteral("batch %1").arg(10 * (i + 1));
                for (const TextProbe::Text &t : texts)
                    if (t.text.startsWith(QStringLiteral("2_HL_NN_v1")) && t.text.contains(batch))
                        seen.insert(batch);
            }
            QVERIFY2(seen.size() == runs, qPrintable(QStringLiteral("%1: the legend tells %2 of %3 runs apart").arg(where).arg(seen.size()).arg(runs)));
        };

        // On screen.
        TextProbe::Device screen(overlay->size());
        overlay->render(&screen);
        checkLegend(screen.texts(), overlay->size(), QStringLiteral("on screen"));
        if (QTest::currentTestFailed())
            return;
        const QStringList shownLabels = overlay->legendLabels();
        const QImage onScreen = overlay->grab().toImage();

        // Exported.
        TextProbe::Device probe(size);
        {
            QPainter painter(&probe);
            overlay->renderTo(painter, size);
        }
        checkLegend(probe.texts(), size, QStringLiteral("exported"));
        if (QTest::currentTestFailed())
            return;
        if (qEnvironmentVariableIsSet("LAB_SAVE_OVERLAY"))
            overlay->renderImage(size).save(QStringLiteral("/tmp/overlay-%1-%2.png").arg(runs).arg(size.width()));

        // The screen is as before: same labels, same pixels.
        QCOMPARE(overlay->legendLabels(), shownLabels);
        QCOMPARE(overlay->grab().toImage(), onScreen);
        // The series keep the full label (what the Runs page and tests name them by).
        QVERIFY(overlay->seriesNames().first().contains(QStringLiteral("relu")));
    }

    void badPathSaysWhichFile()
    {
        QString error;
        QVERIFY(!m_charts->all.first()->exportImage(QStringLiteral("/proc/no/such/loss.png"), QSize(800, 500), &error));
        QVERIFY2(error.contains(QStringLiteral("/proc/no/such")), qPrintable(error));
        QVERIFY(!m_charts->all.first()->exportImage(m_dir.filePath(QStringLiteral("empty.png")), QSize(0, 500), &error));
        QVERIFY2(error.contains(QStringLiteral("0×500")), qPrintable(error));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("empty.png"))));
    }
};

QTEST_MAIN(TestChartExport)
#include "tst_chartexport.moc"
