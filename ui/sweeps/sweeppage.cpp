#include "ui/sweeps/sweeppage.h"

#include "ui/charts/sweepchart.h"
#include "ui/common/progressformat.h"
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/sweepsummary.h"
#include "core/experiment/sweeptimeestimate.h"
#include "ui/appsettings.h"
#include "ui/run/runsession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace lab {

namespace {

QString builtInPath(const QString &name)
{
    return QStringLiteral(":/sweeps/") + name + QStringLiteral(".json");
}

// "learning rate" -> "Learning rate" for a column header.
QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

// A header of more than one word on two lines, broken at the space that leaves the shorter
// longest line ("Label\nsmoothing", "Test\nerror (%)"): the table shares a 1024 px page
// with the chart, and one-line headers pushed its metric column out of sight.
QString twoLineHeader(const QString &text)
{
    int best = -1, bestLongest = int(text.size());
    for (int i = 0; i < text.size(); ++i) {
        if (text[i] != u' ')
            continue;
        const int longest = int(qMax(i, int(text.size()) - i - 1));
        if (longest < bestLongest) {
            best = i;
            bestLongest = longest;
        }
    }
    if (best < 0)
        return text;
    QString broken = text;
    broken[best] = u'\n';
    return broken;
}

} // namespace

SweepPage::SweepPage(QWidget *parent) : QWidget(parent), m_estimate(std::make_unique<SweepTimeEstimate>())
{
    m_session = new RunSession(this);

    m_source = new QComboBox(this);
    m_source->setObjectName(QStringLiteral("sweepSource"));
    m_source->addItem(tr("Width 10…1000 (built-in)"), builtInPath(QStringLiteral("width")));
    m_source->addItem(tr("Learning rate (built-in)"), builtInPath(QStringLiteral("learning-rate")));
    m_source->addItem(tr("Label smoothing on quick-99.5 (built-in)"), builtInPath(QStringLiteral("label-smoothing")));
    m_source->setMinimumContentsLength(22);
    m_open = new QPushButton(tr("Open sweep file…"), this);
    m_openSummary = new QPushButton(tr("Open summary…"), this);
    m_openSummary->setToolTip(tr("Show a finished sweep's summary: one run here, or collected from a cluster "
                                 "(mnist-lab-cli sweep FILE --collect)"));
    m_epochs = new QSpinBox(this);
    m_epochs->setObjectName(QStringLiteral("sweepEpochs"));
    m_epochs->setRange(1, TrainConfig::maxEpochs);
    m_epochs->setToolTip(tr("Epochs of every run (lower it for a quick look)"));
    m_seeds = new QSpinBox(this);
    m_seeds->setObjectName(QStringLiteral("sweepSeeds"));
    m_seeds->setRange(1, 100);
    m_seeds->setToolTip(tr("Runs per grid point, with seeds base, base+1, …"));
    m_start = new QPushButton(tr("Start ▶"), this);
    m_start->setObjectName(QStringLiteral("sweepStart"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("sweepStop"));

    m_grid = new QLabel(this);
    m_grid->setObjectName(QStringLiteral("sweepGrid"));
    m_grid->setWordWrap(true);
    m_grid->setTextFormat(Qt::RichText);
    m_grid->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("sweepError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background: #fde2e1; color: #8a1f11; border: 1px solid #e0a39c; padding: 6px; }"));
    m_error->hide();

    m_overall = ProgressFormat::newBar(tr("Idle"), this);
    m_current = ProgressFormat::newBar(QString(), this);
    m_eta = new QLabel(this);
    m_eta->setObjectName(QStringLiteral("sweepTime"));
    m_eta->setMinimumWidth(220);

    m_table = new QTableWidget(this);

    m_table->setObjectName(QStringLiteral("sweepRuns"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);

    m_metric = new QComboBox(this);

    m_metric->setObjectName(QStringLiteral("sweepMetric"));
    m_comparison = new QComboBox(this);
    m_comparison->setObjectName(QStringLiteral("sweepComparison"));
    m_comparison->addItem(tr("none"));
    // Words for the reader, the record's key (summaries, Sweep::metricOf) as item data.
    for (const QString &metric : Sweep::metricNames()) {
        m_metric->addItem(SweepChart::metricTitle(metric), metric);
        m_comparison->addItem(SweepChart::metricTitle(metric), metric);
    }
    m_comparison->setToolTip(tr("A second metric, dashed, on the same axes: test error beside train error shows "
                                "where a bigger network starts to overfit"));
    m_logX = new QCheckBox(tr("Log x axis"), this);
    m_logX->setObjectName(QStringLiteral("sweepLogX"));
    m_export = new QPushButton(tr("Export image…"), this);
    m_chart = new SweepChart(this);

    auto *sourceRow = new QHBoxLayout;
    sourceRow->addWidget(new QLabel(tr("Sweep:"), this));
    sourceRow->addWidget(m_source);
    sourceRow->addWidget(m_open);
    sourceRow->addWidget(m_openSummary);
    sourceRow->addSpacing(16);
    sourceRow->addWidget(new QLabel(tr("Epochs per run:"), this));
    sourceRow->addWidget(m_epochs);
    sourceRow->addWidget(new QLabel(tr("Seeds:"), this));
    sourceRow->addWidget(m_seeds);
    sourceRow->addStretch(1);
    sourceRow->addWidget(m_start);
    sourceRow->addWidget(m_stop);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_overall, 2);
    progressRow->addWidget(m_current, 2);
    progressRow->addWidget(m_eta);

    auto *chartPanel = new QWidget(this);
    auto *chartLayout = new QVBoxLayout(chartPanel);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    auto *chartControls = new QHBoxLayout;
    chartControls->addWidget(new QLabel(tr("Metric:"), this));
    chartControls->addWidget(m_metric);
    chartControls->addWidget(new QLabel(tr("beside:"), this));
    chartControls->addWidget(m_comparison);
    chartControls->addWidget(m_logX);
    chartControls->addStretch(1);
    chartControls->addWidget(m_export);
    chartLayout->addLayout(chartControls);
    chartLayout->addWidget(m_chart, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(chartPanel);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 5);
    split->setSizes({380, 950});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(sourceRow);
    layout->addWidget(m_grid);
    layout->addWidget(m_error);
    layout->addLayout(progressRow);
    layout->addWidget(split, 1);

    connect(m_source, &QComboBox::currentIndexChanged, this, &SweepPage::chooseSource);
    connect(m_open, &QPushButton::clicked, this, &SweepPage::openFileInteractive);
    connect(m_openSummary, &QPushButton::clicked, this, &SweepPage::openSummaryInteractive);
    connect(m_epochs, &QSpinBox::valueChanged, this, &SweepPage::showGrid);
    connect(m_seeds, &QSpinBox::valueChanged, this, &SweepPage::showGrid);
    // Remembered per sweep across restarts (load() sets them with signals blocked).
    connect(m_epochs, &QSpinBox::valueChanged, this, [this](int epochs) {
        if (m_loaded)
            AppSettings().setSweepEpochs(m_loadedSweep.name, epochs);
    });
    connect(m_seeds, &QSpinBox::valueChanged, this, [this](int seeds) {
        if (m_loaded)
            AppSettings().setSweepSeeds(m_loadedSweep.name, seeds);
    });
    connect(m_start, &QPushButton::clicked, this, &SweepPage::start);
    connect(m_stop, &QPushButton::clicked, this, &SweepPage::stop);
    connect(m_metric, &QComboBox::currentIndexChanged, this, [this] {
        updateChart();
        fillTable();
    });
    connect(m_comparison, &QComboBox::currentIndexChanged, this, &SweepPage::updateChart);
    connect(m_logX, &QCheckBox::toggled, m_chart, &SweepChart::setXLogScale);
    connect(m_chart, &SweepChart::xLogScaleToggled, m_logX, &QCheckBox::setChecked);
    connect(m_export, &QPushButton::clicked, m_chart, &ChartWidget::exportInteractive);

    connect(m_session, &RunSession::runStarted, this, [this](const RunRecord &record, int index, int total) {
        onRunStarting(index, total, record.modelType);
    });
    // The page shows where the current run is: the newest step of each chunk is enough.
    connect(m_session, &RunSession::batches, this, [this](const QVector<BatchProgress> &steps) {
        if (!steps.isEmpty())
            onBatch(steps.last());
    });
    connect(m_session, &RunSession::runEnded, this, [this](const RunRecord &record, int index) { onRunEnded(index, record); });
    connect(m_session, &RunSession::finished, this, &SweepPage::onFinished);
    connect(m_session, &RunSession::failed, this, &SweepPage::onFailed);
    connect(m_session, &RunSession::stateChanged, this, &SweepPage::updateButtons);

    chooseSource(0);
}

