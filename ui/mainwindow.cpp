#include "ui/mainwindow.h"

#include "core/experiment/preset.h"

#include "ui/aboutdialog.h"
#include "ui/canvas/canvaspage.h"
#include "ui/appsettings.h"
#include "ui/charts/chartwidget.h"
#include "ui/charts/overlaychart.h"
#include "ui/charts/sweepchart.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "ui/datasetupdialog.h"
#include "ui/design/designpage.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "ui/run/runsession.h"
#include "ui/runs/runspage.h"
#include "ui/sweeps/sweeppage.h"
#include "ui/train/trainpage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QCursor>
#include <QDir>
#include <QFileDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>

namespace lab {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_settings(std::make_unique<AppSettings>())
{
    setWindowTitle(tr("MNIST Lab"));
    setObjectName(QStringLiteral("MainWindow"));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("pageTabs"));
    m_tabs->setDocumentMode(true);
    m_design = new DesignPage(this);
    m_train = new TrainPage(this);
    m_runs = new RunsPage(this);
    m_tabs->addTab(m_design, tr("&Design"));
    m_tabs->addTab(m_train, tr("&Train"));
    m_tabs->addTab(m_runs, tr("&Runs"));
    m_sweeps = new SweepPage(this);
    m_tabs->addTab(m_sweeps, tr("&Sweeps"));
    m_canvas = new CanvasPage(this);
    m_canvas->setRunsFolder(runsFolder());
    m_tabs->addTab(m_canvas, tr("Dra&w && test"));
    setCentralWidget(m_tabs);

    // Design ↔ Train
    connect(m_design, &DesignPage::trainRequested, this, &MainWindow::startTraining);
    connect(m_train, &TrainPage::trainRequested, this, &MainWindow::startTraining);
    connect(m_design, &DesignPage::validityChanged, this,
            [this](bool ok) { m_train->setCanTrain(ok, m_design->problemText()); });
    m_train->setCanTrain(m_design->canTrain(), m_design->problemText());
    // Train → Runs (and the canvas gets each finished model)
    connect(m_train, &TrainPage::runStarted, this, [this](const RunRecord &record) {
        m_settings->setLastTrainRun(record.folder);   // shown again at the next start
        m_runs->refresh();
        statusBar()->showMessage(tr("Training %1 in %2").arg(record.modelType, QDir::toNativeSeparators(record.folder)));
    });
    // Live status on the Runs page: the record on disk is rewritten after every epoch.
    connect(m_train->session(), &RunSession::epochFinished, m_runs, &RunsPage::refresh);
    connect(m_train, &TrainPage::runEnded, this, [this](const RunRecord &record) {
        m_runs->refresh();
        statusBar()->showMessage(tr("%1: %2").arg(record.modelType, runStatusName(record.status)), 10000);
        if (record.status == RunStatus::Finished)
            useRunModel(record.folder, false);
    });
    connect(m_train, &TrainPage::runFailed, this, [this](const QString &message) {
        statusBar()->showMessage(message, 15000);
    });
    // Sweeps → Runs: each run of a sweep is an ordinary run in the store.
    connect(m_sweeps, &SweepPage::runEnded, m_runs, &RunsPage::refresh);
    connect(m_runs, &RunsPage::openInDesignRequested, this, [this](const RunRecord &record) {
        m_design->setDesign(record.spec, record.config);
        m_tabs->setCurrentWidget(m_design);
        statusBar()->showMessage(tr("Design and hyperparameters of %1 loaded").arg(record.id.isEmpty() ? record.modelType : record.id),
                                 10000);
    });
    // A preset chosen from the menu bar on another page: show where it went and what it is.
    connect(m_design, &DesignPage::presetApplied, this, [this](const QString &name, const QString &description) {
        m_tabs->setCurrentWidget(m_design);
        statusBar()->showMessage(description.isEmpty() ? tr("Preset %1 loaded").arg(name)
                                                       : tr("Preset %1 loaded: %2").arg(name, description),
                                 15000);
    });
    connect(m_runs, &RunsPage::testModelRequested, this, [this](const QString &folder) { useRunModel(folder, true); });
    // Runs → Train: a stopped or interrupted run continues on the Train page, live.
    connect(m_runs, &RunsPage::resumeRequested, this, [this](const RunRecord &record) {
        m_tabs->setCurrentWidget(m_train);
        m_train->resumeRun(record.folder, dataFolder());
    });
    connect(m_train, &TrainPage::runStateChanged, m_runs, [this](bool running) { m_runs->setCanStartRuns(!running); });

