// The Sweeps page on small synthetic data: a tiny sweep runs to the end, every run lands in
// the store and the chart shows mean ± std per grid point exactly as Sweep::summarize says;
// two axes give one line per second-axis value; Stop ends a sweep promptly and keeps the
// runs that finished; bad sweep files show their error and start nothing; the log-axis
// toggle swaps the x axis; the chart exports a non-blank PNG of the requested size.
#include "ui/charts/sweepchart.h"
#include "core/experiment/runstore.h"
#include "core/experiment/preset.h"
#include "core/experiment/sweep.h"
#include "ui/mainwindow.h"
#include "ui/sweeps/sweeppage.h"
#include "testdata.h"
#include "uitestsupport.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QScrollBar>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace lab;

namespace {
// JSON written with single quotes (readable in C++ strings), turned into real JSON.
QByteArray q(const char *text)
{
    QByteArray json(text);
    json.replace('\'', '"');
    return json;
}
} // namespace

class TestUiSweep : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    QTemporaryDir m_files;

    /** Shows `page` at `size` with the synthetic data and a run store of its own. */
    void showOnData(SweepPage &page, const QTemporaryDir &runs, QSize size)
    {
        page.resize(size);
        page.show();
        page.setFolders(m_data.path(), runs.path());
    }

    QString writeFile(const QString &name, const QByteArray &text)
    {
        const QString path = m_files.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(text) != text.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    // A small sweep over the synthetic set: 20-image batches, a few of them per epoch, one thread.
    QString writeSweep(const QString &name, const QByteArray &axes, int seeds, int epochs, int maxBatches)
    {
        return writeFile(name + QStringLiteral(".json"),
                         QByteArray(q("{'name': '")) + name.toUtf8() + q("', 'base': {'layers': '784-16-10', 'activation': 'relu', 'config': {'epochs': ") + QByteArray::number(epochs)
                             + q(", 'batch_size': 20, 'learning_rate': 0.01, 'optimizer': 'Adam', 'seed': 5, 'threads': 1, 'diagnostics': false, 'max_batches_per_epoch': ")
                             + QByteArray::number(maxBatches) + q("}}, 'axes': ") + axes + q(", 'seeds': ") + QByteArray::number(seeds) + q(", 'metric': 'test_error'}"));
    }

    static int runCount(const QString &runs)
    {
        return int(RunStore(runs).list().size());
    }

    static void compareWithSummary(const SweepPage &page, const QString &metric, const QString &lineName, int axis2Index)
    {
        const QVector<SweepCell> cells = Sweep::summarize(page.points(), page.records(), metric);
        const QVector<QPointF> means = page.chart()->meanPoints(lineName);
        const QVector<double> stds = page.chart()->stdValues(lineName);
        QCOMPARE(means.size(), stds.size());
        int matched = 0;
        for (const SweepCell &c : cells) {
            if (axis2Index >= 0 && c.axisValues.value(1) != page.sweep().axes[1].values[axis2Index])
                continue;
            const double x = c.axisValues.first().toDouble();
            bool found = false;
            for (int i = 0; i < means.size(); ++i) {
                if (qFuzzyCompare(means[i].x(), x)) {
                    QVERIFY(qAbs(means[i].y() - c.mean) < 1e-9);
                    QVERIFY(qAbs(stds[i] - c.std) < 1e-9);
                    found = true;
                }
            }
            QVERIFY2(found, qPrintable(QStringLiteral("no point for x=%1").arg(x)));
            ++matched;
        }
        QCOMPARE(matched, int(means.size()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uisweep"));
        QVERIFY(m_data.isValid() && m_files.isValid());
        TestData::writeSyntheticMnist(m_data.path(), 1000, 200);
    }

    void builtInsShowTheirGrid()
    {
        SweepPage page;
        QVERIFY(page.loadBuiltIn(QStringLiteral("width")));
        QVERIFY(page.errorText().isEmpty());
        QVERIFY2(page.gridText().contains(QStringLiteral("14 runs")), qPrintable(page.gridText()));
        QVERIFY(page.gridText().contains(QStringLiteral("10, 20, 50, 100, 200, 500, 1000")));
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->rowCount(), 14);
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->value(), 20);
        QCOMPARE(page.findChild<QComboBox *>(QStringLiteral("sweepMetric"))->currentData().toString(), QStringLiteral("test_error"));
        QCOMPARE(page.findChild<QComboBox *>(QStringLiteral("sweepMetric"))->currentText(), QStringLiteral("Test error (%)"));
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());
        // Lowering the epochs is a quick look at the same grid.
        page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->setValue(2);
        QCOMPARE(page.sweep().baseConfig.epochs, 2);
        QVERIFY(page.gridText().contains(QStringLiteral("2 epochs")));
        for (const SweepPoint &p : page.points())
            QCOMPARE(p.config.epochs, 2);
        page.findChild<QSpinBox *>(QStringLiteral("sweepSeeds"))->setValue(1);
        QVERIFY(page.gridText().contains(QStringLiteral("7 runs")));
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->rowCount(), 7);

        QVERIFY(page.loadBuiltIn(QStringLiteral("learning-rate")));
        QVERIFY(page.gridText().contains(QStringLiteral("10 runs")));
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->value(), 10);
        // What label smoothing does to the quick-99.5 recipe: its network and schedule, four values.
        QVERIFY(page.loadBuiltIn(QStringLiteral("label-smoothing")));
        QVERIFY(page.errorText().isEmpty());
        QVERIFY2(page.gridText().contains(QStringLiteral("8 runs")), qPrintable(page.gridText()));
        QVERIFY2(page.gridText().contains(QStringLiteral("0, 0.05, 0.1, 0.2")), qPrintable(page.gridText()));
        QCOMPARE(page.points().size(), 8);
        QCOMPARE(page.points().first().config.labelSmoothing, 0.0);
        QCOMPARE(page.points().last().config.labelSmoothing, 0.2);
        QCOMPARE(page.points().first().spec.layers, Preset::find(QStringLiteral("quick-99.5")).spec.layers);
        QVERIFY(page.points().first().config.augment.enabled);
        QVERIFY2(page.gridText().contains(QStringLiteral("Base: 12 layers · 6 epochs")), qPrintable(page.gridText()));
        // Its chart's x axis reads 0 where 0 is (a padded range from -0.05 once labelled it "-6.939e-18").
        auto *axis = qobject_cast<QCategoryAxis *>(page.findChild<SweepChart *>()->findChild<QChartView *>()->chart()->axes(Qt::Horizontal).value(0));
        QVERIFY(axis);
        const QStringList labels = axis->categoriesLabels();
        QVERIFY2(labels.contains(QStringLiteral("0")) && labels.contains(QStringLiteral("0.1")) && labels.contains(QStringLiteral("0.2")),
                 qPrintable(labels.join(u' ')));
        for (const QString &label : labels)
            QVERIFY2(!label.contains(u'e'), qPrintable(label));
        QVERIFY(axis->min() < 0 && axis->max() > 0.2);   // room around the end points
        QVERIFY(!page.loadBuiltIn(QStringLiteral("no-such-sweep")));
        QVERIFY(!page.errorText().isEmpty());
    }

    // In the window at 1024×700, a one-axis sweep's table shows every column, the metric
    // included, without scrolling sideways (one-line headers once pushed it out of sight).
    void tableShowsItsMetricAt1024x700()
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *pages = window.findChild<QTabWidget *>(QStringLiteral("pageTabs"));
        QVERIFY(pages);
        auto *page = window.findChild<SweepPage *>();
        QVERIFY(page);
        pages->setCurrentWidget(page);
        QVERIFY(page->loadBuiltIn(QStringLiteral("label-smoothing")));
        auto *table = page->findChild<QTableWidget *>(QStringLiteral("sweepRuns"));
        QTest::qWait(50);   // layouts settle
        const int last = table->columnCount() - 1;
        const int metricRight = table->horizontalHeader()->sectionViewportPosition(last) + table->horizontalHeader()->sectionSizeHint(last);
        QVERIFY2(table->horizontalScrollBar()->maximum() == 0 && metricRight <= table->viewport()->width(),
                 qPrintable(QStringLiteral("metric column ends at %1 px of a %2 px wide table (scroll range %3)")
                                .arg(metricRight).arg(table->viewport()->width()).arg(table->horizontalScrollBar()->maximum())));
        QCOMPARE(table->horizontalHeaderItem(last)->text(), QStringLiteral("Test\nerror (%)"));
        QCOMPARE(table->horizontalHeaderItem(1)->text(), QStringLiteral("Label\nsmoothing"));
    }

    // The epochs and seeds chosen for a sweep come back in the next session (per sweep).
    void epochsAndSeedsRemembered()
    {
        {
            SweepPage page;
            QVERIFY(page.loadBuiltIn(QStringLiteral("learning-rate")));
            page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->setValue(4);
            page.findChild<QSpinBox *>(QStringLiteral("sweepSeeds"))->setValue(3);
        }
        SweepPage page;   // a new session: the page starts with the width sweep
        QVERIFY(page.loadBuiltIn(QStringLiteral("learning-rate")));
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->value(), 4);
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepSeeds"))->value(), 3);
        QCOMPARE(page.sweep().baseConfig.epochs, 4);
        QCOMPARE(page.sweep().seeds, 3);
        QCOMPARE(page.points().first().config.epochs, 4);
        // Another sweep keeps its own (the file's, until changed).
        const QString other = writeSweep(QStringLiteral("other"), q("[{'parameter': 'width', 'values': [8, 16]}]"), 2, 7, 2);
        QVERIFY(page.loadFile(other));
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->value(), 7);
        QCOMPARE(page.findChild<QSpinBox *>(QStringLiteral("sweepSeeds"))->value(), 2);
    }

    void logAxisToggleSwitchesAxisType()
    {
        SweepPage page;
        QVERIFY(page.loadBuiltIn(QStringLiteral("width")));
        // width.json asks for a log axis: the checkbox and the chart start that way.
        QVERIFY(page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isChecked());
        QVERIFY(page.chart()->xAxisIsLog());
        page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->setChecked(false);
        QVERIFY(!page.chart()->xAxisIsLog());
        QVERIFY(!page.chart()->xLogScale());
        page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->setChecked(true);
        QVERIFY(page.chart()->xAxisIsLog());
        // The chart's own toggle (context menu) keeps the checkbox in step.
        page.chart()->setXLogScale(false);
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isChecked());

        // New epochs or seeds redraw the grid but keep the user's choice.
        page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->setValue(3);
        QVERIFY(!page.chart()->xAxisIsLog());
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isChecked());
        // Loading a sweep again starts from its own default.
        QVERIFY(page.loadBuiltIn(QStringLiteral("learning-rate")));
        QVERIFY(page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isChecked());
        QVERIFY(page.chart()->xAxisIsLog());

        // A linear-axis sweep starts linear; an axis of words can never be log.
        const QString linear = writeSweep(QStringLiteral("linear"), q("[{'parameter': 'width', 'values': [8, 16]}]"), 1, 1, 2);
        QVERIFY(page.loadFile(linear));
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isChecked());
        QVERIFY(!page.chart()->xAxisIsLog());
        const QString words = writeSweep(QStringLiteral("words"), q("[{'parameter': 'activation', 'values': ['relu', 'tanh'], 'log': true}]"), 1, 1, 2);
        QVERIFY(page.loadFile(words));
        QVERIFY(!page.chart()->canUseXLogScale());
        QVERIFY(!page.chart()->xAxisIsLog());
        QVERIFY(!page.findChild<QCheckBox *>(QStringLiteral("sweepLogX"))->isEnabled());
    }

    void tinySweepRunsToTheEnd()
    {
        QTemporaryDir runs;
        SweepPage page;
        showOnData(page, runs, QSize(1200, 700));
        // The file says 3 epochs; the page lowers it to 1 for a quick look.
        const QString path = writeSweep(QStringLiteral("tiny"), q("[{'parameter': 'width', 'values': [8, 32], 'log': true}]"), 2, 3, 6);
        QVERIFY(page.loadFile(path));
        QVERIFY(page.gridText().contains(QStringLiteral("4 runs")));
        page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->setValue(1);

        QSignalSpy runEnded(&page, &SweepPage::runEnded);
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        QSignalSpy failed(&page, &SweepPage::sweepFailed);
        QVERIFY(page.start());
        QVERIFY(page.isRunning());
        QVERIFY(!page.start());   // one sweep at a time
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("sweepStop"))->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 60000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(ended.first().at(0).toBool(), false);
        QCOMPARE(runEnded.count(), 4);
        QVERIFY(!page.isRunning());
        QVERIFY(page.progressText().startsWith(QStringLiteral("Finished")));

        // Every run is an ordinary run in the store, with the lowered epochs.
        QCOMPARE(runCount(runs.path()), 4);
        const QVector<RunRecord> records = page.records();
        QCOMPARE(records.size(), 4);
        for (const RunRecord &r : records) {
            QCOMPARE(r.status, RunStatus::Finished);
            QCOMPARE(r.completedEpochs(), 1);
            QVERIFY(QFileInfo::exists(RunStore::recordPath(r.folder)));
        }
        QVERIFY2(records[0].spec.shorthand().startsWith(QStringLiteral("784-8-10")), qPrintable(records[0].spec.shorthand()));
        QVERIFY2(records[2].spec.shorthand().startsWith(QStringLiteral("784-32-10")), qPrintable(records[2].spec.shorthand()));
        QVERIFY(QDir(runs.filePath(QStringLiteral("sweeps"))).entryList({QStringLiteral("*.json")}).size() == 1);
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->item(3, page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->columnCount() - 2)->text(), QStringLiteral("finished"));

        // A test-error sweep is drawn beside train error by default (dashed), each line its own metric's summary.
        QCOMPARE(page.findChild<QComboBox *>(QStringLiteral("sweepComparison"))->currentData().toString(), QStringLiteral("train_error"));
        QCOMPARE(page.chart()->seriesNames(), (QStringList{QStringLiteral("Test error (%)"), QStringLiteral("Train error (%)")}));
        compareWithSummary(page, QStringLiteral("test_error"), QStringLiteral("Test error (%)"), -1);
        compareWithSummary(page, QStringLiteral("train_error"), QStringLiteral("Train error (%)"), -1);
        page.findChild<QComboBox *>(QStringLiteral("sweepComparison"))->setCurrentIndex(0);   // none

        // One line, two points (one per width), mean ± std over the two seeds.
        const QStringList names = page.chart()->seriesNames();
        QCOMPARE(names.size(), 1);
        QCOMPARE(page.chart()->meanPoints(names.first()).size(), 2);
        compareWithSummary(page, QStringLiteral("test_error"), names.first(), -1);
        // By hand for the first width, so a summarize() bug would not hide a chart bug.
        const double a = Sweep::metricOf(records[0], QStringLiteral("test_error"));
        const double b = Sweep::metricOf(records[1], QStringLiteral("test_error"));
        const QPointF first = page.chart()->meanPoints(names.first()).first();
        QCOMPARE(first.x(), 8.0);
        QVERIFY(qAbs(first.y() - (a + b) / 2) < 1e-9);
        QVERIFY(qAbs(page.chart()->stdValues(names.first()).first() - qAbs(a - b) / std::sqrt(2.0)) < 1e-9);

        // Another metric re-plots the same runs.
        page.findChild<QComboBox *>(QStringLiteral("sweepMetric"))->setCurrentText(QStringLiteral("Train accuracy (%)"));
        compareWithSummary(page, QStringLiteral("train_accuracy"), page.chart()->seriesNames().first(), -1);
        QVERIFY(qAbs(page.chart()->meanPoints(page.chart()->seriesNames().first()).first().y()
                     - (records[0].trainAccuracy + records[1].trainAccuracy) / 2) < 1e-9);
    }

    // Two narrow runs, then one ~40x the arithmetic: when the wide run starts, the time left
    // is that run's share of the work, not the mean of the runs so far (which said "0:01 left").
    void timeLeftCountsTheWideRunStillToCome()
    {
        QTemporaryDir runs;
        SweepPage page;
        showOnData(page, runs, QSize(1200, 700));
        QVERIFY(page.loadFile(writeSweep(QStringLiteral("wide-last"), q("[{'parameter': 'width', 'values': [8, 9, 1500]}]"), 1, 1, 10)));
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        double leftAtWideRun = -2, elapsedAtWideRun = -2;
        QString textWhileRunning;
        QElapsedTimer clock;
        connect(&page, &SweepPage::runStarted, this, [&](int index) {
            if (index != 2)
                return;
            leftAtWideRun = page.secondsLeft();
            elapsedAtWideRun = clock.elapsed() / 1000.0;
        });
        clock.start();
        QVERIFY(page.start());
        QTRY_VERIFY_WITH_TIMEOUT(page.timeText().contains(QStringLiteral("left")) || ended.count() > 0, 60000);
        textWhileRunning = page.timeText();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        QVERIFY2(textWhileRunning.contains(QStringLiteral("elapsed · about")), qPrintable(textWhileRunning));
        QVERIFY(elapsedAtWideRun > 0);
        // Counting runs: elapsed / 2 for the one left. Weighing them: ~37x elapsed.
        QVERIFY2(leftAtWideRun > 5 * elapsedAtWideRun,
                 qPrintable(QStringLiteral("%1 s left after %2 s").arg(leftAtWideRun).arg(elapsedAtWideRun)));
        // Ended: the total, no time left.
        QVERIFY2(!page.timeText().contains(QStringLiteral("left")), qPrintable(page.timeText()));
        QVERIFY2(page.timeText().contains(QStringLiteral("in total")), qPrintable(page.timeText()));
        QCOMPARE(page.secondsLeft(), -1.0);
    }

    void twoAxesGiveOneLinePerValue()
    {
        QTemporaryDir runs;
        SweepPage page;
        page.setFolders(m_data.path(), runs.path());
        const QString path = writeSweep(QStringLiteral("grid"),
                                        q("[{'parameter': 'width', 'values': [8, 24]}, {'parameter': 'learning_rate', 'values': [0.001, 0.01]}]"), 1, 1, 3);
        QVERIFY(page.loadFile(path));
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        QSignalSpy failed(&page, &SweepPage::sweepFailed);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 60000);
        QVERIFY(failed.isEmpty());
        QCOMPARE(runCount(runs.path()), 4);
        page.findChild<QComboBox *>(QStringLiteral("sweepComparison"))->setCurrentIndex(0);   // the metric alone: one line per learning rate
        QCOMPARE(page.chart()->seriesNames(), (QStringList{QStringLiteral("learning rate 0.001"), QStringLiteral("learning rate 0.01")}));
        for (int g = 0; g < 2; ++g) {
            const QString name = page.chart()->seriesNames()[g];
            QCOMPARE(page.chart()->meanPoints(name).size(), 2);
            compareWithSummary(page, QStringLiteral("test_error"), name, g);
            for (double s : page.chart()->stdValues(name))
                QCOMPARE(s, 0.0);   // one seed: no spread
        }

        // Words, not record keys: the table's headers and both metric choosers.
        auto *table = page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"));
        auto *metric = page.findChild<QComboBox *>(QStringLiteral("sweepMetric"));
        auto *comparison = page.findChild<QComboBox *>(QStringLiteral("sweepComparison"));
        const auto headers = [table] {
            QStringList h;
            for (int c = 0; c < table->columnCount(); ++c)
                h << table->horizontalHeaderItem(c)->text().replace(u'\n', u' ');   // long ones on two lines
            return h;
        };
        QCOMPARE(headers(), (QStringList{QStringLiteral("#"), QStringLiteral("Width"), QStringLiteral("Learning rate"), QStringLiteral("Seed"),
                                         QStringLiteral("Status"), QStringLiteral("Test error (%)")}));
        QCOMPARE(metric->count(), int(Sweep::metricNames().size()));
        for (QComboBox *box : {metric, comparison})
            for (int i = 0; i < box->count(); ++i)
                QVERIFY2(!box->itemText(i).contains(u'_'), qPrintable(box->itemText(i)));
        QVERIFY2(page.gridText().contains(QStringLiteral("Axis <b>learning rate</b>")) && !page.gridText().contains(u'_'),
                 qPrintable(page.gridText()));
        // The chosen words still pick the metric: the chart and the table's last column follow.
        const int loss = metric->findText(QStringLiteral("Final train loss"));
        QVERIFY(loss >= 0);
        metric->setCurrentIndex(loss);
        QCOMPARE(metric->currentData().toString(), QStringLiteral("final_train_loss"));
        for (int g = 0; g < 2; ++g)
            compareWithSummary(page, QStringLiteral("final_train_loss"), page.chart()->seriesNames()[g], g);
        QCOMPARE(headers().last(), QStringLiteral("Final train loss"));
        for (const QString &h : headers())
            QVERIFY2(!h.contains(u'_'), qPrintable(h));
        const QVector<RunRecord> records = page.records();
        for (int row = 0; row < table->rowCount(); ++row)
            QCOMPARE(table->item(row, table->columnCount() - 1)->text(),
                     QLocale().toString(Sweep::metricOf(records[row], QStringLiteral("final_train_loss")), 'f', 3));
    }

    void stopEndsPromptlyAndKeepsFinishedRuns()
    {
        QTemporaryDir runs;
        SweepPage page;
        page.show();
        page.setFolders(m_data.path(), runs.path());
        // A 1-epoch run, then runs far too long to finish within the test.
        const QString path = writeSweep(QStringLiteral("long"), q("[{'parameter': 'epochs', 'values': [1, 500, 500]}]"), 1, 1, 0);
        QVERIFY(page.loadFile(path));
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->rowCount(), 3);
        QSignalSpy started(&page, &SweepPage::runStarted);
        QSignalSpy runEnded(&page, &SweepPage::runEnded);
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(runEnded.count(), 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 2, 30000);
        QTest::qWait(300);   // the second run is training now
        QElapsedTimer clock;
        clock.start();
        page.stop();
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("sweepStop"))->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        const qint64 ms = clock.elapsed();
        QVERIFY2(ms < 1500, qPrintable(QStringLiteral("stopping took %1 ms").arg(ms)));
        QCOMPARE(ended.first().at(0).toBool(), true);
        QVERIFY(!page.isRunning());
        QCOMPARE(started.count(), 2);   // the third run never started

        const QVector<RunRecord> records = page.records();
        QCOMPARE(records[0].status, RunStatus::Finished);
        QCOMPARE(records[1].status, RunStatus::Cancelled);
        QCOMPARE(records[2].status, RunStatus::Running);   // never ran
        QCOMPARE(runCount(runs.path()), 2);
        QVERIFY(QFileInfo::exists(RunStore::recordPath(records[0].folder)));
        QVERIFY(page.progressText().startsWith(QStringLiteral("Stopped")));
        // Not "2 of 3 runs ended": one finished, one was cancelled.
        QCOMPARE(page.progressText(), QStringLiteral("Stopped: 1 of 3 runs finished, 1 cancelled"));
        const int statusColumn = page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->columnCount() - 2;
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->item(0, statusColumn)->text(), QStringLiteral("finished"));
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->item(1, statusColumn)->text(), QStringLiteral("cancelled"));
        QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("sweepRuns"))->item(2, statusColumn)->text(), QStringLiteral("not run"));
        // Only the finished run is on the chart.
        page.findChild<QComboBox *>(QStringLiteral("sweepComparison"))->setCurrentIndex(0);
        const QStringList names = page.chart()->seriesNames();
        QCOMPARE(names.size(), 1);
        QCOMPARE(page.chart()->meanPoints(names.first()).size(), 1);
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());
    }

    void closingMidSweepEndsPromptly()
    {
        QTemporaryDir runs;
        auto *page = new SweepPage;
        page->show();
        page->setFolders(m_data.path(), runs.path());
        QVERIFY(page->loadFile(writeSweep(QStringLiteral("close"), q("[{'parameter': 'width', 'values': [8, 16]}]"), 1, 500, 0)));
        QVERIFY(page->findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->isEnabled());
        QSignalSpy started(page, &SweepPage::runStarted);
        QVERIFY(page->start());
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 30000);
        QTest::qWait(500);
        QElapsedTimer clock;
        clock.start();
        delete page;   // what closing the window does: cancel, join the thread
        QVERIFY2(clock.elapsed() < 1500, qPrintable(QString::number(clock.elapsed())));
        const QVector<RunRecord> left = RunStore(runs.path()).list();
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().status, RunStatus::Cancelled);
    }

    void epochsAxisDisablesTheEpochsOverride()
    {
        SweepPage page;
        QVERIFY(page.loadFile(writeSweep(QStringLiteral("ep"), q("[{'parameter': 'epochs', 'values': [1, 2]}]"), 1, 1, 2)));
        QVERIFY(!page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->isEnabled());
        QVERIFY(page.loadBuiltIn(QStringLiteral("width")));
        QVERIFY(page.findChild<QSpinBox *>(QStringLiteral("sweepEpochs"))->isEnabled());
    }

    void badSweepFileShowsErrorAndStartsNothing_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{ \"name\": \"x\", ") << QStringLiteral("not a valid JSON sweep");
        QTest::newRow("no base") << QByteArray(q("{'axes': [{'parameter': 'width', 'values': [1]}]}")) << QStringLiteral("missing \"base\"");
        QTest::newRow("unknown parameter")
            << QByteArray(q("{'base': {'layers': '784-8-10'}, 'axes': [{'parameter': 'colour', 'values': [1]}]}"))
            << QStringLiteral("\"colour\"");
        QTest::newRow("no values")
            << QByteArray(q("{'base': {'layers': '784-8-10'}, 'axes': [{'parameter': 'width', 'values': []}]}"))
            << QStringLiteral("empty");
        QTest::newRow("width not a number")
            << QByteArray(q("{'base': {'layers': '784-8-10'}, 'axes': [{'parameter': 'width', 'values': ['wide']}]}"))
            << QStringLiteral("not a whole number");
        QTest::newRow("bad seeds")
            << QByteArray(q("{'base': {'layers': '784-8-10'}, 'axes': [{'parameter': 'width', 'values': [8]}], 'seeds': 0}"))
            << QStringLiteral("seeds");
    }

    void badSweepFileShowsErrorAndStartsNothing()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QTemporaryDir runs;
        SweepPage page;
        page.setFolders(m_data.path(), runs.path());
        const QString path = writeFile(QStringLiteral("bad.json"), text);
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        QVERIFY(!page.loadFile(path));
        QVERIFY2(page.errorText().contains(expected), qPrintable(page.errorText()));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());
        QVERIFY(!page.start());
        QVERIFY(!page.isRunning());
        QTest::qWait(50);
        QCOMPARE(ended.count(), 0);
        QCOMPARE(runCount(runs.path()), 0);
        QVERIFY(!QFileInfo::exists(runs.filePath(QStringLiteral("sweeps"))));
        // A good sweep afterwards clears the error.
        QVERIFY(page.loadBuiltIn(QStringLiteral("width")));
        QVERIFY(page.errorText().isEmpty());
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("sweepStart"))->isEnabled());
    }

    void missingFileAndMissingData()
    {
        QTemporaryDir runs;
        QTemporaryDir empty;
        SweepPage page;
        QVERIFY(!page.loadFile(m_files.filePath(QStringLiteral("does-not-exist.json"))));
        QVERIFY(page.errorText().contains(QStringLiteral("cannot open")));
        // A valid sweep but no MNIST files: a clear message, nothing runs.
        page.setFolders(empty.path(), runs.path());
        QVERIFY(page.loadBuiltIn(QStringLiteral("width")));
        QVERIFY(!page.start());
        QVERIFY(page.errorText().contains(QStringLiteral("MNIST")));
        QVERIFY(!page.isRunning());
    }

    void exportsNonBlankPng()
    {
        QTemporaryDir runs;
        SweepPage page;
        showOnData(page, runs, QSize(1000, 600));
        QVERIFY(page.loadFile(writeSweep(QStringLiteral("png"), q("[{'parameter': 'width', 'values': [8, 16, 32], 'log': true}]"), 1, 1, 3)));
        QSignalSpy ended(&page, &SweepPage::sweepEnded);
        QVERIFY(page.start());
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        const QString file = m_files.filePath(QStringLiteral("sweep.png"));
        QString error;
        QVERIFY2(page.chart()->exportImage(file, QSize(900, 560), &error), qPrintable(error));
        QImage image(file);
        QCOMPARE(image.size(), QSize(900, 560));
        int dark = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                if (qGray(image.pixel(x, y)) < 200)
                    ++dark;
        QVERIFY2(dark > 500, qPrintable(QString::number(dark)));
        // The widget on screen keeps its own size after the export.
        QVERIFY(page.chart()->width() < 900 || page.chart()->height() != 560);
    }

    // Not a check: with MNIST_LAB_SWEEP_SCREENSHOT=file.png set, runs a small real sweep
    // (widths 10, 50, 200 × 2 seeds × 1 epoch, one thread) and saves the window for the docs.
    void docsScreenshot()
    {
        const QString target = qEnvironmentVariable("MNIST_LAB_SWEEP_SCREENSHOT");
        if (target.isEmpty())
            QSKIP("set MNIST_LAB_SWEEP_SCREENSHOT=<png> to render the docs screenshot");
        MNIST_FOLDER_OR_SKIP(mnist);
        QTemporaryDir runs;
        MainWindow window;
        window.resize(1400, 860);
        window.show();
        window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->setCurrentWidget(window.sweepPage());
        SweepPage *page = window.sweepPage();
        page->setFolders(mnist, runs.path());
        const QString path = writeFile(QStringLiteral("width-small.json"), q(
            "{'name': 'width', 'base': {'layers': '784-50-10', 'activation': 'relu', 'config': {'epochs': 1, "
            "'batch_size': 50, 'learning_rate': 0.001, 'optimizer': 'Adam', 'seed': 1, 'threads': 1, 'diagnostics': false}}, "
            "'axes': [{'parameter': 'width', 'values': [10, 50, 200], 'log': true}], 'seeds': 2, 'metric': 'test_error'}"));
        QVERIFY(page->loadFile(path));
        QSignalSpy ended(page, &SweepPage::sweepEnded);
        QSignalSpy started(page, &SweepPage::runStarted);
        QVERIFY(page->start());
        // A look at the page mid-sweep too (progress, ETA, partial chart).
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 4, 600000);
        QTest::qWait(1500);
        window.grab().save(QString(target).replace(QStringLiteral(".png"), QStringLiteral("-running.png")));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 600000);
        window.statusBar()->clearMessage();   // it names the test's temporary folders
        QTest::qWait(200);
        QVERIFY(window.grab().save(target));
        QVERIFY(page->chart()->exportImage(QString(target).replace(QStringLiteral(".png"), QStringLiteral("-chart.png")), QSize(900, 560)));
    }

    void mainWindowHasSweepsTab()
    {
        MainWindow window;
        QVERIFY(window.sweepPage());
        QVERIFY(window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->indexOf(window.sweepPage()) >= 0);
        QCOMPARE(window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->tabText(window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->indexOf(window.sweepPage())), QStringLiteral("&Sweeps"));
    }
};

QTEST_MAIN(TestUiSweep)
#include "tst_uisweep.moc"