SweepPage::~SweepPage()
{
    // Cancel and join the sweep's thread before any widget it reports to goes away.
    delete m_session;
}

void SweepPage::setFolders(const QString &dataFolder, const QString &runsFolder)
{
    m_dataFolder = dataFolder;
    m_runsFolder = runsFolder;
}

bool SweepPage::loadBuiltIn(const QString &name)
{
    const int index = m_source->findData(builtInPath(name));
    if (index < 0) {
        showError(tr("There is no built-in sweep called \"%1\".").arg(name));
        return false;
    }
    QSignalBlocker block(m_source);
    m_source->setCurrentIndex(index);
    return load(builtInPath(name));
}

bool SweepPage::loadFile(const QString &path)
{
    int index = m_source->findData(path);
    if (index < 0) {
        m_source->addItem(QFileInfo(path).fileName(), path);
        index = m_source->count() - 1;
        m_source->setItemData(index, QDir::toNativeSeparators(path), Qt::ToolTipRole);
    }
    QSignalBlocker block(m_source);
    m_source->setCurrentIndex(index);
    return load(path);
}

void SweepPage::openFileInteractive()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a sweep"), QString(), tr("Sweep files (*.json);;All files (*)"));
    if (!path.isEmpty())
        loadFile(path);
}

void SweepPage::openSummaryInteractive()
{
    const QString start = m_runsFolder.isEmpty() ? QString() : QDir(m_runsFolder).filePath(QStringLiteral("sweeps"));
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a sweep summary"), start,
                                                      tr("Sweep summaries (*.json);;All files (*)"));
    if (!path.isEmpty())
        loadSummary(path);
}

