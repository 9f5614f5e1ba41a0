#include "ui/canvas/canvaspage.h"

#include "ui/canvas/digitpreview.h"
#include "ui/canvas/drawingcanvas.h"
#include "ui/canvas/modelpanel.h"
#include "ui/canvas/personalevaldialog.h"
#include "ui/canvas/probabilitybars.h"

#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/experiment/runstore.h"
#include "core/infer/defaultmodel.h"
#include "core/infer/digitpreprocessor.h"
#include "core/model/modelfile.h"
#include "core/infer/personaltestset.h"
#include "core/infer/predictor.h"

#include <QAction>
#include <QCheckBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <functional>

namespace lab {

namespace {

// Live prediction runs at most this often while a stroke is being drawn.
constexpr int predictionIntervalMs = 50;

/** The canvas as the preprocessor wants it (GrayImage::fromArgb32 is the one conversion). */
GrayImage grayFrom(const QImage &image)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    return GrayImage::fromArgb32(argb.constBits(), argb.width(), argb.height(), argb.bytesPerLine());
}

} // namespace

CanvasPage::CanvasPage(QWidget *parent)
    : QWidget(parent)
{
    buildUi();
    m_predictTimer = new QTimer(this);
    // Coalesce: many stroke segments between two timer ticks give one prediction.
    m_predictTimer->setSingleShot(true);
    m_predictTimer->setInterval(predictionIntervalMs);
    connect(m_predictTimer, &QTimer::timeout, this, [this] { predictNow(); });
    connect(m_canvas, &DrawingCanvas::imageChanged, this, [this] {
        if (!m_predictTimer->isActive())
            m_predictTimer->start();
    });
    // A finished stroke is predicted at once, so the last word is always exact.
    connect(m_canvas, &DrawingCanvas::strokeFinished, this, [this] {
        m_predictTimer->stop();
        predictNow();
    });

    if (DefaultModel::isAvailable())
        addDefaultModel();
    updateSetCount();
    updateHint();
    predictNow();
}

CanvasPage::~CanvasPage() = default;

void CanvasPage::setRunsFolder(const QString &folder)
{
    m_runsFolder = folder;
}

void CanvasPage::setPersonalSetFolder(const QString &folder)
{
    m_personalFolder = folder;
    updateSetCount();
}

int CanvasPage::modelCount() const
{
    return int(m_panels.size());
}

QStringList CanvasPage::modelSources() const
{
    QStringList sources;
    for (const ModelPanel *panel : m_panels)
        sources << panel->source();
    return sources;
}

void CanvasPage::setModelSources(const QStringList &sources)
{
    for (ModelPanel *panel : std::as_const(m_panels)) {
        m_panelRow->removeWidget(panel);
        panel->hide();
        panel->deleteLater();
    }
    m_panels.clear();
    for (const QString &source : sources) {
        if (source == DefaultModel::resourcePath()) {
            if (DefaultModel::isAvailable())
                addDefaultModel();
            continue;
        }
        if (!QFileInfo::exists(source))
            continue;   // e.g. a run deleted since the last session: nothing to say
        const QFileInfo file(source);
        const QString runFolder = file.absolutePath();
        if (file.fileName() == QLatin1String(RunStore::modelFileName) && QFileInfo::exists(RunStore::recordPath(runFolder)))
            useRunModel(runFolder);   // shown under its run's name, as when it was added
        else
            addModelFile(source);
    }
    m_statusLabel->clear();
    updateHint();
    updateSaliency();
    Q_EMIT modelsChanged();
}

void CanvasPage::useRunModel(const QString &runFolder)
{
    const QString path = RunStore::modelPath(runFolder);
    QString name = QFileInfo(runFolder).fileName();
    try {
        const RunRecord record = RunRecord::load(RunStore::recordPath(runFolder));
        // The folder is "yyyyMMdd-HHmmss-<model type>": the type once, and when it was trained.
        const QDateTime started = QDateTime::fromString(name.left(15), QStringLiteral("yyyyMMdd-HHmmss"));
        if (!record.modelType.isEmpty())
            name = QStringLiteral("%1 (%2)").arg(record.modelType, started.isValid()
                                                     ? started.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : name);
    } catch (const LabError &) {
        // The record is only used for the name; the model file decides whether it works.
    }
    addModel(name, path, [path] { return ModelFile::load(path); });
}

