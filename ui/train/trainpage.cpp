#include "ui/train/trainpage.h"

#include "core/common/numbertext.h"

#include "ui/appsettings.h"
#include "ui/common/banner.h"
#include "ui/charts/accuracychart.h"
#include "ui/charts/confusionheatmap.h"
#include "ui/charts/diagnosticspanel.h"
#include "ui/charts/firstlayerweightsview.h"
#include "ui/charts/losschart.h"
#include "ui/charts/testerrorchart.h"
#include "ui/common/progressformat.h"
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/runstore.h"
#include "ui/train/confusiongallerydialog.h"
#include "ui/run/runsession.h"
#include "ui/runs/runspage.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace lab {

TrainPage::TrainPage(QWidget *parent) : QWidget(parent)
{
    m_session = new RunSession(this);

    m_train = new QPushButton(tr("Train ▶"), this);
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopButton"));
    m_lr = new QLineEdit(this);
    m_lr->setObjectName(QStringLiteral("liveLearningRate"));
    m_lr->setMaximumWidth(110);
    m_lr->setPlaceholderText(tr("new lr"));
    m_lr->setToolTip(tr("Learning rate from the next batch on (while paused)"));
    m_applyLr = new QPushButton(tr("Set lr"), this);
    m_exportAll = new QPushButton(tr("Export all charts"), this);
    m_exportAll->setToolTip(tr("Write every chart (loss, accuracy, test error, confusion, diagnostics, weights) as PNG "
                               "into the run's folder"));

    m_progress = ProgressFormat::newBar(tr("Idle"), this);
    m_speed = new QLabel(this);
    m_speed->setMinimumWidth(260);
    m_banner = new Banner(this);
    m_banner->setObjectName(QStringLiteral("trainBanner"));

    m_loss = new LossChart(this);
    m_loss->setLogScale(AppSettings().lossLogScale());
    m_accuracy = new AccuracyChart(this);
    m_heatmap = new ConfusionHeatmap(this);
    m_testError = new TestErrorChart(this);
    m_testError->setReferencesVisible(AppSettings().showPublishedResults());
    connect(m_testError, &TestErrorChart::referencesVisibleChanged, this,
            [](bool on) { AppSettings().setShowPublishedResults(on); });
    m_diagnostics = new DiagnosticsPanel(this);
    m_weights = new FirstLayerWeightsView(this);
    m_logScale = new QCheckBox(tr("Log scale"), this);
    m_logScale->setChecked(m_loss->logScale());
    m_normalized = new QCheckBox(tr("Row-normalised (%)"), this);
    m_epochSlider = new QSlider(Qt::Horizontal, this);
    m_epochSlider->setObjectName(QStringLiteral("epochSlider"));
    m_epochSlider->setRange(0, 0);
    m_epochSlider->setEnabled(false);
    m_epochLabel = new QLabel(tr("Epoch –"), this);

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_train);
    controls->addWidget(m_pause);
    controls->addWidget(m_stop);
    controls->addSpacing(16);
    controls->addWidget(new QLabel(tr("Learning rate:"), this));
    controls->addWidget(m_lr);
    controls->addWidget(m_applyLr);
    controls->addStretch(1);
    controls->addWidget(m_logScale);
    controls->addWidget(m_exportAll);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_speed);

    auto *confusionPanel = new QWidget(this);
    auto *confusionLayout = new QVBoxLayout(confusionPanel);
    confusionLayout->setContentsMargins(0, 0, 0, 0);
    auto *sliderRow = new QHBoxLayout;
    sliderRow->addWidget(m_epochLabel);
    sliderRow->addWidget(m_epochSlider, 1);
    sliderRow->addWidget(m_normalized);
    confusionLayout->addWidget(m_heatmap, 1);
    confusionLayout->addLayout(sliderRow);

    // Curves stay on the first tab (the test error beside the accuracy, where a run is read
    // against published results); diagnostics and weights get tabs of their own.
    auto *accuracyRow = new QSplitter(Qt::Horizontal, this);
    accuracyRow->addWidget(m_accuracy);
    accuracyRow->addWidget(m_testError);
    auto *curves = new QSplitter(Qt::Vertical, this);
    curves->addWidget(m_loss);
    curves->addWidget(accuracyRow);
    m_tabs = new QTabWidget(this);
    m_tabs->addTab(curves, tr("Curves"));
    m_tabs->addTab(m_diagnostics, tr("Diagnostics"));
    m_tabs->addTab(m_weights, tr("First-layer weights"));
    auto *charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_tabs);
    charts->addWidget(confusionPanel);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(progressRow);
    layout->addWidget(m_banner);
    layout->addWidget(charts, 1);

    connect(m_train, &QPushButton::clicked, this, &TrainPage::trainRequested);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_session->isPaused())
            resume();
        else
            pause();
    });
    connect(m_stop, &QPushButton::clicked, this, &TrainPage::stop);
    connect(m_applyLr, &QPushButton::clicked, this, &TrainPage::applyLearningRate);
    connect(m_lr, &QLineEdit::returnPressed, this, &TrainPage::applyLearningRate);
    connect(m_exportAll, &QPushButton::clicked, this, &TrainPage::exportAllInteractive);
    connect(m_logScale, &QCheckBox::toggled, m_loss, &LossChart::setLogScale);
    connect(m_loss, &LossChart::logScaleToggled, this, [this](bool on) {
        m_logScale->setChecked(on);
        AppSettings().setLossLogScale(on);
    });
    connect(m_normalized, &QCheckBox::toggled, m_heatmap, &ConfusionHeatmap::setRowNormalized);
    connect(m_heatmap, &ConfusionHeatmap::rowNormalizedToggled, m_normalized, &QCheckBox::setChecked);
    connect(m_epochSlider, &QSlider::valueChanged, this, &TrainPage::showEpoch);
    connect(m_heatmap, &ConfusionHeatmap::cellClicked, this, &TrainPage::openGallery);

    connect(m_session, &RunSession::runStarted, this, &TrainPage::onStarted);
    connect(m_session, &RunSession::batches, this, &TrainPage::onBatches);
    connect(m_session, &RunSession::epochFinished, this, &TrainPage::onEpoch);
    connect(m_session, &RunSession::runEnded, this, &TrainPage::onEnded);
    connect(m_session, &RunSession::failed, this, &TrainPage::onFailed);
    connect(m_session, &RunSession::stateChanged, this, &TrainPage::updateButtons);
    updateButtons();
}