bool SweepPage::loadSummary(const QString &path)
{
    if (isRunning())
        return false;
    SweepSummary summary;
    try {
        summary = SweepSummary::load(path);
    } catch (const LabError &e) {
        showError(e.message());
        return false;
    }
    m_error->hide();
    // Shown as a sweep that ran: the table and chart read m_running, m_points and m_records.
    m_loadedSweep = summary.sweep;
    m_loaded = true;
    m_gridOk = false;   // a summary is looked at, not started again from here
    m_running = summary.sweep;
    m_points = summary.points;
    m_records = summary.records;
    m_total = int(m_points.size());
    m_currentIndex = qMax(0, m_total - 1);
    {
        QSignalBlocker blockMetric(m_metric);
        m_metric->setCurrentIndex(qMax(0, m_metric->findData(summary.sweep.metric)));
    }
    m_grid->setText(tr("<b>Summary</b> %1: %2 of %3 planned runs of sweep %4 (%5 records read from their run folders)")
                        .arg(QDir::toNativeSeparators(path).toHtmlEscaped())
                        .arg(m_points.size())
                        .arg(summary.plannedRuns)
                        .arg(summary.sweep.name.toHtmlEscaped())
                        .arg(summary.recordsFromFolders));
    m_chart->setSweep(m_running);
    m_overall->setRange(0, qMax(1, summary.plannedRuns));
    m_overall->setValue(int(m_points.size()));
    m_overall->setFormat(tr("Summary: %1 of %2 runs").arg(m_points.size()).arg(summary.plannedRuns));
    fillTable();
    updateChart();
    updateButtons();
    m_logX->setChecked(m_chart->xLogScale());
    return true;
}

