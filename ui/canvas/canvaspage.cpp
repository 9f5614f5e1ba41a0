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
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
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

#include <functional>

namespace lab {

namespace {

// Live prediction runs at most this often while a stroke is being drawn.
constexpr int predictionIntervalMs = 50;

/** The canvas as the preprocessor wants it: luminance in [0,1] (dark ink on white). */
GrayImage grayFrom(const QImage &image)
{
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    GrayImage out;
    out.width = gray.width();
    out.height = gray.height();
    out.values.resize(size_t(out.width) * size_t(out.height));
    for (int y = 0; y < out.height; ++y) {
        const uchar *line = gray.constScanLine(y);
        for (int x = 0; x < out.width; ++x)
            out.values[size_t(y) * out.width + x] = line[x] / 255.0f;
    }
    return out;
}

} // namespace

struct CanvasPage::Private
{
    CanvasPage *q = nullptr;
    QString runsFolder;
    QString personalFolder;

    DrawingCanvas *canvas = nullptr;
    DigitPreview *preview = nullptr;
    QLabel *previewNote = nullptr;
    QHBoxLayout *panelRow = nullptr;
    QLabel *noModelHint = nullptr;
    QVector<ModelPanel *> panels;
    QWidget *errorBar = nullptr;
    QLabel *errorLabel = nullptr;
    QLabel *statusLabel = nullptr;
    QSpinBox *trueLabel = nullptr;
    QPushButton *saveButton = nullptr;
    QPushButton *evalButton = nullptr;
    QLabel *setCount = nullptr;
    QMenu *runsMenu = nullptr;
    QTimer predictTimer;

    std::vector<float> prepared;   ///< what the models see now; empty = no ink