    buildMenus();
    readSettings();
    m_runs->setRunsFolder(runsFolder());
    dataFolderChanged();
    statusBar()->showMessage(tr("Data: %1 · Runs: %2").arg(QDir::toNativeSeparators(dataFolder()),
                                                          QDir::toNativeSeparators(runsFolder())));
}

MainWindow::~MainWindow() = default;

QWidget *MainWindow::canvasPage() const { return m_canvas; }

QString MainWindow::dataFolder() const { return m_settings->effectiveDataFolder(); }
QString MainWindow::runsFolder() const { return m_settings->effectiveRunsFolder(); }

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Data folder…"), this, &MainWindow::chooseDataFolder);
    file->addAction(tr("&Runs folder…"), this, &MainWindow::chooseRunsFolder);
    file->addAction(tr("Export &model…"), m_runs, &RunsPage::exportModelInteractive);
    file->addSeparator();
    QAction *exportAll = file->addAction(tr("&Export all charts of this run"), m_train, &TrainPage::exportAllInteractive);
    exportAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_design->undoStack()->createUndoAction(edit, tr("&Undo"));
    QAction *redo = m_design->undoStack()->createRedoAction(edit, tr("&Redo"));
    edit->addAction(undo);
    edit->addAction(redo);

    menuBar()->addMenu(m_design->presetsMenu());

    QMenu *train = menuBar()->addMenu(tr("T&raining"));
    QAction *start = train->addAction(tr("&Train"), this, &MainWindow::startTraining);
    start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    QAction *pause = train->addAction(tr("&Pause"), m_train, &TrainPage::pause);
    QAction *resume = train->addAction(tr("R&esume"), m_train, &TrainPage::resume);
    QAction *stop = train->addAction(tr("&Stop"), m_train, &TrainPage::stop);
    // Each action only when it means something: Train when no run goes on, Pause while it
    // runs, Resume while paused, Stop while either; Design's Train ▶ follows too.
    auto follow = [this, start, pause, resume, stop](bool running, bool paused) {
        start->setEnabled(!running);
        pause->setEnabled(running && !paused);
        resume->setEnabled(running && paused);
        stop->setEnabled(running);
        m_design->setRunActive(running);
    };
    connect(m_train, &TrainPage::runStateChanged, this, follow);
    follow(m_train->isRunning(), false);

    QMenu *charts = menuBar()->addMenu(tr("&Charts"));
    // One Ctrl+E for the whole window: the chart under the mouse, else the one in view.
    QAction *exportHere = charts->addAction(tr("E&xport the chart under the mouse…"), this, [this] {
        if (ChartWidget *chart = chartToExport())
            chart->exportInteractive();
        else
            statusBar()->showMessage(tr("No chart on this page to export."), 5000);
    });
    exportHere->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    charts->addSeparator();
    for (ChartWidget *chart : m_train->charts())
        charts->addAction(tr("Export %1 chart…").arg(chart->exportName()), chart, &ChartWidget::exportInteractive);
    charts->addSeparator();
    for (ChartWidget *chart : {static_cast<ChartWidget *>(m_runs->accuracyOverlay()), static_cast<ChartWidget *>(m_runs->lossOverlay())})
        charts->addAction(tr("Export %1 chart…").arg(chart->exportName()), chart, &ChartWidget::exportInteractive);
    charts->addAction(tr("Export sweep chart…"), m_sweeps->chart(), &ChartWidget::exportInteractive);

    // Every export says where the file went.
    for (ChartWidget *chart : findChildren<ChartWidget *>())
        connect(chart, &ChartWidget::exported, this, [this](const QString &path) {
            statusBar()->showMessage(tr("Chart saved: %1").arg(QDir::toNativeSeparators(path)), 15000);
        });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MNIST Lab"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

ChartWidget *MainWindow::chartToExport() const
{
    ChartWidget *chart = ChartWidget::chartAt(QCursor::pos());
    if (chart && chart->window() == this)
        return chart;
    // Else the largest chart in view on the current page.
    ChartWidget *best = nullptr;
    qint64 bestArea = 0;
    for (ChartWidget *c : m_tabs->currentWidget()->findChildren<ChartWidget *>()) {
        const QRect visible = c->visibleRegion().boundingRect();
        const qint64 area = c->isVisible() ? qint64(visible.width()) * visible.height() : 0;
        if (area > bestArea) {
            bestArea = area;
            best = c;
        }
    }
    return best;
}

QSize MainWindow::firstStartSize() const
{
    // Roomy where the screen allows, never larger than it: on a 1366x768 laptop (or a
    // 1024x700 one) a 1280x820 window would open with its Hyperparameters panel and
    // status bar off screen. The layouts' minimum still wins on a smaller screen.
    const QSize roomy(1280, 820);
    const QScreen *screen = this->screen();
    return screen ? roomy.boundedTo(screen->availableGeometry().size()) : roomy;
}