void SweepPage::chooseSource(int index)
{
    if (index >= 0)
        load(m_source->itemData(index).toString());
}

bool SweepPage::load(const QString &path)
{
    if (isRunning())
        return false;
    try {
        m_loadedSweep = Sweep::fromFile(path);
        m_loaded = true;
    } catch (const LabError &e) {
        m_loaded = false;
        m_gridOk = false;
        m_loadedSweep = Sweep();
        m_points.clear();
        m_records.clear();
        m_grid->setText(tr("<i>No sweep loaded.</i>"));
        m_chart->setSweep(Sweep());
        fillTable();
        showError(e.message());
        updateButtons();
        return false;
    }
    {
        QSignalBlocker blockEpochs(m_epochs);
        QSignalBlocker blockSeeds(m_seeds);
        // What the user chose for this sweep last time (any session), else the file's.
        const AppSettings settings;
        const int epochs = settings.sweepEpochs(m_loadedSweep.name);
        const int seeds = settings.sweepSeeds(m_loadedSweep.name);
        m_epochs->setValue(epochs > 0 ? epochs : m_loadedSweep.baseConfig.epochs);
        m_seeds->setValue(seeds > 0 ? seeds : m_loadedSweep.seeds);
    }
    {
        QSignalBlocker blockMetric(m_metric);
        m_metric->setCurrentIndex(qMax(0, m_metric->findData(m_loadedSweep.metric)));
        // Test error is read against train error (over- and under-fitting); other metrics alone.
        QSignalBlocker blockComparison(m_comparison);
        const QString partner = m_loadedSweep.metric == u"test_error" ? QStringLiteral("train_error")
                              : m_loadedSweep.metric == u"test_accuracy" ? QStringLiteral("train_accuracy") : QString();
        m_comparison->setCurrentIndex(partner.isEmpty() ? 0 : qMax(0, m_comparison->findData(partner)));
    }
    // A new sweep starts with its axis's own log default; the user may flip it afterwards.
    m_keepLog = false;
    showGrid();
    m_keepLog = true;
    m_logX->setChecked(m_chart->xLogScale());
    return m_gridOk;
}

Sweep SweepPage::sweep() const
{
    Sweep s = m_loadedSweep;
    s.baseConfig.epochs = m_epochs->value();
    s.seeds = m_seeds->value();
    return s;
}