    void buildUi();
    bool addModel(const QString &name, const QString &source, const std::function<ModelFile()> &load);
    void removePanel(ModelPanel *panel);
    void predictNow();
    void fillRunsMenu();
    void chooseModelFile();
    void saveDrawing();
    void evaluatePersonalSet();
    void showError(const QString &message);
    void showStatus(const QString &message);
    void updateSetCount();
    void updateHint();
};

CanvasPage::CanvasPage(QWidget *parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->buildUi();
    // Coalesce: many stroke segments between two timer ticks give one prediction.
    d->predictTimer.setSingleShot(true);
    d->predictTimer.setInterval(predictionIntervalMs);
    connect(&d->predictTimer, &QTimer::timeout, this, [this] { d->predictNow(); });
    connect(d->canvas, &DrawingCanvas::imageChanged, this, [this] {
        if (!d->predictTimer.isActive())
            d->predictTimer.start();
    });
    // A finished stroke is predicted at once, so the last word is always exact.
    connect(d->canvas, &DrawingCanvas::strokeFinished, this, [this] {
        d->predictTimer.stop();
        d->predictNow();
    });

    if (DefaultModel::isAvailable())
        addDefaultModel();
    d->updateSetCount();
    d->updateHint();
    d->predictNow();
}

CanvasPage::~CanvasPage() = default;

void CanvasPage::setRunsFolder(const QString &folder)
{
    d->runsFolder = folder;
}

void CanvasPage::setPersonalSetFolder(const QString &folder)
{
    d->personalFolder = folder;
    d->updateSetCount();
}

int CanvasPage::modelCount() const
{
    return int(d->panels.size());
}

void CanvasPage::useRunModel(const QString &runFolder)
{
    const QString path = RunStore::modelPath(runFolder);
    QString name = QFileInfo(runFolder).fileName();
    try {
        const RunRecord record = RunRecord::load(RunStore::recordPath(runFolder));
        if (!record.modelType.isEmpty())
            name = QStringLiteral("%1 (%2)").arg(record.modelType, QFileInfo(runFolder).fileName());
    } catch (const LabError &) {
        // The record is only used for the name; the model file decides whether it works.
    }
    d->addModel(name, path, [path] { return ModelFile::load(path); });
}

bool CanvasPage::addModelFile(const QString &path)
{
    return d->addModel(QFileInfo(path).fileName(), QFileInfo(path).absoluteFilePath(),
                       [path] { return ModelFile::load(path); });
}

bool CanvasPage::addDefaultModel()
{
    return d->addModel(DefaultModel::displayName(), DefaultModel::resourcePath(), [] { return DefaultModel::load(); });
}

void CanvasPage::Private::buildUi()
{
    // Tools above the canvas.
    canvas = new DrawingCanvas(q);
    canvas->setObjectName(QStringLiteral("drawingCanvas"));

    auto *penWidth = new QSlider(Qt::Horizontal, q);
    penWidth->setRange(4, 60);
    penWidth->setValue(canvas->penWidth());
    penWidth->setMaximumWidth(140);
    penWidth->setToolTip(tr("Pen width"));
    QObject::connect(penWidth, &QSlider::valueChanged, canvas, &DrawingCanvas::setPenWidth);

    auto *eraser = new QToolButton(q);
    eraser->setText(tr("Eraser"));
    eraser->setCheckable(true);
    eraser->setShortcut(QKeySequence(Qt::Key_E));
    eraser->setToolTip(tr("Erase instead of drawing (E)"));
    QObject::connect(eraser, &QToolButton::toggled, canvas, &DrawingCanvas::setEraser);
    QObject::connect(canvas, &DrawingCanvas::eraserToggled, eraser, &QToolButton::setChecked);

    auto *undoAction = new QAction(tr("Undo stroke"), q);
    undoAction->setShortcut(QKeySequence::Undo);
    undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    undoAction->setEnabled(false);
    QObject::connect(undoAction, &QAction::triggered, canvas, &DrawingCanvas::undo);
    QObject::connect(canvas, &DrawingCanvas::undoAvailable, undoAction, &QAction::setEnabled);
    q->addAction(undoAction);
    auto *undo = new QToolButton(q);
    undo->setDefaultAction(undoAction);

    auto *clearAction = new QAction(tr("Clear"), q);
    clearAction->setShortcuts({QKeySequence(Qt::Key_Delete), QKeySequence(Qt::Key_Backspace)});
    clearAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    clearAction->setToolTip(tr("Clear the canvas (Delete, or right-click on it)"));
    QObject::connect(clearAction, &QAction::triggered, canvas, &DrawingCanvas::clear);
    q->addAction(clearAction);
    auto *clear = new QToolButton(q);
    clear->setDefaultAction(clearAction);

    // Model pickers: the bundled model, a run from the store, or any model file.
    auto *addModelButton = new QToolButton(q);
    addModelButton->setText(tr("Add model"));
    addModelButton->setPopupMode(QToolButton::InstantPopup);
    addModelButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *modelMenu = new QMenu(addModelButton);
    QAction *defaultAction = modelMenu->addAction(DefaultModel::displayName(), q, [this] { q->addDefaultModel(); });
    defaultAction->setEnabled(DefaultModel::isAvailable());
    runsMenu = modelMenu->addMenu(tr("From a run"));
    QObject::connect(runsMenu, &QMenu::aboutToShow, q, [this] { fillRunsMenu(); });
    modelMenu->addAction(tr("From a file…"), q, [this] { chooseModelFile(); });
    addModelButton->setMenu(modelMenu);
    addModelButton->setToolTip(tr("Show another model's predictions beside the others"));

    auto *tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Pen"), q));
    tools->addWidget(penWidth);
    tools->addWidget(eraser);
    tools->addWidget(undo);
    tools->addWidget(clear);
    tools->addStretch(1);
    tools->addWidget(addModelButton);

    // What the model sees, and the personal test set, beside the canvas.
    preview = new DigitPreview(q);
    preview->setObjectName(QStringLiteral("digitPreview"));
    preview->setFixedSize(168, 168);
    previewNote = new QLabel(q);
    previewNote->setWordWrap(true);
    previewNote->setMaximumWidth(168);

    auto *setBox = new QGroupBox(tr("My test set"), q);
    trueLabel = new QSpinBox(setBox);
    trueLabel->setRange(0, 9);
    trueLabel->setToolTip(tr("The digit you meant to draw"));
    saveButton = new QPushButton(tr("Save drawing"), setBox);
    saveButton->setObjectName(QStringLiteral("saveDrawingButton"));
    saveButton->setToolTip(tr("Add the drawing, with the true digit, to your personal test set"));
    QObject::connect(saveButton, &QPushButton::clicked, q, [this] { saveDrawing(); });
    evalButton = new QPushButton(tr("Evaluate models…"), setBox);
    evalButton->setObjectName(QStringLiteral("evaluateSetButton"));
    evalButton->setToolTip(tr("Accuracy and confusion matrix of each shown model on your saved drawings"));
    QObject::connect(evalButton, &QPushButton::clicked, q, [this] { evaluatePersonalSet(); });
    setCount = new QLabel(setBox);
    setCount->setObjectName(QStringLiteral("personalSetCount"));
    auto *labelRow = new QHBoxLayout;
    labelRow->addWidget(new QLabel(tr("True digit"), setBox));
    labelRow->addWidget(trueLabel);
    auto *setLayout = new QVBoxLayout(setBox);
    setLayout->addLayout(labelRow);
    setLayout->addWidget(saveButton);
    setLayout->addWidget(evalButton);
    setLayout->addWidget(setCount);

    auto *side = new QVBoxLayout;
    side->addWidget(new QLabel(tr("What the model sees"), q));
    side->addWidget(preview);
    side->addWidget(previewNote);
    side->addSpacing(8);
    side->addWidget(setBox);
    side->addStretch(1);

    auto *drawRow = new QHBoxLayout;
    drawRow->addWidget(canvas, 1);
    drawRow->addLayout(side);

    // One panel per model, side by side, scrolling when there are many.
    auto *panelHost = new QWidget;
    panelRow = new QHBoxLayout(panelHost);
    panelRow->setContentsMargins(0, 0, 0, 0);
    noModelHint = new QLabel(tr("No model yet: use “Add model” to pick a run or a model file."), panelHost);
    noModelHint->setWordWrap(true);
    panelRow->addWidget(noModelHint);
    panelRow->addStretch(1);
    auto *scroll = new QScrollArea(q);
    scroll->setWidget(panelHost);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumHeight(270);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);   // panels shrink to fit instead

