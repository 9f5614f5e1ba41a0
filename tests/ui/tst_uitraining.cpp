// Training from the GUI on small synthetic data: a run fills the charts and the confusion
// matrix; pause really stops the batches, a learning-rate change while paused is recorded,
// resume continues, stop ends the run as cancelled; the runs table gains the runs and
// overlays two of them; closing the window mid-run ends it cleanly within a second.
#include "ui/appsettings.h"
#include "ui/canvas/canvaspage.h"
#include "ui/datasetupdialog.h"
#include "core/data/datalocator.h"
#include "ui/charts/accuracychart.h"
#include "ui/charts/confusionheatmap.h"
#include "ui/charts/losschart.h"
#include "ui/charts/overlaychart.h"
#include "ui/charts/testerrorchart.h"
#include "ui/design/designpage.h"
#include "core/experiment/runstore.h"
#include "ui/mainwindow.h"
#include "ui/runs/runspage.h"
#include "ui/runs/runtablemodel.h"
#include "testdata.h"
#include "uitestsupport.h"
#include "ui/canvas/digitpreview.h"
#include "ui/train/confusiongallerydialog.h"
#include "ui/train/trainpage.h"
#include "ui/run/runsession.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace lab;

class TestUiTraining : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    QTemporaryDir m_runs;

    RunRequest request(int epochs, int batchSize) const
    {
        RunRequest r = UiTestSupport::smallMlpRun(QStringLiteral("synthetic_mlp"), QStringLiteral("784-32-10"), epochs,
                                                  batchSize, m_data.path(), m_runs.path());
        r.config.seed = 3;
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("MnistLabTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_uitraining"));
        QSettings().clear();
        QVERIFY(m_data.isValid() && m_runs.isValid());
        TestData::writeSyntheticMnist(m_data.path(), 2000, 300);
    }

    void runFillsChartsAndConfusion()
    {
        TrainPage page;
        page.resize(1200, 800);
        page.show();
        QSignalSpy started(&page, &TrainPage::runStarted);
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QSignalSpy failed(&page, &TrainPage::runFailed);
        auto *tabs = page.findChild<QTabWidget *>();
        QVERIFY(tabs);
        const int tabsTop = tabs->mapTo(&page, QPoint(0, 0)).y();
        QVERIFY(page.startRun(request(3, 20)));
        QVERIFY(page.isRunning());
        QVERIFY(!page.startRun(request(3, 20)));   // one at a time
        QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(page.lossChart()->pointCount(LossChart::rawName()) > 0, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count() + failed.count(), 1, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        const RunRecord record = ended.first().at(0).value<RunRecord>();
        QCOMPARE(record.status, RunStatus::Finished);
        QCOMPARE(record.completedEpochs(), 3);
        QVERIFY(!page.isRunning());
        QVERIFY(page.statusText().startsWith(QStringLiteral("Finished")));
        // The banner has its own place: the chart tabs did not move (clicks land where aimed).
        QCoreApplication::processEvents();
        QCOMPARE(tabs->mapTo(&page, QPoint(0, 0)).y(), tabsTop);

        page.lossChart()->refreshNow();
        page.accuracyChart()->refreshNow();
        QCOMPARE(page.lossChart()->pointCount(LossChart::rawName()), 3 * (2000 / 20));
        QCOMPARE(page.lossChart()->pointCount(LossChart::trainName()), 3);
        QCOMPARE(page.accuracyChart()->pointCount(AccuracyChart::testName()), 3);
        // The synthetic set is learnable: the run did learn.
        QVERIFY2(record.testAccuracy > 50, qPrintable(QString::number(record.testAccuracy)));

        // Confusion matrix of the last epoch over the whole test set; the slider looks back.
        QCOMPARE(page.heatmap()->matrix().total(), qint64(300));
        QCOMPARE(page.findChild<QSlider *>(QStringLiteral("epochSlider"))->maximum(), 3);
        QCOMPARE(page.findChild<QSlider *>(QStringLiteral("epochSlider"))->value(), 3);
        QCOMPARE(page.heatmap()->matrix(), record.epochs.last().confusion);
        page.findChild<QSlider *>(QStringLiteral("epochSlider"))->setValue(1);
        QCOMPARE(page.heatmap()->matrix(), record.epochs.first().confusion);

        // The gallery of one cell holds exactly that cell's images (opened with a 14 pt font,
        // as on a desktop with large text: its captions must still fit).
        const QFont appFont = QApplication::font();
        QFont large = appFont;
        large.setPointSizeF(14);
        QApplication::setFont(large);
        page.openGallery(4, 4);
        auto *gallery = page.findChild<ConfusionGalleryDialog *>();
        QVERIFY(gallery);
        QCOMPARE(qint64(gallery->indices().size()), record.epochs.first().confusion.at(4, 4));
        // The run saved its model: the selected image is shown with its saliency, coloured on ink only.
        auto *explained = gallery->findChild<DigitPreview *>(QStringLiteral("galleryExplained"));
        QVERIFY(explained);
        if (!gallery->indices().isEmpty()) {
            QVERIFY(explained->hasSaliency());
            const QImage ink = explained->image();
            const QImage overlay = explained->saliencyImage();
            for (int y = 0; y < 28; ++y)
                for (int x = 0; x < 28; ++x)
                    if (qAlpha(overlay.pixel(x, y)) > 0)
                        QVERIFY(qGray(ink.pixel(x, y)) > 0);
        }
        // Every caption (up to three lines of "P(d)=0.912") fits its grid cell under the image.
        auto *list = gallery->findChild<QListWidget *>();
        QVERIFY(list);
        const QFontMetrics fm(list->font());
        const QString worst = QStringLiteral("P(8)=0.000\nP(3)=0.000\nP(5)=0.000");
        for (int i = -1; i < list->count(); ++i) {
            const QStringList lines = (i < 0 ? worst : list->item(i)->text()).split(u'\n');
            int widest = 0;
            for (const QString &line : lines)
                widest = qMax(widest, fm.horizontalAdvance(line));
            QVERIFY2(widest <= list->gridSize().width() - 4, qPrintable(lines.join(u' ')));
            QVERIFY2(list->iconSize().height() + int(lines.size()) * fm.lineSpacing() + 4 <= list->gridSize().height(),
                     qPrintable(QStringLiteral("%1 lines in a %2 px cell").arg(lines.size()).arg(list->gridSize().height())));
        }
        // Not a check: MNIST_LAB_GALLERY_SCREENSHOT=file.png keeps a picture of the gallery.
        if (const QString shot = qEnvironmentVariable("MNIST_LAB_GALLERY_SCREENSHOT"); !shot.isEmpty())
            QVERIFY(gallery->grab().save(shot));
        gallery->close();
        QApplication::setFont(appFont);

        // Export all charts of this run into the run folder.
        QString error;
        const QStringList files = page.exportAllCharts(record.folder, QSize(900, 600), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(files.size(), page.charts().size());
        for (const QString &f : files) {
            QCOMPARE(QFileInfo(f).absolutePath(), QFileInfo(record.folder).absoluteFilePath());
            QCOMPARE(QImage(f).size(), QSize(900, 600));
        }
    }

    void pauseResumeStop()
    {
        TrainPage page;
        page.show();
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QSignalSpy batches(page.session(), &RunSession::batches);
        QSignalSpy epochs(page.session(), &RunSession::epochFinished);
        QVERIFY(page.startRun(request(200, 10)));
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 2, 30000);

        page.pause();
        QVERIFY(page.session()->isPaused());
        QCOMPARE(page.findChild<QPushButton *>(QStringLiteral("pauseButton"))->text(), QStringLiteral("Resume"));
        QTest::qWait(300);   // chunks already on their way may still arrive
        batches.clear();
        QTest::qWait(600);
        QCOMPARE(batches.count(), 0);

        // Change the learning rate while paused, through the page's own controls.
        auto *lr = page.findChild<QLineEdit *>(QStringLiteral("liveLearningRate"));
        QVERIFY(lr && lr->isEnabled());
        // Typed as a German user types it: the Design form accepts "0,003", so must this box.
        const QLocale previousLocale;
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        lr->setText(QStringLiteral("0,003"));
        QPushButton *apply = nullptr;
        for (QPushButton *b : page.findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Set lr"))
                apply = b;
        QVERIFY(apply && apply->isEnabled());
        QTest::mouseClick(apply, Qt::LeftButton);
        QLocale::setDefault(previousLocale);
        QCOMPARE(page.lossChart()->lrChangeCount(), 1);

        page.resume();
        QVERIFY(!page.session()->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 3, 10000);
        const BatchProgress after = batches.last().at(0).value<QVector<BatchProgress>>().last();
        QVERIFY(qAbs(after.learningRate - 0.003) < 1e-9);
        // Stop only once an epoch is complete: runsTableGainsRunsAndOverlays overlays this run's
        // epochs. How many batches fit in the waits above depends on the build's speed
        // (under ASan not one epoch did, and the run had nothing to draw).
        QTRY_VERIFY_WITH_TIMEOUT(epochs.count() > 0, 60000);

        QElapsedTimer stopping;
        stopping.start();
        page.stop();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QVERIFY2(stopping.elapsed() < 2000, qPrintable(QString::number(stopping.elapsed())));
        const RunRecord record = ended.first().at(0).value<RunRecord>();
        QCOMPARE(record.status, RunStatus::Cancelled);
        QVERIFY(record.completedEpochs() >= 1 && record.completedEpochs() < 200);
        QCOMPARE(record.lrChanges.size(), 1);
        QVERIFY(qAbs(record.lrChanges.first().learningRate - 0.003) < 1e-12);
        QVERIFY(page.statusText().startsWith(QStringLiteral("Stopped")));
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("pauseButton"))->isEnabled());
    }

    void runsTableGainsRunsAndOverlays()
    {
        RunsPage page;
        page.resize(1000, 700);
        page.show();
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.setRunsFolder(m_runs.path());
        QCOMPARE(page.model()->rowCount(), 2);   // the finished and the stopped run
        QStringList folders;
        for (const RunRecord &r : page.model()->runs()) {
            folders << r.folder;
            QCOMPARE(r.modelType, QStringLiteral("synthetic_mlp"));
            // The overlays draw one line per selected run with at least one epoch.
            QVERIFY2(r.completedEpochs() > 0, qPrintable(r.folder));
        }
        page.selectRuns(folders);
        QCOMPARE(page.selectedRuns().size(), 2);
        QTRY_COMPARE(page.accuracyOverlay()->seriesCount(), 2);
        QTRY_COMPARE(page.lossOverlay()->seriesCount(), 2);

        // Filter, then delete one run (the button asks first; deleteRuns() is the action).
        page.selectRuns({folders.first()});
        QTRY_COMPARE(page.accuracyOverlay()->seriesCount(), 1);
        const QString error = page.deleteRuns({folders.first()});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(page.model()->rowCount(), 1);
        QVERIFY(!QFileInfo::exists(folders.first()));
    }

    void closingTheWindowEndsTheRun()
    {
        {
            AppSettings settings;
            settings.setDataFolder(m_data.path());
            settings.setRunsFolder(m_runs.path());
        }
        auto *window = new MainWindow;
        window->show();
        QCOMPARE(window->runsFolder(), m_runs.path());
        TrainConfig config = request(500, 10).config;
        window->designPage()->setDesign(request(1, 10).spec, config);
        QVERIFY(window->designPage()->canTrain());
        QSignalSpy batches(window->trainPage()->session(), &RunSession::batches);
        window->startTraining();
        QVERIFY(window->trainPage()->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 2, 30000);
        const int before = window->runsPage()->model()->rowCount();
        QVERIFY(before >= 2);   // the running one is listed

        // MNIST_LAB_UI_SHOTS=<folder>: save every page for a look (not an assertion).
        const QString shots = qEnvironmentVariable("MNIST_LAB_UI_SHOTS");
        if (!shots.isEmpty()) {
            window->resize(1400, 900);
            window->runsPage()->selectRuns({window->runsPage()->model()->runs().value(1).folder,
                                            window->runsPage()->model()->runs().value(2).folder});
            for (int i = 0; i < window->findChild<QTabWidget *>(QStringLiteral("pageTabs"))->count(); ++i) {
                window->findChild<QTabWidget *>(QStringLiteral("pageTabs"))->setCurrentIndex(i);
                QTest::qWait(200);
                window->grab().save(QStringLiteral("%1/page%2.png").arg(shots).arg(i));
            }
        }

        QElapsedTimer closing;
        closing.start();
        window->close();
        delete window;
        QVERIFY2(closing.elapsed() < 1000, qPrintable(QStringLiteral("took %1 ms").arg(closing.elapsed())));
        const QVector<RunRecord> runs = RunStore(m_runs.path()).list();
        QVERIFY(!runs.isEmpty());
        QCOMPARE(runs.first().status, RunStatus::Cancelled);
        // The design was saved for the next start.
        QCOMPARE(AppSettings().lastConfig(TrainConfig()).epochs, 500);
    }

    // Stop a run and start the next at once: the first is still finishing its batch, and
    // what it reports from then on (its last batches, its cancelled end) is another job's
    // and must not reach the page, which shows the second run only.
    // The Training menu and Design's Train ▶ follow the run: Train only without a run, Pause
    // while it runs, Resume while paused, Stop while either; the lr box says when it works.
    void windowActionsFollowTheRun()
    {
        {
            AppSettings settings;
            settings.setDataFolder(m_data.path());
            settings.setRunsFolder(m_runs.path());
        }
        MainWindow window;
        window.show();
        auto action = [&window](const QString &text) {
            for (QAction *a : window.findChildren<QAction *>())
                if (a->text() == text)
                    return a;
            return static_cast<QAction *>(nullptr);
        };
        QAction *train = action(QStringLiteral("&Train")), *pause = action(QStringLiteral("&Pause"));
        QAction *resume = action(QStringLiteral("R&esume")), *stop = action(QStringLiteral("&Stop"));
        QVERIFY(train && pause && resume && stop);
        auto states = [&] {
            return QString::fromLatin1("%1%2%3%4%5").arg(int(train->isEnabled())).arg(int(pause->isEnabled()))
                .arg(int(resume->isEnabled())).arg(int(stop->isEnabled()))
                .arg(int(window.designPage()->findChild<QPushButton *>(QStringLiteral("trainButton"))->isEnabled()));
        };
        auto *lr = window.trainPage()->findChild<QLineEdit *>(QStringLiteral("liveLearningRate"));
        QCOMPARE(states(), QStringLiteral("10001"));   // idle: only Train
        QVERIFY(lr->toolTip().contains(QStringLiteral("pause it")));

        window.designPage()->setDesign(request(1, 10).spec, request(200, 10).config);
        QSignalSpy batches(window.trainPage()->session(), &RunSession::batches);
        QSignalSpy ended(window.trainPage(), &TrainPage::runEnded);
        train->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 30000);
        QCOMPARE(states(), QStringLiteral("01010"));   // running: Pause, Stop
        QVERIFY(!lr->isEnabled());
        QVERIFY(lr->toolTip().contains(QStringLiteral("Pause the run")));
        QCOMPARE(lr->placeholderText(), QStringLiteral("pause first"));
        // The Runs page follows the run's epochs without a Refresh.
        auto liveEpochs = [&window] {
            int most = 0;
            for (const RunRecord &r : window.runsPage()->model()->runs())
                if (r.status == RunStatus::Running)
                    most = qMax(most, r.completedEpochs());
            return most;
        };
        QTRY_VERIFY_WITH_TIMEOUT(liveEpochs() >= 2, 60000);

        pause->trigger();
        QCOMPARE(states(), QStringLiteral("00110"));   // paused: Resume, Stop (no "already going on" popup)
        QVERIFY(lr->isEnabled());
        resume->trigger();
        QCOMPARE(states(), QStringLiteral("01010"));
        stop->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 10000);
        QCOMPARE(states(), QStringLiteral("10001"));
        // No "… 1:40 left" on a run that has ended.
        for (QLabel *label : window.trainPage()->findChildren<QLabel *>())
            QVERIFY2(!label->text().contains(QStringLiteral(" left")), qPrintable(label->text()));
        QVERIFY(!window.trainPage()->findChild<QProgressBar *>()->format().contains(QStringLiteral(" left")));
    }

    // "Open in Design" puts a stored run's layers and hyperparameters back on the Design page.
    void openInDesignLoadsTheRun()
    {
        {
            AppSettings settings;
            settings.setDataFolder(m_data.path());
            settings.setRunsFolder(m_runs.path());
        }
        MainWindow window;
        window.show();
        window.designPage()->setDesign(NetworkSpec::fromShorthand(QStringLiteral("784-50-50-10"), QStringLiteral("relu")),
                                       TrainConfig());
        const QVector<RunRecord> runs = window.runsPage()->model()->runs();
        QVERIFY(!runs.isEmpty());
        const RunRecord &run = runs.first();
        window.runsPage()->selectRuns({run.folder});
        QPushButton *open = nullptr;
        for (QPushButton *b : window.runsPage()->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("Open in Design"))
                open = b;
        QVERIFY(open && open->isEnabled());
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->currentWidget(), window.designPage());
        QCOMPARE(window.designPage()->spec().toJson(), run.spec.toJson());
        QCOMPARE(window.designPage()->config().batchSize, run.config.batchSize);
        QCOMPARE(window.designPage()->config().learningRate, run.config.learningRate);
    }

    // "Show published results" is remembered across restarts (a new page reads it back).
    void publishedResultsRemembered()
    {
        {
            TrainPage page;
            QVERIFY(page.findChild<TestErrorChart *>()->referencesVisible());
            page.findChild<TestErrorChart *>()->referencesBox()->setChecked(false);
        }
        {
            TrainPage page;
            QVERIFY(!page.findChild<TestErrorChart *>()->referencesVisible());
            QVERIFY(page.findChild<TestErrorChart *>()->referenceLabels().isEmpty());
            page.findChild<TestErrorChart *>()->referencesBox()->setChecked(true);
        }
        QVERIFY(TrainPage().findChild<TestErrorChart *>()->referencesVisible());
    }

    // Draw & test's models and the Train page's run come back at the next start: set them,
    // destroy the window, build a new one on the same settings. A model file deleted since
    // is skipped without a message; a run deleted since leaves the Train page empty.
    void pagesRememberedAcrossRestarts()
    {
        {
            AppSettings settings;
            settings.setDataFolder(m_data.path());
            settings.setRunsFolder(m_runs.path());
        }
        QTemporaryDir files;
        RunRecord trained;
        QStringList sources;
        {
            MainWindow window;
            window.show();
            window.designPage()->setDesign(request(1, 20).spec, request(2, 20).config);
            QSignalSpy ended(window.trainPage(), &TrainPage::runEnded);
            window.startTraining();
            QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
            trained = ended.first().at(0).value<RunRecord>();
            QCOMPARE(trained.status, RunStatus::Finished);
            auto *canvas = qobject_cast<CanvasPage *>(window.canvasPage());
            QVERIFY(canvas);
            // The finished run's model was added (useRunModel); add two plain files too.
            const QString kept = files.filePath(QStringLiteral("kept.mnlm")), gone = files.filePath(QStringLiteral("gone.mnlm"));
            QVERIFY(QFile::copy(RunStore::modelPath(trained.folder), kept));
            QVERIFY(QFile::copy(RunStore::modelPath(trained.folder), gone));
            QVERIFY(canvas->addModelFile(kept));
            QVERIFY(canvas->addModelFile(gone));
            sources = canvas->modelSources();
            QVERIFY(sources.contains(RunStore::modelPath(trained.folder)));
            QCOMPARE(sources.size(), canvas->modelCount());
            window.close();
        }
        QVERIFY(QFile::remove(files.filePath(QStringLiteral("gone.mnlm"))));
        sources.removeAll(QFileInfo(files.filePath(QStringLiteral("gone.mnlm"))).absoluteFilePath());
        {
            MainWindow window;
            window.show();
            auto *canvas = qobject_cast<CanvasPage *>(window.canvasPage());
            QCOMPARE(canvas->modelSources(), sources);
            QVERIFY(!canvas->findChild<QWidget *>(QStringLiteral("canvasErrorBar"))->isVisible());
            // The run is on the Train page as it ended: curves, confusion matrix, a banner naming it.
            TrainPage *page = window.trainPage();
            QCOMPARE(page->runFolder(), trained.folder);
            QVERIFY(!page->isRunning());
            QVERIFY2(page->statusText().contains(trained.id), qPrintable(page->statusText()));
            page->lossChart()->refreshNow();
            page->accuracyChart()->refreshNow();
            QCOMPARE(page->accuracyChart()->pointCount(AccuracyChart::testName()), 2);
            QVERIFY(page->lossChart()->pointCount(LossChart::rawName()) > 0);
            QCOMPARE(page->findChild<QSlider *>(QStringLiteral("epochSlider"))->maximum(), 2);
            QCOMPARE(page->heatmap()->matrix(), trained.epochs.last().confusion);
            window.close();
        }
        AppSettings().setLastTrainRun(m_runs.filePath(QStringLiteral("deleted-since")));
        {
            MainWindow window;
            QVERIFY(window.trainPage()->runFolder().isEmpty());
            QVERIFY(window.trainPage()->statusText().isEmpty());
        }
    }

    // The data-folder chooser lists the files (the idx files are how the folder is
    // recognised) and opens in the data folder, else the user's, else home: never the
    // launch directory.
    void dataFolderChooserShowsFiles()
    {
        std::unique_ptr<QFileDialog> dialog(DataSetupDialog::newFolderChooser(m_data.path(), nullptr));
        QCOMPARE(dialog->fileMode(), QFileDialog::Directory);
        QVERIFY(!dialog->testOption(QFileDialog::ShowDirsOnly));
        QCOMPARE(QDir(dialog->directory()).canonicalPath(), QDir(m_data.path()).canonicalPath());
        QVERIFY(dialog->nameFilters().first().contains(QStringLiteral("*-ubyte")));
        const QString missing = m_data.filePath(QStringLiteral("no/such/folder"));
        const QString expected = QFileInfo(DataLocator::userDataFolder()).isDir() ? DataLocator::userDataFolder() : QDir::homePath();
        QCOMPARE(DataSetupDialog::startFolder(missing), expected);
        QVERIFY(DataSetupDialog::startFolder(missing) != QDir::currentPath());
    }

    // First start without data: the data dialog offers the one-click 99% model (checked), and
    // once a folder with MNIST is given the window loads quick-99 and trains it. Started with
    // the offer unticked, the window only takes the folder. Without the offer, none is shown.
    void firstStartOffersQuick99()
    {
        for (const bool keepOffer : {true, false}) {
            QTemporaryDir empty;
            {
                AppSettings settings;
                settings.setDataFolder(empty.path());
                settings.setRunsFolder(m_runs.path());
            }
            MainWindow window;
            window.show();
            bool offerShown = false;
            QTimer::singleShot(0, &window, [&] {
                auto *dialog = qobject_cast<DataSetupDialog *>(QApplication::activeModalWidget());
                QVERIFY(dialog);
                auto *offer = dialog->findChild<QCheckBox *>(QStringLiteral("quick99Offer"));
                offerShown = offer && !offer->isHidden() && offer->isChecked();
                if (offer)
                    offer->setChecked(keepOffer);
                dialog->useFolder(m_data.path());
            });
            QSignalSpy batches(window.trainPage()->session(), &RunSession::batches);
            QSignalSpy ended(window.trainPage(), &TrainPage::runEnded);
            window.ensureData(/*offerQuick99=*/true);
            QVERIFY(offerShown);
            QCOMPARE(window.dataFolder(), m_data.path());
            if (keepOffer) {
                QCOMPARE(window.designPage()->spec().name, QStringLiteral("quick-99"));
                QCOMPARE(window.designPage()->config().batchSize, 256);
                QVERIFY(window.trainPage()->isRunning());
                QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 0, 30000);
                if (window.trainPage()->isRunning())
                    window.trainPage()->stop();
                QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 30000);
            } else {
                QVERIFY(!window.trainPage()->isRunning());
                QCOMPARE(ended.count(), 0);
            }
        }
        // Asked from Train (or `--train`): the dialog does not offer a second run.
        DataSetupDialog dialog(QStringLiteral("/nonexistent"), QStringLiteral("/nonexistent"));
        QVERIFY(dialog.findChild<QCheckBox *>(QStringLiteral("quick99Offer"))->isHidden());
        QVERIFY(!dialog.trainQuick99());
    }

    void staleRunIsDropped()
    {
        QTemporaryDir runs;
        TrainPage page;
        page.show();
        QSignalSpy started(&page, &TrainPage::runStarted);
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QSignalSpy batches(page.session(), &RunSession::batches);
        RunRequest first = request(200, 10);
        first.spec.name = QStringLiteral("first_run");
        first.runsFolder = runs.path();
        QVERIFY(page.startRun(first));
        QTRY_VERIFY_WITH_TIMEOUT(batches.count() > 2, 30000);
        const quint64 firstJob = page.session()->currentJob();

        page.setCanTrain(true);
        page.stop();
        // The stopping run no longer holds the page: Train is enabled again, Stop is not.
        QVERIFY(!page.isRunning());
        QVERIFY(page.findChild<QPushButton *>(QStringLiteral("stopButton")) && !page.findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());
        QVERIFY(!page.findChild<QPushButton *>(QStringLiteral("pauseButton"))->isEnabled());
        QPushButton *train = nullptr;
        for (QPushButton *b : page.findChildren<QPushButton *>())
            if (b->text().startsWith(QStringLiteral("Train")))
                train = b;
        QVERIFY(train && train->isEnabled());
        RunRequest second = request(1, 10);
        second.spec.name = QStringLiteral("second_run");
        second.runsFolder = runs.path();
        QVERIFY(page.startRun(second));   // no waiting for the first to wind down
        QCOMPARE(page.session()->currentJob(), firstJob + 1);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);

        // The first did end, cancelled, in the run store: its end was reported and dropped.
        const QVector<RunRecord> stored = RunStore(runs.path()).list();
        QCOMPARE(stored.size(), 2);
        for (const RunRecord &r : stored)
            QCOMPARE(r.status, r.modelType == u"first_run" ? RunStatus::Cancelled : RunStatus::Finished);
        // The page saw the first start (before the stop) and then only the second run.
        QCOMPARE(started.count(), 2);
        QCOMPARE(started.last().at(0).value<RunRecord>().modelType, QStringLiteral("second_run"));
        const RunRecord shown = ended.first().at(0).value<RunRecord>();
        QCOMPARE(shown.modelType, QStringLiteral("second_run"));
        QCOMPARE(shown.status, RunStatus::Finished);
        QVERIFY(page.statusText().startsWith(QStringLiteral("Finished")));
        QCOMPARE(page.findChild<QSlider *>(QStringLiteral("epochSlider"))->maximum(), 1);
        QTest::qWait(200);
        QCOMPARE(ended.count(), 1);
        QVERIFY(!page.isRunning());
        QVERIFY(!page.session()->isRunning());
    }
};

QTEST_MAIN(TestUiTraining)
#include "tst_uitraining.moc"