bool CanvasPage::addModelFile(const QString &path)
{
    return addModel(QFileInfo(path).fileName(), QFileInfo(path).absoluteFilePath(),
                       [path] { return ModelFile::load(path); });
}

bool CanvasPage::addDefaultModel()
{
    return addModel(DefaultModel::displayName(), DefaultModel::resourcePath(), [] { return DefaultModel::load(); });
}

void CanvasPage::buildUi()
{
    m_canvas = new DrawingCanvas(this);
    m_canvas->setObjectName(QStringLiteral("drawingCanvas"));
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("canvasStatus"));

    // Canvas and what the model sees above, the model cards and the personal test set below:
    // the side column stays short enough for a 700 px high screen.
    auto *grid = new QGridLayout;
    grid->addWidget(m_canvas, 0, 0);
    grid->addLayout(buildSidePanel(), 0, 1);
    grid->addWidget(buildModelRow(), 1, 0);
    auto *setColumn = new QVBoxLayout;
    setColumn->addWidget(buildPersonalSetBox());
    setColumn->addStretch(1);
    grid->addLayout(setColumn, 1, 1);
    grid->setColumnStretch(0, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buildTools());
    layout->addWidget(buildErrorBar());
    layout->addLayout(grid, 1);
    layout->addWidget(m_statusLabel);
}

/** Pen, eraser, undo and clear above the canvas, and the model picker. */
QLayout *CanvasPage::buildTools()
{

    auto *penWidth = new QSlider(Qt::Horizontal, this);
    penWidth->setRange(4, 60);
    penWidth->setValue(m_canvas->penWidth());
    penWidth->setMaximumWidth(140);
    penWidth->setToolTip(tr("Pen width"));
    connect(penWidth, &QSlider::valueChanged, m_canvas, &DrawingCanvas::setPenWidth);

    auto *eraser = new QToolButton(this);
    eraser->setText(tr("Eraser"));
    eraser->setCheckable(true);
    eraser->setShortcut(QKeySequence(Qt::Key_E));
    eraser->setToolTip(tr("Erase instead of drawing (E)"));
    connect(eraser, &QToolButton::toggled, m_canvas, &DrawingCanvas::setEraser);
    connect(m_canvas, &DrawingCanvas::eraserToggled, eraser, &QToolButton::setChecked);

    auto *undoAction = new QAction(tr("Undo stroke"), this);
    undoAction->setShortcut(QKeySequence::Undo);
    undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    undoAction->setEnabled(false);
    connect(undoAction, &QAction::triggered, m_canvas, &DrawingCanvas::undo);
    connect(m_canvas, &DrawingCanvas::undoAvailable, undoAction, &QAction::setEnabled);
    addAction(undoAction);
    auto *undo = new QToolButton(this);
    undo->setDefaultAction(undoAction);

    auto *clearAction = new QAction(tr("Clear"), this);
    clearAction->setShortcuts({QKeySequence(Qt::Key_Delete), QKeySequence(Qt::Key_Backspace)});
    clearAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    clearAction->setToolTip(tr("Clear the canvas (Delete, or right-click on it)"));
    connect(clearAction, &QAction::triggered, m_canvas, &DrawingCanvas::clear);
    addAction(clearAction);
    auto *clear = new QToolButton(this);
    clear->setDefaultAction(clearAction);

    // Model pickers: the bundled model, a run from the store, or any model file.
    auto *addModelButton = new QToolButton(this);
    addModelButton->setText(tr("Add model"));
    addModelButton->setPopupMode(QToolButton::InstantPopup);
    addModelButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *modelMenu = new QMenu(addModelButton);
    QAction *defaultAction = modelMenu->addAction(DefaultModel::displayName(), this, [this] { addDefaultModel(); });
    defaultAction->setEnabled(DefaultModel::isAvailable());
    m_runsMenu = modelMenu->addMenu(tr("From a run"));
    connect(m_runsMenu, &QMenu::aboutToShow, this, [this] { fillRunsMenu(); });
    modelMenu->addAction(tr("From a file…"), this, [this] { chooseModelFile(); });
    addModelButton->setMenu(modelMenu);
    addModelButton->setToolTip(tr("Show another model's predictions beside the others"));

    auto *tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Pen"), this));
    tools->addWidget(penWidth);
    tools->addWidget(eraser);
    tools->addWidget(undo);
    tools->addWidget(clear);
    tools->addStretch(1);
    tools->addWidget(addModelButton);
    return tools;
}