    // Problems (a damaged model file, a failed save) stay visible until dismissed.
    errorBar = new QFrame(q);
    errorBar->setObjectName(QStringLiteral("canvasErrorBar"));
    errorBar->setStyleSheet(QStringLiteral("#canvasErrorBar { background: #fbe3e3; border: 1px solid #d9a0a0; border-radius: 3px; }"));
    errorLabel = new QLabel(errorBar);
    errorLabel->setObjectName(QStringLiteral("canvasError"));
    errorLabel->setWordWrap(true);
    errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QToolButton(errorBar);
    dismiss->setText(QStringLiteral("×"));
    dismiss->setAutoRaise(true);
    QObject::connect(dismiss, &QToolButton::clicked, errorBar, &QWidget::hide);
    auto *errorLayout = new QHBoxLayout(errorBar);
    errorLayout->setContentsMargins(6, 2, 2, 2);
    errorLayout->addWidget(errorLabel, 1);
    errorLayout->addWidget(dismiss, 0, Qt::AlignTop);
    errorBar->hide();

    statusLabel = new QLabel(q);
    statusLabel->setObjectName(QStringLiteral("canvasStatus"));

    auto *layout = new QVBoxLayout(q);
    layout->addLayout(tools);
    layout->addWidget(errorBar);
    layout->addLayout(drawRow, 3);
    layout->addWidget(scroll, 2);
    layout->addWidget(statusLabel);
}

bool CanvasPage::Private::addModel(const QString &name, const QString &source, const std::function<ModelFile()> &load)
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
    QObject::connect(panel, &ModelPanel::removeRequested, q, [this](ModelPanel *p) { removePanel(p); });
    // The same file again replaces its panel (e.g. a run that was retrained), keeping its place.
    int index = -1;
    for (int i = 0; i < panels.size(); ++i) {
        if (panels[i]->source() == source)
            index = i;
    }
    if (index >= 0) {
        ModelPanel *old = panels[index];
        // The layout hands back the item that held the old panel: it is ours to delete.
        delete panelRow->replaceWidget(old, panel);
        panels[index] = panel;
        // Hidden at once, deleted once control is back in the event loop. It stays the page's
        // child until then, so a page destroyed first takes it along (no leak).
        old->hide();
        old->deleteLater();
    } else {
        panelRow->insertWidget(int(panels.size()), panel, 1);
        panels.append(panel);
    }
    panel->showPrediction(prepared);
    errorBar->hide();
    showStatus(tr("Loaded %1").arg(name));
    updateHint();
    return true;
}