void SweepPage::showGrid()
{
    if (!m_loaded || isRunning())
        return;
    const Sweep s = sweep();
    try {
        m_points = s.points();
        m_gridOk = true;
        m_error->hide();
        m_error->clear();
    } catch (const LabError &e) {
        m_points.clear();
        m_gridOk = false;
        showError(e.message());
    }
    m_records = QVector<RunRecord>(m_points.size());
    m_currentIndex = -1;

    QStringList counts;
    QString axesHtml;
    for (const SweepAxis &a : s.axes) {
        counts << QString::number(a.values.size());
        axesHtml += tr("<br>Axis <b>%1</b>%2: %3")
                        .arg(SweepChart::parameterTitle(a.parameter).toHtmlEscaped(), a.logScale ? tr(" (log)") : QString(),
                             a.values.join(QStringLiteral(", ")).toHtmlEscaped());
    }
    counts << (s.seeds == 1 ? tr("1 seed") : tr("%1 seeds").arg(s.seeds));
    const TrainConfig &c = s.baseConfig;
    QString base = tr("%1 · %2 · batch %3 · %4 lr %5")
                       .arg(s.baseSpec.shortName().toHtmlEscaped(), c.epochs == 1 ? tr("1 epoch") : tr("%1 epochs").arg(c.epochs))
                       .arg(c.batchSize)
                       .arg(TrainConfig::optimizerName(c.optimizer)).arg(c.learningRate, 0, 'g', 4);
    if (c.weightDecay > 0)
        base += tr(" · weight decay %1").arg(c.weightDecay, 0, 'g', 4);
    if (c.labelSmoothing > 0)
        base += tr(" · label smoothing %1").arg(c.labelSmoothing, 0, 'g', 3);
    if (c.weightAverageDecay > 0)
        base += tr(" · weights averaged (%1)").arg(c.weightAverageDecay, 0, 'g', 6);
    if (c.maxBatchesPerEpoch > 0)
        base += tr(" · at most %1 batches per epoch").arg(c.maxBatchesPerEpoch);
    const qint64 runs = qint64(s.seeds) * [&] {
        qint64 n = 1;
        for (const SweepAxis &a : s.axes)
            n *= a.values.size();
        return n;
    }();
    m_grid->setText(tr("<b>%1</b>: <b>%2 runs</b> (%3), one after another%4<br>Base: %5 · seeds from %6 · metric %7")
                        .arg(s.name.toHtmlEscaped()).arg(runs).arg(counts.join(QStringLiteral(" × ")), axesHtml, base)
                        .arg(c.seed).arg(SweepChart::metricTitle(s.metric).toLower()));
    const bool log = m_logX->isChecked();
    m_chart->setSweep(s);
    if (m_keepLog)
        m_chart->setXLogScale(log);
    fillTable();
    m_overall->setRange(0, 1);
    m_overall->setValue(0);
    m_overall->setFormat(tr("Idle"));
    m_current->setRange(0, 1);
    m_current->setValue(0);
    m_current->setFormat(QString());
    m_eta->clear();
    updateButtons();
}

bool SweepPage::start()
{
    if (isRunning())
        return false;
    if (!m_loaded || !m_gridOk) {
        if (m_error->isHidden())
            showError(tr("Load a valid sweep first."));
        return false;
    }
    if (!m_dataFolder.isEmpty() && !Dataset::looksComplete(m_dataFolder)) {
        showError(tr("%1 does not hold the MNIST files: choose the data folder with File ▸ Data folder….")
                      .arg(QDir::toNativeSeparators(m_dataFolder)));
        return false;
    }
    m_running = sweep();
    m_points = m_running.points();   // validated by showGrid()
    m_records = QVector<RunRecord>(m_points.size());
    m_total = int(m_points.size());
    m_currentIndex = -1;
    m_error->hide();
    m_error->clear();
    const bool log = m_logX->isChecked();
    m_chart->setSweep(m_running);
    m_chart->setXLogScale(log);
    fillTable();
    m_overall->setRange(0, qMax(1, m_total));
    m_overall->setValue(0);
    m_overall->setFormat(tr("Starting…"));
    m_current->setRange(0, 1);
    m_current->setValue(0);
    m_current->setFormat(QString());
    m_eta->clear();
    *m_estimate = SweepTimeEstimate(m_points);
    m_lastBatch = BatchProgress();
    m_sinceStart.start();
    return m_session->startSweep(m_running, m_dataFolder, m_runsFolder);
}

bool SweepPage::isRunning() const
{
    return m_session->isRunning();
}

void SweepPage::stop()
{
    if (!isRunning())
        return;
    m_session->stop();
    m_overall->setFormat(m_overall->format() + tr(" · stopping…"));
    updateButtons();
}

QVector<RunRecord> SweepPage::endedRecords() const
{
    QVector<RunRecord> ended;
    for (const RunRecord &r : m_records)
        if (r.status != RunStatus::Running)
            ended.append(r);
    return ended;
}

QString SweepPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString SweepPage::gridText() const
{
    return m_grid->text();
}

QString SweepPage::progressText() const
{
    return m_overall->format();
}

QString SweepPage::timeText() const
{
    return m_eta->text();
}