/** What the model sees (and why, when asked), beside the canvas. */
QLayout *CanvasPage::buildSidePanel()
{
    m_preview = new DigitPreview(this);
    m_preview->setObjectName(QStringLiteral("digitPreview"));
    m_preview->setFixedSize(168, 168);
    m_previewNote = new QLabel(this);
    m_previewNote->setObjectName(QStringLiteral("previewNote"));
    m_previewNote->setWordWrap(true);
    m_previewNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_previewNote->setFixedWidth(168);
    // A fixed place: "No ink…" or the saliency caption never moves the buttons below.
    m_previewNote->setFixedHeight(4 * m_previewNote->fontMetrics().lineSpacing());
    m_explain = new QCheckBox(tr("Show why"), this);
    m_explain->setObjectName(QStringLiteral("explainToggle"));
    m_explain->setToolTip(tr("Colour the pixels by how much they pushed the first model towards its answer "
                             "(red) or against it (blue): gradient × input, against a blank canvas"));
    connect(m_explain, &QCheckBox::toggled, this, [this] { updateSaliency(); });

    auto *side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("What the model sees"), this));
    side->addWidget(m_preview);
    side->addWidget(m_explain);
    side->addWidget(m_previewNote);
    side->addStretch(1);
    return side;
}

/** The personal test set: save the drawing with its true digit, evaluate the models on all. */
QWidget *CanvasPage::buildPersonalSetBox()
{
    auto *setBox = new QGroupBox(tr("My test set"), this);
    m_trueLabel = new QSpinBox(setBox);
    m_trueLabel->setRange(0, 9);
    m_trueLabel->setToolTip(tr("The digit you meant to draw"));
    m_saveButton = new QPushButton(tr("Save drawing"), setBox);
    m_saveButton->setObjectName(QStringLiteral("saveDrawingButton"));
    m_saveButton->setToolTip(tr("Add the drawing, with the true digit, to your personal test set"));
    connect(m_saveButton, &QPushButton::clicked, this, [this] { saveDrawing(); });
    m_evalButton = new QPushButton(tr("Evaluate models…"), setBox);
    m_evalButton->setObjectName(QStringLiteral("evaluateSetButton"));
    m_evalButton->setToolTip(tr("Accuracy and confusion matrix of each shown model on your saved drawings"));
    connect(m_evalButton, &QPushButton::clicked, this, [this] { evaluatePersonalSet(); });
    m_setCount = new QLabel(setBox);
    m_setCount->setObjectName(QStringLiteral("personalSetCount"));
    auto *labelRow = new QHBoxLayout;
    labelRow->addWidget(new QLabel(tr("True digit"), setBox));
    labelRow->addWidget(m_trueLabel);
    auto *setLayout = new QVBoxLayout(setBox);
    setLayout->addLayout(labelRow);
    setLayout->addWidget(m_saveButton);
    setLayout->addWidget(m_evalButton);
    setLayout->addWidget(m_setCount);
    return setBox;
}

/** One panel per model, side by side, scrolling when there are many. */
QWidget *CanvasPage::buildModelRow()
{
    auto *panelHost = new QWidget;
    m_panelRow = new QHBoxLayout(panelHost);
    m_panelRow->setContentsMargins(0, 0, 0, 0);
    m_noModelHint = new QLabel(tr("No model yet: use “Add model” to pick a run or a model file."), panelHost);
    m_noModelHint->setWordWrap(true);
    m_panelRow->addWidget(m_noModelHint);
    m_panelRow->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(panelHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(230);   // a card's two title lines, accuracy and bars (ProbabilityBars' minimum)
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);   // panels shrink to fit instead
    return scroll;
}