void CanvasPage::Private::removePanel(ModelPanel *panel)
{
    panels.removeAll(panel);
    panelRow->removeWidget(panel);
    panel->hide();
    panel->deleteLater();   // it may be inside its own removeRequested() emission; stays our child until then
    updateHint();
}

void CanvasPage::Private::updateHint()
{
    noModelHint->setVisible(panels.isEmpty());
    evalButton->setEnabled(!panels.isEmpty());
}

void CanvasPage::Private::predictNow()
{
    const PreparedDigit digit = DigitPreprocessor::prepare(grayFrom(canvas->image()), false);
    if (digit.hasInk) {
        prepared = digit.pixels;
        preview->setPixels(prepared);
        previewNote->setText(QString());
    } else {
        prepared.clear();
        preview->setPixels({});
        previewNote->setText(tr("No ink: draw a digit on the white area."));
    }
    saveButton->setEnabled(digit.hasInk);
    for (ModelPanel *panel : std::as_const(panels))
        panel->showPrediction(prepared);
}

void CanvasPage::Private::fillRunsMenu()
{
    runsMenu->clear();
    const QString root = DataLocator::runsFolder(runsFolder);
    QVector<RunRecord> runs;
    try {
        runs = RunStore(root).list();
    } catch (const LabError &e) {
        runsMenu->addAction(e.message())->setEnabled(false);
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
        runsMenu->addAction(text, q, [this, folder] { q->useRunModel(folder); });
    }
    if (shown == 0)
        runsMenu->addAction(tr("No runs with a saved model in %1").arg(QDir::toNativeSeparators(root)))->setEnabled(false);
}

void CanvasPage::Private::chooseModelFile()
{
    const QString path = QFileDialog::getOpenFileName(q, tr("Open a model file"), DataLocator::runsFolder(runsFolder),
                                                      tr("MNIST Lab models (*.%1);;All files (*)")
                                                          .arg(QString::fromLatin1(ModelFile::suffix)));
    if (!path.isEmpty())
        q->addModelFile(path);
}

void CanvasPage::Private::saveDrawing()
{
    if (prepared.empty()) {
        showError(tr("Nothing to save: the canvas has no ink."));
        return;
    }
    const PersonalTestSet set(personalFolder);
    try {
        set.append(prepared, trueLabel->value());
    } catch (const LabError &e) {
        showError(tr("Could not save the drawing: %1").arg(e.message()));
        return;
    }
    updateSetCount();
    showStatus(tr("Saved as a %1 to %2").arg(trueLabel->value()).arg(QDir::toNativeSeparators(set.folder())));
    canvas->clear();   // ready for the next one; Ctrl+Z brings it back
}

void CanvasPage::Private::evaluatePersonalSet()
{
    const PersonalTestSet set(personalFolder);
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
    for (ModelPanel *panel : std::as_const(panels)) {
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
    auto *dialog = new PersonalEvalDialog(results, set.folder(), q);
    dialog->setObjectName(QStringLiteral("personalEvalDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void CanvasPage::Private::showError(const QString &message)
{
    errorLabel->setText(message);
    errorBar->show();
}

void CanvasPage::Private::showStatus(const QString &message)
{
    statusLabel->setText(message);
}

void CanvasPage::Private::updateSetCount()
{
    const PersonalTestSet set(personalFolder);
    try {
        const int n = set.count();
        setCount->setText(n == 1 ? tr("1 drawing saved") : tr("%1 drawings saved").arg(n));
        setCount->setToolTip(QDir::toNativeSeparators(set.folder()));
    } catch (const LabError &e) {
        setCount->setText(tr("Test set unreadable"));
        setCount->setToolTip(e.message());
    }
}

} // namespace lab
