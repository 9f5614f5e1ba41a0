// The Runs page continues runs: a run stopped after its first epoch is resumed from the
// page (button and right-click menu), trains on the Train page live from where it stopped,
// and ends finished with all its epochs in its record and in the table; Resume is offered
// only for runs that can be continued, and the Train page's "Stopped" banner points to it
// only when there is a checkpoint to go on from.
#include "core/experiment/runstore.h"
#include "testdata.h"
#include "ui/appsettings.h"
#include "ui/charts/accuracychart.h"
#include "ui/mainwindow.h"
#include "ui/run/runsession.h"
#include "ui/runs/runspage.h"
#include "ui/runs/runtablemodel.h"
#include "ui/train/trainpage.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QFileInfo>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace lab;

class TestUiRuns : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    QTemporaryDir m_runs;

    RunRequest request(int epochs) const
    {
        RunRequest r = UiTestSupport::smallMlpRun(QStringLiteral("resumable"), QStringLiteral("784-32-10"), epochs, 20,
                                                  m_data.path(), m_runs.path());
        r.config.seed = 4;
        return r;
    }

    /** The text a user reads in the runs table for `folder` in `column`. */
    static QString cell(RunsPage *page, const QString &folder, int column)
    {
        auto *proxy = page->findChild<QSortFilterProxyModel *>(QStringLiteral("runsProxy"));
        for (int row = 0; row < proxy->rowCount(); ++row)
            if (proxy->index(row, 0).data(RunTableModel::FolderRole).toString() == folder)
                return proxy->index(row, column).data().toString();
        return QString();
    }

    /**
     * The entries of the runs table's right-click menu on the selected run, with their
     * enabled state; `choose` names an entry to pick (as a click would).
     */
    static QMap<QString, bool> contextMenu(RunsPage *page, const QString &choose = QString())
    {
        auto *view = page->findChild<QTableView *>(QStringLiteral("runsTable"));
        QMap<QString, bool> entries;
        QTimer::singleShot(50, [&entries, choose] {
            auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget());
            if (!menu)
                return;
            QAction *chosen = nullptr;
            for (QAction *a : menu->actions()) {
                entries.insert(a->text(), a->isEnabled());
                if (a->text() == choose)
                    chosen = a;
            }
            menu->close();
            if (chosen)
                chosen->trigger();
        });
        const QRect row = view->visualRect(view->selectionModel()->selectedRows().value(0));
        Q_EMIT view->customContextMenuRequested(row.center());
        return entries;
    }

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uiruns"));
        QVERIFY(m_data.isValid() && m_runs.isValid());
        TestData::writeSyntheticMnist(m_data.path(), 1500, 300);
        AppSettings settings;
        settings.setDataFolder(m_data.path());
        settings.setRunsFolder(m_runs.path());
    }

    void resumeStoppedRunFromRunsPage()
    {
        const int epochsPlanned = 20;
        const int storedBefore = int(RunStore(m_runs.path()).list().size());
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        TrainPage *train = window.trainPage();
        RunsPage *runs = window.runsPage();
        auto *resume = runs->findChild<QPushButton *>(QStringLiteral("resumeRunButton"));
        QVERIFY(resume);

        // A 20-epoch run (75 batches each), stopped after its first epoch.
        QSignalSpy ended(train, &TrainPage::runEnded);
        QSignalSpy failed(train, &TrainPage::runFailed);
        QSignalSpy epochs(train->session(), &RunSession::epochFinished);
        QVERIFY(train->startRun(request(epochsPlanned)));
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 60000);
        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 60000);
        QVERIFY(failed.isEmpty());
        const RunRecord stopped = ended.first().at(0).value<RunRecord>();
        QCOMPARE(stopped.status, RunStatus::Cancelled);
        const int before = stopped.completedEpochs();
        QVERIFY2(before >= 1 && before < epochsPlanned, qPrintable(QString::number(before)));
        QVERIFY(QFileInfo::exists(RunStore::checkpointPath(stopped.folder)));
        // The Train page says where to go on from, and from which epoch.
        const QString hint = QStringLiteral("Resume on the Runs page continues it from epoch %1.").arg(before + 1);
        QVERIFY2(train->statusText().startsWith(QStringLiteral("Stopped after %1 of %2 epochs").arg(before).arg(epochsPlanned))
                     && train->statusText().contains(hint),
                 qPrintable(train->statusText()));

        // The page offers Resume for it: button and right-click menu.
        runs->refresh();
        runs->selectRuns({stopped.folder});
        QCOMPARE(cell(runs, stopped.folder, RunTableModel::StatusColumn), QStringLiteral("cancelled"));
        QVERIFY(resume->isEnabled());
        const QMap<QString, bool> menu = contextMenu(runs);
        QVERIFY2(menu.value(QStringLiteral("Resume"), false), qPrintable(QStringList(menu.keys()).join(u',')));
        // With MNIST_LAB_RUNS_SCREENSHOT=file.png: the Runs page as a user sees it now.
        if (const QString shot = qEnvironmentVariable("MNIST_LAB_RUNS_SCREENSHOT"); !shot.isEmpty()) {
            window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->setCurrentWidget(runs);
            QTest::qWait(300);
            QVERIFY(window.grab().save(shot));
        }

        // Resumed: the Train page shows it live, from the epochs it had.
        ended.clear();
        epochs.clear();
        QMetaObject::invokeMethod(resume, &QPushButton::click, Qt::QueuedConnection);
        QTRY_COMPARE(window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->currentWidget(), train);
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 60000);
        QCOMPARE(epochs.first().at(0).value<EpochMetrics>().epoch, before + 1);   // goes on, does not start over
        QVERIFY(train->isRunning());
        train->accuracyChart()->refreshNow();
        QVERIFY2(train->accuracyChart()->pointCount(AccuracyChart::testName()) >= before + 1,
                 qPrintable(QString::number(train->accuracyChart()->pointCount(AccuracyChart::testName()))));
        // While it trains it is not resumable again.
        runs->selectRuns({stopped.folder});
        QVERIFY(!resume->isEnabled());

        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        const RunRecord resumed = ended.first().at(0).value<RunRecord>();
        QCOMPARE(resumed.folder, stopped.folder);   // the same run continued, not a new one
        QCOMPARE(resumed.status, RunStatus::Finished);
        QCOMPARE(resumed.completedEpochs(), epochsPlanned);
        for (int e = 0; e < epochsPlanned; ++e)
            QCOMPARE(resumed.epochs[e].epoch, e + 1);
        // Its first epochs are the ones trained before the stop.
        for (int e = 0; e < before; ++e)
            QCOMPARE(resumed.epochs[e].testAccuracy, stopped.epochs[e].testAccuracy);
        train->accuracyChart()->refreshNow();
        QCOMPARE(train->accuracyChart()->pointCount(AccuracyChart::testName()), epochsPlanned);
        QVERIFY(train->statusText().startsWith(QStringLiteral("Finished")));

        // On disk and in the table: finished, every epoch, one run (no copy).
        const RunRecord stored = RunStore(m_runs.path()).load(stopped.folder);
        QCOMPARE(stored.status, RunStatus::Finished);
        QCOMPARE(stored.completedEpochs(), epochsPlanned);
        QVERIFY(!QFileInfo::exists(RunStore::checkpointPath(stopped.folder)));
        QCOMPARE(RunStore(m_runs.path()).list().size(), storedBefore + 1);
        QTRY_COMPARE(cell(runs, stopped.folder, RunTableModel::StatusColumn), QStringLiteral("finished"));
        QCOMPARE(cell(runs, stopped.folder, RunTableModel::EpochsColumn), QString::number(epochsPlanned));
        // A finished run is not resumable.
        runs->selectRuns({stopped.folder});
        QVERIFY(!resume->isEnabled());
        QVERIFY(!contextMenu(runs).value(QStringLiteral("Resume"), true));
    }

    // Stopped within its first epoch there is no checkpoint to go on from: the Train page
    // does not send the user to Resume.
    void stoppedInTheFirstEpochOffersNoResumeHint()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        TrainPage *train = window.trainPage();
        QSignalSpy ended(train, &TrainPage::runEnded);
        QSignalSpy failed(train, &TrainPage::runFailed);
        QVERIFY(train->startRun(request(20)));
        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 60000);
        QVERIFY(failed.isEmpty());
        const RunRecord stopped = ended.first().at(0).value<RunRecord>();
        QCOMPARE(stopped.status, RunStatus::Cancelled);
        QCOMPARE(stopped.completedEpochs(), 0);
        QVERIFY(!QFileInfo::exists(RunStore::checkpointPath(stopped.folder)));
        QVERIFY2(train->statusText().startsWith(QStringLiteral("Stopped after 0 of 20 epochs")), qPrintable(train->statusText()));
        QVERIFY2(!train->statusText().contains(QStringLiteral("Resume")), qPrintable(train->statusText()));
    }

    // A run whose process died ("running" on disk, nobody holds its lock) is continued from
    // the right-click menu.
    void resumeInterruptedRunFromTheMenu()
    {
        const int epochsPlanned = 12;
        MainWindow window;
        window.show();
        TrainPage *train = window.trainPage();
        RunsPage *runs = window.runsPage();
        QSignalSpy ended(train, &TrainPage::runEnded);
        QSignalSpy epochs(train->session(), &RunSession::epochFinished);
        QVERIFY(train->startRun(request(epochsPlanned)));
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() >= 1, 60000);
        train->stop();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        const RunRecord stopped = ended.first().at(0).value<RunRecord>();
        QVERIFY(stopped.completedEpochs() < epochsPlanned);
        // As a killed process leaves it: the record still says running.
        RunRecord killed = RunRecord::load(RunStore::recordPath(stopped.folder));
        killed.status = RunStatus::Running;
        killed.save(RunStore::recordPath(stopped.folder));
        runs->refresh();
        runs->selectRuns({stopped.folder});
        QCOMPARE(cell(runs, stopped.folder, RunTableModel::StatusColumn), QStringLiteral("interrupted"));
        QVERIFY(runs->findChild<QPushButton *>(QStringLiteral("resumeRunButton"))->isEnabled());

        ended.clear();
        QVERIFY(contextMenu(runs, QStringLiteral("Resume")).value(QStringLiteral("Resume"), false));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        const RunRecord resumed = ended.first().at(0).value<RunRecord>();
        QCOMPARE(resumed.folder, stopped.folder);
        QCOMPARE(resumed.status, RunStatus::Finished);
        QCOMPARE(resumed.completedEpochs(), epochsPlanned);
        QCOMPARE(RunStore(m_runs.path()).load(stopped.folder).status, RunStatus::Finished);
        QTRY_COMPARE(cell(runs, stopped.folder, RunTableModel::StatusColumn), QStringLiteral("finished"));
    }

    void whichRunsCanResume()
    {
        QTemporaryDir folder;
        RunRecord r;
        r.folder = folder.path();
        for (RunStatus s : {RunStatus::Cancelled, RunStatus::Interrupted}) {
            r.status = s;
            QVERIFY(RunsPage::canResume(r));
        }
        for (RunStatus s : {RunStatus::Finished, RunStatus::Diverged, RunStatus::Running, RunStatus::Failed}) {
            r.status = s;
            QVERIFY(!RunsPage::canResume(r));
        }
        // A failed run that kept its checkpoint goes on from there.
        QFile checkpoint(RunStore::checkpointPath(folder.path()));
        QVERIFY(checkpoint.open(QIODevice::WriteOnly));
        checkpoint.close();
        r.status = RunStatus::Failed;
        QVERIFY(RunsPage::canResume(r));
    }
};

QTEST_MAIN(TestUiRuns)
#include "tst_uiruns.moc"
