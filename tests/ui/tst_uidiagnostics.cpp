// The diagnostics views: per-layer charts (one series per layer, log axis for a vanishing
// sigmoid gradient), first-layer weight tiles (count, colours, hover), the test-error chart
// with the published reference lines and their checkbox, the learning-rate preview of the
// Design form against LrSchedule, PNG export, and the same views fed by a real (tiny) run:
// the Runs page's Diagnostics window and the Train page live.
#include "ui/charts/diagnosticschart.h"
#include "ui/charts/diagnosticspanel.h"
#include "ui/charts/firstlayerweightsview.h"
#include "ui/charts/lrschedulechart.h"
#include "ui/charts/testerrorchart.h"
#include "core/data/dataset.h"
#include "ui/design/hyperparameterform.h"
#include "core/experiment/runstore.h"
#include "ui/runs/rundiagnosticsdialog.h"
#include "ui/runs/runspage.h"
#include "testdata.h"
#include "core/train/lrschedule.h"
#include "core/train/trainer.h"
#include "ui/train/trainpage.h"
#include "imagechecks.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace lab;

namespace {

LayerDiagnostics layer(int index, const QString &name, double dead, double grad, double weight)
{
    LayerDiagnostics l;
    l.layerIndex = index;
    l.name = name;
    l.deadFraction = dead;
    l.gradientNorm = grad;
    l.weightNorm = weight;
    return l;
}

/** A made-up record of `shorthand`; epoch e's layer k has gradient grads[k] / e. */
RunRecord syntheticRecord(const QString &shorthand, const QString &activation, const QVector<double> &grads, int epochs)
{
    RunRecord r;
    r.spec = NetworkSpec::fromShorthand(shorthand, activation);
    r.modelType = QStringLiteral("synthetic");
    r.config.epochs = epochs;
    r.status = RunStatus::Finished;
    QVector<int> weightLayers;
    for (int i = 0; i < r.spec.layers.size(); ++i)
        if (r.spec.layers[i].type == LayerSpec::Type::Linear)
            weightLayers << i;
    for (int e = 1; e <= epochs; ++e) {
        EpochMetrics m;
        m.epoch = e;
        m.trainAccuracy = 95 + e;
        m.testAccuracy = 94 + e;
        for (int k = 0; k < weightLayers.size(); ++k)
            m.layers << layer(weightLayers[k], QStringLiteral("Linear(?)"), 0.1 * k + 0.01 * e, grads.value(k) / e, 2.0 + k + 0.5 * e);
        r.epochs << m;
    }
    r.testAccuracy = r.epochs.last().testAccuracy;
    return r;
}


bool warm(QRgb c) { return qRed(c) > qBlue(c) + 60 && qRed(c) > qGreen(c) + 40; }
bool cold(QRgb c) { return qBlue(c) > qRed(c) + 60 && qBlue(c) > qGreen(c) + 20; }

QComboBox *scheduleBox(HyperparameterForm &form)
{
    for (QComboBox *box : form.findChildren<QComboBox *>())
        if (box->findText(QStringLiteral("cosine")) >= 0)
            return box;
    return nullptr;
}

} // namespace