/** Problems (a damaged model file, a failed save) stay visible until dismissed. */
QWidget *CanvasPage::buildErrorBar()
{
    m_errorBar = new QFrame(this);
    m_errorBar->setObjectName(QStringLiteral("canvasErrorBar"));
    m_errorBar->setStyleSheet(QStringLiteral("#canvasErrorBar { background: #fbe3e3; border: 1px solid #d9a0a0; border-radius: 3px; }"));
    m_errorLabel = new QLabel(m_errorBar);
    m_errorLabel->setObjectName(QStringLiteral("canvasError"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QToolButton(m_errorBar);
    dismiss->setText(QStringLiteral("×"));
    dismiss->setAutoRaise(true);
    connect(dismiss, &QToolButton::clicked, m_errorBar, &QWidget::hide);
    auto *errorLayout = new QHBoxLayout(m_errorBar);
    errorLayout->setContentsMargins(6, 2, 2, 2);
    errorLayout->addWidget(m_errorLabel, 1);
    errorLayout->addWidget(dismiss, 0, Qt::AlignTop);
    m_errorBar->hide();
    return m_errorBar;
}

bool CanvasPage::addModel(const QString &name, const QString &source, const std::function<ModelFile()> &load)
{
    std::unique_ptr<Predictor> predictor;
    try {
        predictor = std::make_unique<Predictor>(load(), source);
    } catch (const LabError &e) {
        showError(tr("Could not load the model: %1").arg(e.message()));
        return false;
    } catch (const std::exception &e) {
        // libtorch may throw its own errors on weights it cannot read.
        showError(tr("Could not load the model %1: %2").arg(source, QString::fromLocal8Bit(e.what())));
        return false;
    }

    auto *panel = new ModelPanel(name, source, std::move(predictor));
    connect(panel, &ModelPanel::removeRequested, this, [this](ModelPanel *p) { removePanel(p); });
    // The same file again replaces its panel (e.g. a run that was retrained), keeping its place.
    int index = -1;
    for (int i = 0; i < m_panels.size(); ++i) {
        if (m_panels[i]->source() == source)
            index = i;
    }
    if (index >= 0) {
        ModelPanel *old = m_panels[index];
        // The layout hands back the item that held the old panel: it is ours to delete.
        delete m_panelRow->replaceWidget(old, panel);
        m_panels[index] = panel;
        // Hidden at once, deleted once control is back in the event loop. It stays the page's
        // child until then, so a page destroyed first takes it along (no leak).
        old->hide();
        old->deleteLater();
    } else {
        m_panelRow->insertWidget(int(m_panels.size()), panel, 1);
        m_panels.append(panel);
    }
    panel->showPrediction(m_prepared);
    updateSaliency();
    m_errorBar->hide();
    showStatus(tr("Loaded %1").arg(name));
    updateHint();
    Q_EMIT modelsChanged();
    return true;
}

void CanvasPage::removePanel(ModelPanel *panel)
{
    m_panels.removeAll(panel);
    m_panelRow->removeWidget(panel);
    panel->hide();
    panel->deleteLater();   // it may be inside its own removeRequested() emission; stays our child until then
    updateHint();
    updateSaliency();   // the first model may have changed
    Q_EMIT modelsChanged();
}

void CanvasPage::updateHint()
{
    m_noModelHint->setVisible(m_panels.isEmpty());
    m_evalButton->setEnabled(!m_panels.isEmpty());
}

void CanvasPage::predictNow()
{
    const PreparedDigit digit = DigitPreprocessor::prepare(grayFrom(m_canvas->image()), false);
    if (digit.hasInk) {
        m_prepared = digit.pixels;
        m_preview->setPixels(m_prepared);
        m_previewNote->setText(QString());
    } else {
        m_prepared.clear();
        m_preview->setPixels({});
        m_previewNote->setText(tr("No ink: draw a digit on the white area."));
    }
    m_saveButton->setEnabled(digit.hasInk);
    for (ModelPanel *panel : std::as_const(m_panels))
        panel->showPrediction(m_prepared);
    updateSaliency();
}

void CanvasPage::updateSaliency()
{
    // Gradient × input rather than occlusion: one backward pass per update, so the overlay
    // follows the pen at the canvas's prediction rate; occluding patch by patch would take
    // hundreds of forward passes per stroke for a CNN.
    if (!m_explain->isChecked() || m_prepared.empty() || m_panels.isEmpty()) {
        m_preview->setSaliency({});
        if (!m_prepared.empty())
            m_previewNote->setText(QString());
        return;
    }
    const ModelPanel *panel = m_panels.first();
    try {
        const std::array<float, 10> probabilities = panel->predictor().predict(m_prepared);
        const int digit = int(std::max_element(probabilities.cbegin(), probabilities.cend()) - probabilities.cbegin());
        m_preview->setSaliency(panel->predictor().explain(m_prepared, digit));
        m_previewNote->setText(tr("%1 says %2. Red pushed it towards %2, blue against.").arg(panel->name()).arg(digit));
    } catch (const LabError &e) {
        m_preview->setSaliency({});
        m_previewNote->setText(e.message());
    }
}

void CanvasPage::fillRunsMenu()
{
    m_runsMenu->clear();
    const QString root = DataLocator::runsFolder(m_runsFolder);
    QVector<RunRecord> runs;
    try {
        runs = RunStore(root).list();
    } catch (const LabError &e) {
        m_runsMenu->addAction(e.message())->setEnabled(false);
        return;
    }
    int shown = 0;
    for (const RunRecord &run : std::as_const(runs)) {
        if (!QFileInfo::exists(RunStore::modelPath(run.folder)))
            continue;   // cancelled early or still running: no model to load
        if (++shown > 40)
            break;
        const QString text = tr("%1 — %2% (%3)").arg(run.modelType).arg(run.testAccuracy, 0, 'f', 2).arg(run.id);
        const QString folder = run.folder;
        m_runsMenu->addAction(text, this, [this, folder] { useRunModel(folder); });
    }
    if (shown == 0)
        m_runsMenu->addAction(tr("No runs with a saved model in %1").arg(QDir::toNativeSeparators(root)))->setEnabled(false);
}

void CanvasPage::chooseModelFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a model file"), DataLocator::runsFolder(m_runsFolder),
                                                      tr("MNIST Lab models (*.%1);;All files (*)")
                                                          .arg(QString::fromLatin1(ModelFile::suffix)));
    if (!path.isEmpty())
        addModelFile(path);
}