void SweepPage::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void SweepPage::updateButtons()
{
    const bool running = isRunning();
    m_start->setEnabled(!running && m_loaded && m_gridOk);
    m_stop->setEnabled(running && !m_session->stopRequested());
    m_source->setEnabled(!running);
    m_open->setEnabled(!running);
    m_openSummary->setEnabled(!running);
    // An epochs axis sets every run's epochs itself.
    const bool epochsAxis = std::any_of(m_loadedSweep.axes.cbegin(), m_loadedSweep.axes.cend(),
                                        [](const SweepAxis &a) { return a.parameter == u"epochs"; });
    m_epochs->setEnabled(!running && m_loaded && !epochsAxis);
    m_seeds->setEnabled(!running && m_loaded);
    m_logX->setEnabled(m_chart->canUseXLogScale());
}

void SweepPage::updateChart()
{
    const QString metric = m_metric->currentData().toString();
    const QString comparison = m_comparison->currentData().toString();   // "none" has no key
    m_chart->setCells(Sweep::summarize(m_points, m_records, metric), metric,
                      comparison.isEmpty() || comparison == metric ? QVector<SweepCell>()
                                                                   : Sweep::summarize(m_points, m_records, comparison),
                      comparison);
}

void SweepPage::fillTable()
{
    const Sweep &s = isRunning() || m_currentIndex >= 0 ? m_running : m_loadedSweep;
    QStringList headers{tr("#")};
    for (const SweepAxis &a : s.axes)
        headers << twoLineHeader(capitalised(SweepChart::parameterTitle(a.parameter)));
    headers << tr("Seed") << tr("Status") << twoLineHeader(m_metric->currentText());
    m_table->clear();
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(m_points.size()));
    for (int i = 0; i < m_points.size(); ++i) {
        const SweepPoint &p = m_points[i];
        m_table->setItem(i, 0, new QTableWidgetItem(QString::number(i + 1)));
        for (int a = 0; a < p.axisValues.size(); ++a)
            m_table->setItem(i, 1 + a, new QTableWidgetItem(p.axisValues[a]));
        m_table->setItem(i, int(headers.size()) - 3, new QTableWidgetItem(QString::number(p.config.seed)));
        const RunRecord &r = m_records.value(i);
        if (r.status != RunStatus::Running)
            setRow(i, runStatusName(r.status), &r);
        else
            setRow(i, i == m_currentIndex && isRunning() ? tr("running") : (isRunning() || m_currentIndex < 0 ? tr("planned") : tr("not run")), nullptr);
    }
    m_table->resizeColumnsToContents();   // no Stretch mode on the metric column: it kept the column wider than a narrowed page
}

void SweepPage::setRow(int index, const QString &status, const RunRecord *record)
{
    const int columns = m_table->columnCount();
    if (index < 0 || index >= m_table->rowCount() || columns < 3)
        return;
    auto *statusItem = new QTableWidgetItem(status);
    // The run's name and folder, to find it on the Runs page.
    if (record && !record->folder.isEmpty())
        statusItem->setToolTip(record->modelType + u'\n' + QDir::toNativeSeparators(record->folder));
    m_table->setItem(index, columns - 2, statusItem);
    QString value;
    if (record && record->status == RunStatus::Finished)
        value = QLocale().toString(Sweep::metricOf(*record, m_metric->currentData().toString()), 'f', 3);
    m_table->setItem(index, columns - 1, new QTableWidgetItem(value));
}

void SweepPage::onRunStarting(int index, int total, const QString &name)
{
    m_currentIndex = index;
    m_total = total;
    m_overall->setRange(0, qMax(1, total));
    m_overall->setValue(index);
    // Where on the grid, e.g. "width 200 · seed 2": the run's name without the sweep's.
    QString where = name;
    if (where.startsWith(m_running.name + QStringLiteral(" · ")))
        where = where.mid(m_running.name.size() + 3);
    QString format = tr("Run %1 of %2 · %3").arg(index + 1).arg(total).arg(where);
    if (m_session->stopRequested())
        format += tr(" · stopping…");
    m_overall->setFormat(format);
    m_current->setRange(0, 1);
    m_current->setValue(0);
    m_current->setFormat(tr("Loading data…"));
    setRow(index, tr("running"), nullptr);
    m_table->scrollToItem(m_table->item(index, 0));
    Q_EMIT runStarted(index, total);
}