class TestUiDiagnostics : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uidiagnostics"));
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        TestData::writeSyntheticMnist(m_data, 600, 200);
    }

    void layerLabels()
    {
        const NetworkSpec mlp = NetworkSpec::fromShorthand(QStringLiteral("784-50-50-10"), QStringLiteral("relu"));
        QStringList labels;
        for (int i = 0; i < mlp.layers.size(); ++i)
            if (mlp.layers[i].type == LayerSpec::Type::Linear)
                labels << DiagnosticsChart::layerLabel(mlp, i, QString());
        QCOMPARE(labels, (QStringList{QStringLiteral("Linear 1 (784→50)"), QStringLiteral("Linear 2 (50→50)"),
                                      QStringLiteral("Linear 3 (50→10)")}));
        NetworkSpec cnn;
        cnn.layers = {LayerSpec::conv(8, 5), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                      LayerSpec::conv(16, 3), LayerSpec::flatten(), LayerSpec::linear(10)};
        QCOMPARE(DiagnosticsChart::layerLabel(cnn, 3, QString()), QStringLiteral("Conv2d 2 (8→16, 3×3)"));
        QCOMPARE(DiagnosticsChart::layerLabel(cnn, 5, QString()), QStringLiteral("Linear 1 (1600→10)"));
        // A record whose spec lacks the layer keeps its own name.
        QCOMPARE(DiagnosticsChart::layerLabel(NetworkSpec(), 3, QStringLiteral("Linear(50)")), QStringLiteral("Linear(50)"));
    }

    void oneSeriesPerLayerWithTheRecordsValues()
    {
        const RunRecord record = syntheticRecord(QStringLiteral("784-50-50-10"), QStringLiteral("relu"), {0.5, 0.8, 1.2}, 4);
        DiagnosticsPanel panel;
        panel.resize(1000, 700);
        panel.showRecord(record);
        const QStringList expected{QStringLiteral("Linear 1 (784→50)"), QStringLiteral("Linear 2 (50→50)"),
                                   QStringLiteral("Linear 3 (50→10)")};
        for (DiagnosticsChart *chart : {panel.gradientChart(), panel.weightChart()}) {
            chart->refreshNow();
            QCOMPARE(chart->seriesNames(), expected);
            for (const QString &name : expected)
                QCOMPARE(chart->pointCount(name), 4);
        }
        // Dead units: only the layers that feed a ReLU (the output layer does not).
        panel.deadChart()->refreshNow();
        QCOMPARE(panel.deadChart()->seriesNames(), expected.mid(0, 2));
        QVERIFY(panel.deadChart()->points(expected[2]).isEmpty());
        for (int k = 0; k < 3; ++k) {
            const QVector<QPointF> grad = panel.gradientChart()->points(expected[k]);
            const QVector<QPointF> dead = panel.deadChart()->points(expected[k]);
            const QVector<QPointF> weight = panel.weightChart()->points(expected[k]);
            for (int e = 1; e <= 4; ++e) {
                const LayerDiagnostics &l = record.epochs[e - 1].layers[k];
                QCOMPARE(grad[e - 1], QPointF(e, l.gradientNorm));
                if (k < 2)
                    QCOMPARE(dead[e - 1], QPointF(e, 100.0 * l.deadFraction));   // shown in percent
                QCOMPARE(weight[e - 1], QPointF(e, l.weightNorm));
            }
        }
        // Live: reset with the spec, then epochs one at a time.
        DiagnosticsChart live(DiagnosticsChart::Metric::GradientNorm);
        live.reset(record.spec, 4);
        live.addEpoch(record.epochs[0]);
        live.addEpoch(record.epochs[1]);
        live.refreshNow();
        QCOMPARE(live.seriesCount(), 3);
        QCOMPARE(live.pointCount(expected[0]), 2);
        live.reset(record.spec, 4);
        QCOMPARE(live.seriesCount(), 0);
    }

    void vanishingSigmoidGradientShowsOnALogAxis()
    {
        // A sigmoid stack: the first layer's gradient four decades below the last one's.
        const RunRecord record = syntheticRecord(QStringLiteral("784-50-50-50-10"), QStringLiteral("sigmoid"),
                                                 {2e-5, 3e-4, 4e-3, 1e-1}, 3);
        DiagnosticsPanel panel;
        panel.resize(1000, 700);
        panel.showRecord(record);
        DiagnosticsChart *chart = panel.gradientChart();
        QVERIFY(chart->logScale());   // the default for the norms
        chart->refreshNow();
        const auto range = chart->yRange();
        QVERIFY2(range.first <= 2e-5 / 3 && range.second >= 1e-1,
                 qPrintable(QStringLiteral("%1 … %2").arg(range.first).arg(range.second)));
        QVERIFY(std::log10(range.second / range.first) >= 4);   // decades apart, both readable
        const QVector<QPointF> first = chart->points(QStringLiteral("Linear 1 (784→50)"));
        QCOMPARE(first.size(), 3);
        QCOMPARE(first.last().y(), 2e-5 / 3);

        // The checkbox switches the norms to linear and back; the values stay.
        panel.logScaleBox()->setChecked(false);
        QVERIFY(!chart->logScale());
        QVERIFY(!panel.weightChart()->logScale());
        QCOMPARE(chart->yRange().first, 0.0);
        QCOMPARE(chart->points(QStringLiteral("Linear 1 (784→50)")), first);
        chart->setLogScale(true);
        QVERIFY(panel.logScaleBox()->isChecked());
        // A sigmoid stack has no ReLU: no dead-unit series, and the chart says why.
        panel.deadChart()->refreshNow();
        QCOMPARE(panel.deadChart()->seriesCount(), 0);
        // The dead fraction never goes log (it is often exactly 0).
        panel.deadChart()->setLogScale(true);
        QVERIFY(!panel.deadChart()->logScale());
    }

    void weightTiles()
    {
        FirstLayerWeights w;
        w.layerName = QStringLiteral("Linear(6)");
        w.units = 6;
        w.tileHeight = 28;
        w.tileWidth = 28;
        w.values.assign(6 * 784, 0.0f);
        for (int i = 0; i < 784; ++i) {
            w.values[0 * 784 + i] = 0.05f * float((i * 37) % 11 - 5) / 5;   // small noise
            w.values[2 * 784 + i] = 0.5f;                                  // all positive
            w.values[3 * 784 + i] = -0.5f;                                 // all negative
            w.values[4 * 784 + i] = (i % 28) < 14 ? 1.0f : -1.0f;           // left +, right −
        }
        FirstLayerWeightsView view;
        view.resize(700, 500);
        view.setWeights(w, QStringLiteral("synthetic"));
        QCOMPARE(view.tileCount(), 6);
        QVERIFY(view.hasWeights());

        const QSize size(700, 500);
        const QImage image = view.renderImage(size);
        QCOMPARE(image.size(), size);
        const QRect positive = view.tileRect(2, size);
        const QRect negative = view.tileRect(3, size);
        const QRect split = view.tileRect(4, size);
        QVERIFY(positive.width() >= 28 && positive.height() >= 28);   // at least one pixel per weight
        QVERIFY(!positive.intersects(negative) && !positive.intersects(split));
        QVERIFY2(warm(image.pixel(positive.center())), qPrintable(QColor(image.pixel(positive.center())).name()));
        QVERIFY(cold(image.pixel(negative.center())));
        // The pattern: left half warm, right half cold, at full saturation (|w| = the scale).
        const QPoint left(split.x() + split.width() / 4, split.center().y());
        const QPoint right(split.x() + 3 * split.width() / 4, split.center().y());
        QVERIFY(warm(image.pixel(left)));
        QVERIFY(cold(image.pixel(right)));
        QCOMPARE(QColor(image.pixel(left)), FirstLayerWeightsView::colourFor(1.0));
        QCOMPARE(QColor(image.pixel(right)), FirstLayerWeightsView::colourFor(-1.0));
        // Zero weights are white; the symmetric scale makes 0.5 half as saturated as 1.
        QCOMPARE(FirstLayerWeightsView::colourFor(0.0), QColor(Qt::white));
        QCOMPARE(QColor(image.pixel(view.tileRect(1, size).center())), QColor(Qt::white));
        QCOMPARE(QColor(image.pixel(positive.center())), FirstLayerWeightsView::colourFor(0.5));

        // Hover: the unit under the mouse.
        QCOMPARE(view.unitAt(split.center(), size), 4);
        QVERIFY(view.toolTipAt(view.tileRect(4, view.size()).center()).startsWith(QStringLiteral("Unit 4 of Linear(6)")));
        QCOMPARE(view.unitAt(QPoint(1, 1), size), -1);
        QVERIFY(view.toolTipAt(QPoint(1, 1)).isEmpty());

        // Per-tile scale: the ±0.5 tiles saturate too.
        view.setPerUnitScale(true);
        QCOMPARE(QColor(view.renderImage(size).pixel(positive.center())), FirstLayerWeightsView::colourFor(1.0));

        // Export, and the empty state says why.
        const QString png = m_dir.filePath(QStringLiteral("weights.png"));
        QString error;
        QVERIFY2(view.exportImage(png, QSize(640, 480), &error), qPrintable(error));
        QCOMPARE(QImage(png).size(), QSize(640, 480));
        QVERIFY(ImageChecks::colourCount(QImage(png)) > 10);
        // The blog's widest layer: 1000 tiles stay quick to repaint (tiles are built once).
        FirstLayerWeights wide;
        wide.layerName = QStringLiteral("Linear(1000)");
        wide.units = 1000;
        wide.tileHeight = 28;
        wide.tileWidth = 28;
        wide.values.resize(1000 * 784);
        for (size_t i = 0; i < wide.values.size(); ++i)
            wide.values[i] = float(int(i * 2654435761u % 201) - 100) / 100.0f;
        view.setWeights(wide);
        QCOMPARE(view.tileCount(), 1000);
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 5; ++i)
            view.renderImage(QSize(1200, 800));
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        view.clear(QStringLiteral("nothing here"));
        QCOMPARE(view.tileCount(), 0);
        QCOMPARE(view.message(), QStringLiteral("nothing here"));
        QVERIFY(!view.loadModel(m_dir.filePath(QStringLiteral("missing.mnlm"))));
        QVERIFY(view.message().contains(QStringLiteral("missing.mnlm")));
    }

    void referenceLinesOnTheTestErrorChart()
    {
        TestErrorChart chart;
        chart.resize(900, 600);
        chart.show();
        chart.reset(10);
        EpochMetrics m;
        m.epoch = 1;
        m.trainAccuracy = 100.0;   // 0% error still shows (on the floor of the log axis)
        m.testAccuracy = 97.5;
        chart.addEpoch(m);
        chart.refreshNow();
        QCOMPARE(chart.pointCount(TestErrorChart::testName()), 1);
        QCOMPARE(chart.pointCount(TestErrorChart::trainName()), 1);
        QCOMPARE(chart.seriesCount(), 2);   // reference lines are not data series

        const QStringList labels = chart.referenceLabels();
        QCOMPARE(labels.size(), 7);   // 8 references, the two 0.35% augmented ones share a line
        auto labelWith = [&](const QString &part) {
            for (const QString &l : labels)
                if (l.contains(part))
                    return l;
            return QString();
        };
        const QString simard = labelWith(QStringLiteral("Simard 2003"));
        QVERIFY(simard.contains(QStringLiteral("784-800-10")) && simard.contains(QStringLiteral("1.6%"))
                && simard.contains(QStringLiteral("no augmentation")));
        QCOMPARE(chart.referenceLevel(simard), 1.6);
        const QString blog = labelWith(QStringLiteral("the blog"));
        QCOMPARE(chart.referenceLevel(blog), 1.68);
        const QString ciresan = labelWith(QStringLiteral("Cireşan 2010"));
        QVERIFY(ciresan.contains(QStringLiteral("Cireşan 2011")) && ciresan.contains(QStringLiteral("(augmented)")));
        QCOMPARE(chart.referenceLevel(ciresan), 0.35);
        QVERIFY(labelWith(QStringLiteral("LeNet-5")).contains(QStringLiteral("0.95%")));
        QVERIFY(labelWith(QStringLiteral("max-norm")).contains(QStringLiteral("1.06%")));
        QCOMPARE(chart.referenceLevel(labelWith(QStringLiteral("best single"))), 0.17);

        // The checkbox hides and shows them; the run's own curves stay.
        QSignalSpy toggled(&chart, &TestErrorChart::referencesVisibleChanged);
        chart.referencesBox()->setChecked(false);
        QVERIFY(!chart.referencesVisible());
        QVERIFY(chart.referenceLabels().isEmpty());
        QCOMPARE(chart.pointCount(TestErrorChart::testName()), 1);
        chart.referencesBox()->setChecked(true);
        QCOMPARE(chart.referenceLabels().size(), 7);
        QCOMPARE(toggled.count(), 2);

        const QString png = m_dir.filePath(QStringLiteral("test-error.png"));
        QString error;
        QVERIFY2(chart.exportImage(png, QSize(900, 600), &error), qPrintable(error));
        QCOMPARE(QImage(png).size(), QSize(900, 600));
        QVERIFY(ImageChecks::colourCount(QImage(png)) > 20);
    }

    void lrPreviewFollowsTheSchedule()
    {
        HyperparameterForm form;
        form.resize(400, 800);
        TrainConfig c;
        c.epochs = 10;
        c.batchSize = 600;            // 100 steps per epoch on 60000 images
        c.learningRate = 0.01;
        c.stepEpochs = 3;
        c.stepGamma = 0.5;
        form.setConfig(c);
        LrScheduleChart *chart = form.lrChart();
        QVERIFY(chart);
        QCOMPARE(LrScheduleChart::stepsPerEpoch(form.config()), 100);
        QComboBox *schedule = scheduleBox(form);
        QVERIFY(schedule);

        QMap<QString, double> atEpoch5;
        for (const QString &name : {QStringLiteral("constant"), QStringLiteral("step"), QStringLiteral("cosine"),
                                    QStringLiteral("onecycle")}) {
            schedule->setCurrentText(name);
            const TrainConfig now = form.config();
            QCOMPARE(TrainConfig::scheduleName(now.schedule), name);
            const LrSchedule expected(now, LrScheduleChart::stepsPerEpoch(now));
            const QVector<QPointF> points = chart->points();
            const QVector<qint64> steps = chart->steps();
            QCOMPARE(points.size(), 1000);   // every step of this short run
            for (qint64 step : {0, 1, 99, 100, 299, 300, 450, 999}) {
                QCOMPARE(steps[step], step);
                QCOMPARE(points[step].x(), step / 100.0);
                QCOMPARE(points[step].y(), expected.at(step));
            }
            atEpoch5[name] = points[500].y();
            chart->refreshNow();
            QCOMPARE(chart->pointCount(LrScheduleChart::seriesName()), 1000);
        }
        // Each schedule really plots something different.
        QCOMPARE(atEpoch5[QStringLiteral("constant")], 0.01);
        QCOMPARE(atEpoch5[QStringLiteral("step")], 0.005);   // one decay at epoch 3
        QVERIFY(atEpoch5[QStringLiteral("cosine")] < 0.01 && atEpoch5[QStringLiteral("cosine")] > 0.004);
        QVERIFY(atEpoch5[QStringLiteral("onecycle")] != atEpoch5[QStringLiteral("cosine")]);

        // Warm-up from the form: the first step starts near lr/10.
        schedule->setCurrentText(QStringLiteral("constant"));
        auto *warmup = form.findChild<QSpinBox *>(QStringLiteral("warmupEpochs"));
        QVERIFY(warmup);
        warmup->setValue(2);
        QCOMPARE(form.config().warmupEpochs, 2);
        QVERIFY(chart->points().first().y() < 0.0011);
        QCOMPARE(chart->points()[250].y(), 0.01);

        // A long run is sampled, every sample still LrSchedule's value at its step.
        c = form.config();
        c.schedule = ScheduleKind::Cosine;
        c.epochs = 50;
        c.batchSize = 50;             // 60000 steps
        form.setConfig(c);
        const LrSchedule expected(form.config(), 1200);
        QVERIFY(chart->points().size() <= 1300);
        QCOMPARE(chart->steps().last(), qint64(59999));
        for (int i = 0; i < chart->points().size(); i += 97)
            QCOMPARE(chart->points()[i].y(), expected.at(chart->steps()[i]));

        // A learning rate that is not a number empties the preview rather than plotting garbage.
        c.learningRate = -1;
        form.setConfig(c);
        QVERIFY(chart->points().isEmpty());

        const QString png = m_dir.filePath(QStringLiteral("lr.png"));
        form.setConfig(form.config());
        c.learningRate = 0.001;
        form.setConfig(c);
        QString error;
        QVERIFY2(chart->exportImage(png, QSize(600, 300), &error), qPrintable(error));
        QVERIFY(ImageChecks::colourCount(QImage(png)) > 10);
    }

    void storedRunFromTheRunsPage()
    {
        // A tiny real run saved as the store would: record.json + model.mnlm.
        TrainConfig config;
        config.epochs = 2;
        config.batchSize = 20;
        config.threads = 1;
        config.maxBatchesPerEpoch = 10;
        const NetworkSpec spec = NetworkSpec::fromShorthand(QStringLiteral("784-16-12-10"), QStringLiteral("relu"));
        Trainer trainer(spec, config, Dataset::loadUncached(m_data));
        RunRecord record = trainer.run(nullptr, nullptr);
        QCOMPARE(record.status, RunStatus::Finished);
        const QString runs = m_dir.filePath(QStringLiteral("runs"));
        const QString folder = QDir(runs).filePath(QStringLiteral("20260101-000000-tiny"));
        QVERIFY(QDir().mkpath(folder));
        record.save(QDir(folder).filePath(QStringLiteral("record.json")));
        trainer.model().save(RunStore::modelPath(folder));

        RunsPage page;
        page.resize(1200, 800);
        page.show();
        page.setRunsFolder(runs);
        QCOMPARE(page.findChild<QTableView *>(QStringLiteral("runsTable"))->model()->rowCount(), 1);
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("diagnosticsButton"))->isEnabled());
        page.findChild<QTableView *>(QStringLiteral("runsTable"))->selectRow(0);
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("diagnosticsButton"))->isEnabled());
        page.findChild<QPushButton *>(QStringLiteral("diagnosticsButton"))->click();
        auto *dialog = page.findChild<RunDiagnosticsDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());

        // Per-layer charts from record.json, one series per weight layer.
        const RunRecord shown = dialog->record();
        QCOMPARE(shown.completedEpochs(), 2);
        DiagnosticsChart *grad = dialog->diagnostics()->gradientChart();
        grad->refreshNow();
        QCOMPARE(grad->seriesNames(), (QStringList{QStringLiteral("Linear 1 (784→16)"), QStringLiteral("Linear 2 (16→12)"),
                                                   QStringLiteral("Linear 3 (12→10)")}));
        QCOMPARE(grad->points(QStringLiteral("Linear 2 (16→12)")).last().y(), shown.epochs.last().layers[1].gradientNorm);
        QVERIFY(shown.epochs.last().layers[0].gradientNorm > 0);
        // The test error of the run, and the first-layer weights of its model.
        QCOMPARE(dialog->testErrorChart()->pointCount(TestErrorChart::testName()), 2);
        QCOMPARE(dialog->weightsView()->tileCount(), 16);
        QCOMPARE(dialog->weightsView()->weights().tileWidth, 28);
        // Every chart of the window exports a non-blank PNG.
        for (ChartWidget *chart : dialog->charts()) {
            const QString png = QDir(folder).filePath(chart->exportName() + QStringLiteral(".png"));
            QString error;
            QVERIFY2(chart->exportImage(png, QSize(800, 500), &error), qPrintable(error));
            QVERIFY2(ImageChecks::colourCount(QImage(png)) > 5, qPrintable(chart->exportName()));
        }
        dialog->close();

        // A run without a model says so instead of showing tiles.
        QFile::remove(RunStore::modelPath(folder));
        RunRecord noModel = shown;
        RunDiagnosticsDialog second(noModel);
        QCOMPARE(second.weightsView()->tileCount(), 0);
        QVERIFY(second.weightsView()->message().contains(QStringLiteral("no saved model")));
    }

    void trainPageShowsThemLive()
    {
        TrainPage page;
        page.resize(1300, 850);
        page.show();
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QSignalSpy failed(&page, &TrainPage::runFailed);
        const RunRequest request = UiTestSupport::smallMlpRun(QStringLiteral("diag_mlp"), QStringLiteral("784-20-10"), 2, 30,
                                                              m_data, m_dir.filePath(QStringLiteral("trainruns")));
        QVERIFY(page.startRun(request));
        QCOMPARE(page.weightsView()->tileCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 60000);
        QVERIFY(failed.isEmpty());
        const RunRecord record = ended.first().at(0).value<RunRecord>();
        QCOMPARE(record.status, RunStatus::Finished);

        DiagnosticsChart *grad = page.diagnosticsPanel()->gradientChart();
        grad->refreshNow();
        QCOMPARE(grad->seriesCount(), 2);
        QCOMPARE(grad->pointCount(QStringLiteral("Linear 1 (784→20)")), 2);
        QCOMPARE(grad->points(QStringLiteral("Linear 1 (784→20)")).last().y(), record.epochs.last().layers[0].gradientNorm);
        page.testErrorChart()->refreshNow();
        QCOMPARE(page.testErrorChart()->pointCount(TestErrorChart::testName()), 2);
        QVERIFY(page.testErrorChart()->isVisible());   // on the first tab, beside the accuracy
        QCOMPARE(page.weightsView()->tileCount(), 20);  // the saved model, loaded at the end

        // The new charts are part of "export all".
        QString error;
        const QStringList files = page.exportAllCharts(record.folder, QSize(800, 500), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        for (const QString &name : {QStringLiteral("test-error.png"), QStringLiteral("gradient-norm.png"),
                                    QStringLiteral("dead-relu.png"), QStringLiteral("weight-norm.png"),
                                    QStringLiteral("first-layer-weights.png")})
        {
            // Charts on tabs never opened still export a real picture.
            QVERIFY2(files.contains(QDir(record.folder).filePath(name)), qPrintable(name));
            QVERIFY2(ImageChecks::colourCount(QImage(QDir(record.folder).filePath(name))) > 5, qPrintable(name));
        }
    }
};

QTEST_MAIN(TestUiDiagnostics)
#include "tst_uidiagnostics.moc"