TrainPage::~TrainPage() = default;   // m_session (a child) cancels and joins its thread

bool TrainPage::isRunning() const { return m_session->isRunning() && !m_session->stopRequested(); }

QList<ChartWidget *> TrainPage::charts() const
{
    QList<ChartWidget *> list{m_loss, m_accuracy, m_heatmap, m_testError};
    list << m_diagnostics->charts() << m_weights;
    return list;
}

void TrainPage::setCanTrain(bool can, const QString &why)
{
    m_canTrain = can;
    m_train->setToolTip(can ? tr("Train the design from the Design page") : why);
    updateButtons();
}

bool TrainPage::startRun(const RunRequest &request)
{
    if (isRunning()) {
        m_banner->showMessage(tr("A run is already going on: stop it first."), Banner::Kind::Warning);
        return false;
    }
    m_request = request;
    m_record = RunRecord();
    m_record.modelType = request.spec.name;
    m_record.config = request.config;
    m_epochs.clear();
    m_lastBatch = BatchProgress();
    m_loss->reset(request.config.epochs);
    m_accuracy->reset(request.config.epochs);
    m_testError->reset(request.config.epochs);
    m_diagnostics->reset(request.spec, request.config.epochs);
    m_weights->clear(tr("Training… the first-layer weights appear when the run has saved its model."));
    m_heatmap->setMatrix(ConfusionMatrix());
    m_epochSlider->setRange(0, 0);
    m_epochSlider->setEnabled(false);
    m_epochLabel->setText(tr("Epoch –"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Loading data…"));
    m_speed->clear();
    m_banner->clearMessage();
    m_lr->setText(QString::number(request.config.learningRate, 'g', 4));
    m_sinceStart.start();
    return m_session->start(request);
}

bool TrainPage::showStoredRun(const QString &folder, const QString &dataFolder)
{
    if (isRunning() || folder.isEmpty() || !QFileInfo::exists(RunStore::recordPath(folder)))
        return false;
    RunRecord record;
    try {
        record = RunStore(QFileInfo(folder).absolutePath()).load(folder);
    } catch (const LabError &) {
        return false;   // unreadable: the page stays empty rather than half filled
    }
    m_request = RunRequest();
    m_request.spec = record.spec;
    m_request.config = record.config;
    m_request.dataFolder = dataFolder;
    m_request.runsFolder = QFileInfo(folder).absolutePath();
    m_record = record;
    m_epochs = record.epochs;
    m_lastBatch = BatchProgress();
    m_loss->showRecord(record);
    m_accuracy->showRecord(record);
    m_testError->showRecord(record);
    m_diagnostics->showRecord(record);
    const QString model = RunStore::modelPath(record.folder);
    if (QFileInfo::exists(model))
        m_weights->loadModel(model, record.id);
    else
        m_weights->clear(tr("The run saved no model, so there are no weights to show."));
    const int epochs = int(m_epochs.size());
    m_epochSlider->setRange(epochs > 0 ? 1 : 0, epochs);
    m_epochSlider->setEnabled(epochs > 0);
    m_epochSlider->setValue(epochs);
    if (epochs > 0)
        showEpoch(epochs);
    else
        m_heatmap->setMatrix(ConfusionMatrix());
    m_progress->setRange(0, qMax(1, record.config.epochs));
    m_progress->setValue(qMin(epochs, qMax(1, record.config.epochs)));
    m_progress->setFormat(tr("%1 · %2 of %3 epochs").arg(runStatusName(record.status)).arg(epochs).arg(record.config.epochs));
    m_speed->clear();
    m_lr->setText(QString::number(record.config.learningRate, 'g', 4));
    m_banner->showMessage(tr("Showing %1 (%2, test accuracy %3%), stored in %4")
                              .arg(record.id, runStatusName(record.status), QLocale().toString(record.testAccuracy, 'f', 2),
                                   QDir::toNativeSeparators(record.folder)),
                          Banner::Kind::Info);
    updateButtons();
    return true;
}

bool TrainPage::resumeRun(const QString &folder, const QString &dataFolder)
{
    if (isRunning()) {
        m_banner->showMessage(tr("A run is already going on: stop it first."), Banner::Kind::Warning);
        return false;
    }
    if (!showStoredRun(folder, dataFolder)) {
        m_banner->showMessage(tr("Cannot resume %1: its record is missing or unreadable.").arg(QDir::toNativeSeparators(folder)),
                              Banner::Kind::Error);
        return false;
    }
    // The stored epochs stay on the charts; the resumed ones are added live after them.
    m_banner->clearMessage();
    m_progress->setFormat(tr("Resuming after epoch %1…").arg(m_record.completedEpochs()));
    m_sinceStart.start();
    return m_session->resumeRun(folder, dataFolder);
}

void TrainPage::pause() { m_session->pause(); }
void TrainPage::resume() { m_session->resume(); }

void TrainPage::stop()
{
    if (isRunning()) {
        m_session->stop();
        m_progress->setFormat(m_progress->format() + tr(" · stopping…"));
    }
}

void TrainPage::applyLearningRate()
{
    if (!m_session->isRunning())
        return;
    const std::optional<double> typed = parseTypedNumber(m_lr->text());
    const QString problem = typed ? TrainConfig::learningRateProblem(*typed)
                                  : TrainConfig::learningRateProblem(-1);
    if (!problem.isEmpty()) {
        QMessageBox::warning(this, tr("Learning rate"),
                             tr("\"%1\" is not a learning rate: %2 (e.g. 1e-4).").arg(m_lr->text(), problem));
        return;
    }
    const double lr = *typed;
    m_session->setLearningRate(lr);
    // Shown now at the next step; replaced by the recorded changes when the run ends.
    m_loss->addLrChange(m_lastBatch.step + 1, lr);
    m_banner->showMessage(tr("Learning rate %1 from the next batch on.").arg(lr, 0, 'g', 4), Banner::Kind::Info);
}

void TrainPage::updateButtons()
{
    const bool running = isRunning();   // a stopping run counts as ended here
    const bool paused = m_session->isPaused();
    m_train->setEnabled(!running && m_canTrain);
    m_pause->setEnabled(running);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_stop->setEnabled(running);
    m_lr->setEnabled(running && paused);
    m_applyLr->setEnabled(running && paused);
    // A disabled box says when it works.
    const QString lrHint = !running ? tr("Changes the learning rate of a running run: start a run, pause it, then type here")
                           : paused ? tr("Learning rate from the next batch on (Enter or Set lr)")
                                    : tr("Pause the run to change its learning rate");
    m_lr->setToolTip(lrHint);
    m_applyLr->setToolTip(lrHint);
    m_lr->setPlaceholderText(running && !paused ? tr("pause first") : tr("new lr"));
    if (running != m_lastRunning || paused != m_lastPaused) {
        m_lastRunning = running;
        m_lastPaused = paused;
        Q_EMIT runStateChanged(running, paused);
    }
    m_exportAll->setEnabled(!m_record.folder.isEmpty());
    if (running && paused)
        m_progress->setFormat(m_progress->format().section(QStringLiteral(" · paused"), 0, 0) + tr(" · paused"));
}

void TrainPage::onStarted(const RunRecord &record)
{
    m_record = record;
    m_progress->setFormat(tr("Starting…"));
    updateButtons();
    Q_EMIT runStarted(record);
}

void TrainPage::onBatches(const QVector<BatchProgress> &steps)
{
    if (steps.isEmpty())
        return;
    m_loss->addBatches(steps);
    const BatchProgress &p = steps.last();
    m_lastBatch = p;
    // The bar counts steps; the text says where in the run we are.
    ProgressFormat::showSteps(m_progress, p.step, p.totalSteps);
    QString format = tr("Epoch %1/%2 · batch %3/%4 · loss %5")
                         .arg(p.epoch).arg(m_request.config.epochs).arg(p.batch).arg(p.batchesPerEpoch)
                         .arg(p.loss, 0, 'f', 4);
    if (m_session->isPaused())
        format += tr(" · paused");
    m_progress->setFormat(format);
    // Remaining optimiser steps at the current speed, plus one evaluation per remaining epoch.
    double evalPerEpoch = 0;
    for (const EpochMetrics &m : m_epochs)
        evalPerEpoch += m.evalSeconds;
    if (!m_epochs.isEmpty())
        evalPerEpoch /= m_epochs.size();
    const double remainingSamples = double(p.totalSteps - p.step) * m_request.config.batchSize;
    const int remainingEpochs = m_request.config.epochs - p.epoch + 1;
    const double eta = p.samplesPerSecond > 0 ? remainingSamples / p.samplesPerSecond + remainingEpochs * evalPerEpoch : -1;
    m_speed->setText(tr("%1 samples/s · %2 left").arg(QLocale().toString(qint64(p.samplesPerSecond)), ProgressFormat::duration(eta)));
}

void TrainPage::onEpoch(const EpochMetrics &metrics)
{
    m_epochs.append(metrics);
    m_loss->addEpoch(metrics);
    m_accuracy->addEpoch(metrics);
    m_testError->addEpoch(metrics);
    m_diagnostics->addEpoch(metrics);
    // Follow the newest epoch unless the user is looking back.
    const bool follow = !m_epochSlider->isEnabled() || m_epochSlider->value() == m_epochSlider->maximum();
    m_epochSlider->setRange(1, int(m_epochs.size()));
    m_epochSlider->setEnabled(true);
    if (follow)
        m_epochSlider->setValue(int(m_epochs.size()));
    showEpoch(m_epochSlider->value());
}

void TrainPage::showEpoch(int epoch)
{
    if (epoch < 1 || epoch > m_epochs.size())
        return;
    const EpochMetrics &m = m_epochs.at(epoch - 1);
    m_epochLabel->setText(tr("Epoch %1").arg(epoch));
    m_heatmap->setMatrix(m.confusion, ConfusionHeatmap::epochCaption(epoch, m.testAccuracy));
}

void TrainPage::openGallery(int trueLabel, int predicted)
{
    const int epoch = m_epochSlider->value();
    if (epoch < 1 || epoch > m_epochs.size())
        return;
    std::shared_ptr<const Dataset> data;
    try {
        // Cached: the run loaded this folder already.
        data = Dataset::load(m_request.dataFolder);
    } catch (const LabError &e) {
        QMessageBox::warning(this, tr("Gallery"), e.message());
        return;
    }
    const QString modelPath = m_record.folder.isEmpty() ? QString() : RunStore::modelPath(m_record.folder);
    auto *dialog = new ConfusionGalleryDialog(data, m_epochs.at(epoch - 1).testProbabilities, trueLabel, predicted,
                                              epoch, modelPath, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void TrainPage::onEnded(const RunRecord &record)
{
    m_record = record;
    // Nothing is left to run: the speed stays, the time left goes.
    m_speed->setText(m_lastBatch.samplesPerSecond > 0
                         ? tr("%1 samples/s").arg(QLocale().toString(qint64(m_lastBatch.samplesPerSecond)))
                         : QString());
    m_loss->setLrChanges(record.lrChanges);
    const QString model = record.folder.isEmpty() ? QString() : RunStore::modelPath(record.folder);
    if (!model.isEmpty() && QFileInfo::exists(model))
        m_weights->loadModel(model, record.id);
    else
        m_weights->clear(tr("The run saved no model, so there are no weights to show."));
    const QLocale locale;
    switch (record.status) {
    case RunStatus::Finished:
        m_progress->setValue(m_progress->maximum());
        m_banner->showMessage(tr("Finished: %1 epochs, test accuracy %2% (best %3% at epoch %4), train accuracy %5%, "
                     "%6 of training. Saved in %7")
                      .arg(record.completedEpochs())
                      .arg(locale.toString(record.testAccuracy, 'f', 2), locale.toString(record.bestTestAccuracy, 'f', 2))
                      .arg(record.bestEpoch)
                      .arg(locale.toString(record.trainAccuracy, 'f', 2), ProgressFormat::duration(record.trainSeconds),
                           QDir::toNativeSeparators(record.folder)),
                  Banner::Kind::Ok);
        break;
    case RunStatus::Cancelled: {
        // How to go on, said only when there is a checkpoint to go on from (none when stopped
        // within epoch 1); before the folder, so a long path does not push it out of the banner.
        const QString resume = RunsPage::canResume(record) && QFileInfo::exists(RunStore::checkpointPath(record.folder))
                                   ? tr(" Resume on the Runs page continues it from epoch %1.").arg(record.completedEpochs() + 1)
                                   : QString();
        m_banner->showMessage(tr("Stopped after %1 of %2 epochs (epoch %3, batch %4).%5 The record and the model so far are saved in %6")
                                  .arg(record.completedEpochs()).arg(record.config.epochs)
                                  .arg(m_lastBatch.epoch).arg(m_lastBatch.batch)
                                  .arg(resume, QDir::toNativeSeparators(record.folder)),
                              Banner::Kind::Warning);
        break;
    }
    case RunStatus::Diverged:
        m_banner->showMessage(tr("Diverged at epoch %1, batch %2: the loss became NaN or infinite. %3 "
                     "Try a smaller learning rate.")
                      .arg(m_lastBatch.epoch).arg(m_lastBatch.batch).arg(record.statusDetail),
                  Banner::Kind::Error);
        break;
    case RunStatus::Failed:
    case RunStatus::Interrupted:
    case RunStatus::Running:
        m_banner->showMessage(tr("Failed: %1").arg(record.statusDetail.isEmpty() ? runStatusName(record.status) : record.statusDetail),
                  Banner::Kind::Error);
        break;
    }
    m_progress->setFormat(tr("%1 · %2").arg(runStatusName(record.status), m_progress->format()));
    updateButtons();
    Q_EMIT runEnded(record);
}

void TrainPage::onFailed(const QString &message)
{
    m_progress->setFormat(tr("Failed"));
    m_banner->showMessage(tr("The run could not start or failed: %1").arg(message), Banner::Kind::Error);
    updateButtons();
    Q_EMIT runFailed(message);
}

QString TrainPage::statusText() const { return m_banner->message(); }

QStringList TrainPage::exportAllCharts(const QString &folder, const QSize &size, QString *error)
{
    return ChartWidget::exportAll(charts(), folder, size, QStringLiteral("png"), error);
}

void TrainPage::exportAllInteractive()
{
    if (m_record.folder.isEmpty()) {
        QMessageBox::information(this, tr("Export charts"), tr("No run yet: train first."));
        return;
    }
    QString error;
    const QStringList files = exportAllCharts(m_record.folder, AppSettings().exportSize(), &error);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export charts"), error);
    else
        m_banner->showMessage(tr("Wrote %1 charts into %2").arg(files.size()).arg(QDir::toNativeSeparators(m_record.folder)),
                  Banner::Kind::Info);
}

} // namespace lab