void CanvasPage::saveDrawing()
{
    if (m_prepared.empty()) {
        showError(tr("Nothing to save: the canvas has no ink."));
        return;
    }
    const PersonalTestSet set(m_personalFolder);
    try {
        set.append(m_prepared, m_trueLabel->value());
    } catch (const LabError &e) {
        showError(tr("Could not save the drawing: %1").arg(e.message()));
        return;
    }
    updateSetCount();
    showStatus(tr("Saved as a %1 to %2").arg(m_trueLabel->value()).arg(QDir::toNativeSeparators(set.folder())));
    m_canvas->clear();   // ready for the next one; Ctrl+Z brings it back
}

void CanvasPage::evaluatePersonalSet()
{
    const PersonalTestSet set(m_personalFolder);
    ImageSet images;
    try {
        images = set.load();
    } catch (const LabError &e) {
        showError(tr("Could not read your test set: %1").arg(e.message()));
        return;
    }
    if (images.count == 0) {
        showError(tr("Your test set is empty: draw digits, set the true digit and press “Save drawing” first."));
        return;
    }
    QVector<PersonalEvalResult> results;
    for (ModelPanel *panel : std::as_const(m_panels)) {
        PersonalEvalResult r;
        r.modelName = panel->name();
        r.images = images.count;
        try {
            r.evaluation = panel->predictor().evaluate(images);
        } catch (const std::exception &e) {
            r.error = QString::fromLocal8Bit(e.what());
        }
        results.append(r);
    }
    auto *dialog = new PersonalEvalDialog(results, set.folder(), this);
    dialog->setObjectName(QStringLiteral("personalEvalDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void CanvasPage::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorBar->show();
}

void CanvasPage::showStatus(const QString &message)
{
    m_statusLabel->setText(message);
}

void CanvasPage::updateSetCount()
{
    const PersonalTestSet set(m_personalFolder);
    try {
        const int n = set.count();
        m_setCount->setText(n == 1 ? tr("1 drawing saved") : tr("%1 drawings saved").arg(n));
        m_setCount->setToolTip(QDir::toNativeSeparators(set.folder()));
    } catch (const LabError &e) {
        m_setCount->setText(tr("Test set unreadable"));
        m_setCount->setToolTip(e.message());
    }
}

} // namespace lab