void SweepPage::onBatch(const BatchProgress &p)
{
    ProgressFormat::showSteps(m_current, p.step, p.totalSteps);
    const int epochs = m_points.value(m_currentIndex).config.epochs;
    m_current->setFormat(tr("Epoch %1/%2 · batch %3/%4").arg(p.epoch).arg(epochs).arg(p.batch).arg(p.batchesPerEpoch));
    m_lastBatch = p;
    // The runs still to come weigh what they cost (a wide last run is most of the sweep).
    m_estimate->setProgress(m_currentIndex, p.totalSteps > 0 ? double(p.step) / double(p.totalSteps) : 0.0);
    showTimeLeft();
}

void SweepPage::showTimeLeft()
{
    if (!isRunning())
        return;   // a late chunk after the end must not bring "… left" back
    const double elapsed = m_sinceStart.elapsed() / 1000.0;
    m_eta->setText(tr("%1 elapsed · about %2 left")
                       .arg(ProgressFormat::duration(elapsed), ProgressFormat::duration(m_estimate->secondsLeft(elapsed))));
}

double SweepPage::secondsLeft() const
{
    return isRunning() ? m_estimate->secondsLeft(m_sinceStart.elapsed() / 1000.0) : -1.0;
}

void SweepPage::onRunEnded(int index, const RunRecord &record)
{
    if (index >= 0 && index < m_records.size())
        m_records[index] = record;
    const bool whole = record.status == RunStatus::Finished || m_lastBatch.totalSteps <= 0;
    m_estimate->runEnded(index, whole ? 1.0 : double(m_lastBatch.step) / double(m_lastBatch.totalSteps));
    m_lastBatch = BatchProgress();
    m_overall->setValue(index + 1);
    setRow(index, runStatusName(record.status), &record);
    updateChart();
    Q_EMIT runEnded(record);
}

void SweepPage::onFinished(const QString &summaryPath, bool cancelled)
{
    const QVector<RunRecord> endedRuns = endedRecords();
    const int ended = int(endedRuns.size());
    int finished = 0, stopped = 0;
    for (const RunRecord &r : endedRuns) {
        finished += r.status == RunStatus::Finished ? 1 : 0;
        stopped += r.status == RunStatus::Cancelled ? 1 : 0;
    }
    m_overall->setValue(ended);
    // Say what ended how: a stopped run is not one of the finished ones.
    QString format = cancelled ? tr("Stopped: %1 of %2 runs finished").arg(finished).arg(m_total)
                               : tr("Finished: %1 of %2 runs").arg(finished).arg(m_total);
    if (stopped > 0)
        format += tr(", %1 cancelled").arg(stopped);
    if (ended - finished - stopped > 0)
        format += tr(", %1 failed or diverged").arg(ended - finished - stopped);
    m_overall->setFormat(format);
    m_current->setValue(m_current->maximum());
    m_current->setFormat(QString());
    m_eta->setText(tr("%1 in total · summary %2")
                       .arg(ProgressFormat::duration(m_sinceStart.elapsed() / 1000.0), QDir::toNativeSeparators(summaryPath)));
    m_eta->setToolTip(QDir::toNativeSeparators(summaryPath));
    m_currentIndex = qMax(m_currentIndex, 0);
    fillTable();
    updateChart();
    updateButtons();
    Q_EMIT sweepEnded(cancelled);
}

void SweepPage::onFailed(const QString &message)
{
    m_overall->setFormat(tr("Failed"));
    m_current->setFormat(QString());
    // Nothing is left to run: no time left either.
    m_eta->setText(tr("Failed after %1").arg(ProgressFormat::duration(m_sinceStart.elapsed() / 1000.0)));
    showError(message);
    m_currentIndex = qMax(m_currentIndex, 0);
    fillTable();
    updateChart();
    updateButtons();
    Q_EMIT sweepFailed(message);
}

} // namespace lab