void MainWindow::readSettings()
{
    const QByteArray geometry = m_settings->windowGeometry();
    if (geometry.isEmpty())
        resize(firstStartSize());
    else
        restoreGeometry(geometry);
    restoreState(m_settings->windowState());
    const NetworkSpec spec = m_settings->lastSpec(m_design->spec());
    const TrainConfig config = m_settings->lastConfig(m_design->config());
    m_design->setDesign(spec, config);
    // Draw & test's models and the Train page's run, as the last session left them.
    if (const std::optional<QStringList> models = m_settings->canvasModels())
        m_canvas->setModelSources(*models);
    connect(m_canvas, &CanvasPage::modelsChanged, this, [this] { m_settings->setCanvasModels(m_canvas->modelSources()); });
    const QString lastRun = m_settings->lastTrainRun();
    if (!lastRun.isEmpty())
        m_train->showStoredRun(lastRun, dataFolder());   // a run deleted since: the page starts empty
}

void MainWindow::writeSettings()
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->setLastSpec(m_design->spec());
    m_settings->setLastConfig(m_design->config());
    m_settings->sync();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    writeSettings();
    if (m_train->isRunning())
        m_train->stop();   // the session joins its thread when the page is destroyed
    m_sweeps->stop();
    event->accept();
}

void MainWindow::startTraining()
{
    if (!m_design->canTrain()) {
        QMessageBox::warning(this, tr("Cannot train yet"), m_design->problemText());
        m_tabs->setCurrentWidget(m_design);
        return;
    }
    if (m_train->isRunning()) {   // the actions are disabled then; a shortcut race lands here
        statusBar()->showMessage(tr("A run is already going on: stop it first."), 10000);
        m_tabs->setCurrentWidget(m_train);
        return;
    }
    if (!Dataset::looksComplete(dataFolder())) {
        ensureData();
        if (!Dataset::looksComplete(dataFolder()))
            return;
    }
    RunRequest request;
    request.spec = m_design->spec();
    if (request.spec.name.isEmpty())
        request.spec.name = NetworkSpec::defaultName();
    request.config = m_design->config();
    request.dataFolder = dataFolder();
    request.runsFolder = runsFolder();
    m_settings->setLastSpec(request.spec);
    m_settings->setLastConfig(request.config);
    m_tabs->setCurrentWidget(m_train);
    m_train->startRun(request);
}

void MainWindow::dataFolderChanged()
{
    m_sweeps->setFolders(dataFolder(), runsFolder());
    // The Design page's per-epoch estimate counts the images this folder really holds.
    if (const int count = Dataset::trainCount(dataFolder()); count > 0)
        m_design->setTrainCount(count);
}

void MainWindow::ensureData(bool offerQuick99)
{
    if (Dataset::looksComplete(dataFolder()))
        return;
    DataSetupDialog dialog(dataFolder(), DataLocator::userDataFolder(), this);
    dialog.setOfferQuick99(offerQuick99);
    if (dialog.exec() == QDialog::Accepted && !dialog.folder().isEmpty()) {
        m_settings->setDataFolder(dialog.folder());
        dataFolderChanged();
        statusBar()->showMessage(tr("Data: %1").arg(QDir::toNativeSeparators(dialog.folder())), 10000);
        if (dialog.trainQuick99()) {
            m_design->applyPreset(Preset::find(QStringLiteral("quick-99")));
            startTraining();
        }
    }
}

void MainWindow::chooseDataFolder()
{
    const QString folder = DataSetupDialog::chooseFolder(dataFolder(), this);
    if (folder.isEmpty())
        return;
    if (!Dataset::looksComplete(folder)) {
        QMessageBox::warning(this, tr("Data folder"),
                             tr("%1 does not hold the four MNIST files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                                "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz).")
                                 .arg(QDir::toNativeSeparators(folder)));
        return;
    }
    m_settings->setDataFolder(folder);
    dataFolderChanged();
}

void MainWindow::chooseRunsFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder for runs"), runsFolder());
    if (folder.isEmpty())
        return;
    m_settings->setRunsFolder(folder);
    m_runs->setRunsFolder(runsFolder());
    m_sweeps->setFolders(dataFolder(), runsFolder());
    m_canvas->setRunsFolder(runsFolder());
}

void MainWindow::useRunModel(const QString &runFolder, bool switchTab)
{
    m_canvas->useRunModel(runFolder);
    if (switchTab)
        m_tabs->setCurrentWidget(m_canvas);
}

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

} // namespace lab
