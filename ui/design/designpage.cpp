#include "ui/design/designpage.h"

#include "ui/common/banner.h"

#include "ui/design/hyperparameterform.h"
#include "ui/design/layerdelegate.h"
#include "ui/design/layertablemodel.h"
#include "core/experiment/preset.h"
#include "core/model/shapeinference.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>

#include <cmath>
#include <QMap>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

namespace lab {

namespace {
QString humanCount(double v)
{
    const char *units[] = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (v >= 1000 && i < 5) {
        v /= 1000;
        ++i;
    }
    return QStringLiteral("%1 %2").arg(QLocale().toString(v, 'f', v < 10 ? 2 : 1), QLatin1String(units[i]));
}

QToolButton *toolButton(const QString &text, const QString &tip, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setText(text);
    b->setToolTip(tip);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return b;
}
} // namespace

DesignPage::DesignPage(QWidget *parent) : QWidget(parent)
{
    m_undoStack = new QUndoStack(this);
    m_model = new LayerTableModel(m_undoStack, this);
    m_form = new HyperparameterForm(this);

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("designName"));
    m_name->setPlaceholderText(tr("run name, e.g. 2_HL_NN_v1"));
    m_name->setToolTip(tr("The name runs of this design are stored under (the run's model type)"));
    m_input = new QLabel(this);

    m_presetsMenu = new QMenu(tr("&Presets"), this);
    buildPresetsMenu();
    auto *presetsButton = new QPushButton(tr("Presets"), this);
    presetsButton->setMenu(m_presetsMenu);

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setItemDelegate(new LayerDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed
                             | QAbstractItemView::SelectedClicked | QAbstractItemView::AnyKeyPressed);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(LayerTableModel::OutputColumn, QHeaderView::Stretch);

    // Add: a menu of layer types, inserted after the selected row.
    auto *addButton = toolButton(tr("Add layer"), tr("Insert a layer after the selected one"), this);
    auto *addMenu = new QMenu(addButton);
    const QStringList types = LayerSpec::allTypeNames();
    for (int i = 0; i < types.size(); ++i)
        addMenu->addAction(types.at(i), this, [this, i] { addLayer(i); });
    addButton->setMenu(addMenu);
    addButton->setPopupMode(QToolButton::InstantPopup);
    auto *removeButton = toolButton(tr("Remove"), tr("Remove the selected layer (Del)"), this);
    auto *upButton = toolButton(tr("Move up"), tr("Move the selected layer up (Alt+Up)"), this);
    auto *downButton = toolButton(tr("Move down"), tr("Move the selected layer down (Alt+Down)"), this);
    QAction *undo = m_undoStack->createUndoAction(this, tr("Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *redo = m_undoStack->createRedoAction(this, tr("Redo"));
    redo->setShortcut(QKeySequence::Redo);
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    addAction(redo);
    auto *undoButton = new QToolButton(this);
    undoButton->setDefaultAction(undo);
    auto *redoButton = new QToolButton(this);
    redoButton->setDefaultAction(redo);

    auto *removeAction = new QAction(this);
    removeAction->setShortcut(QKeySequence::Delete);
    removeAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(removeAction);
    auto *upAction = new QAction(this);
    upAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    upAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(upAction);
    auto *downAction = new QAction(this);
    downAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    downAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(downAction);
    connect(removeButton, &QToolButton::clicked, this, &DesignPage::removeSelected);
    connect(removeAction, &QAction::triggered, this, &DesignPage::removeSelected);
    connect(upButton, &QToolButton::clicked, this, [this] { moveSelected(-1); });
    connect(upAction, &QAction::triggered, this, [this] { moveSelected(-1); });
    connect(downButton, &QToolButton::clicked, this, [this] { moveSelected(+1); });
    connect(downAction, &QAction::triggered, this, [this] { moveSelected(+1); });

    m_presetDescription = new QLabel(this);
    m_presetDescription->setObjectName(QStringLiteral("presetDescription"));
    m_presetDescription->setWordWrap(true);
    m_presetDescription->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_presetDescription->hide();
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("designSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);   // a 99999-wide layer's long numbers must not widen the window
    m_banner = new Banner(this, 3);
    m_banner->setObjectName(QStringLiteral("designBanner"));
    m_train = new QPushButton(tr("Train ▶"), this);
    m_train->setObjectName(QStringLiteral("trainButton"));
    m_train->setDefault(true);
    m_train->setMinimumHeight(32);
    // A new user's shortest way to a good model: one click, a 99% CNN in well under a minute.
    m_quick99 = new QPushButton(tr("Train a 99% model now"), this);
    m_quick99->setObjectName(QStringLiteral("quick99Button"));
    m_quick99->setMinimumHeight(32);
    m_quick99->setToolTip(tr("Loads the quick-99 preset (two small convolutions, two epochs) and trains it: "
                             "over 99% test accuracy in about 10 seconds on two cores"));

    // Layout: design on the left, hyperparameters on the right.
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Name:"), this));
    top->addWidget(m_name, 1);
    top->addWidget(m_input);
    top->addWidget(presetsButton);
    auto *tools = new QHBoxLayout;
    for (QWidget *w : {static_cast<QWidget *>(addButton), static_cast<QWidget *>(removeButton),
                       static_cast<QWidget *>(upButton), static_cast<QWidget *>(downButton),
                       static_cast<QWidget *>(undoButton), static_cast<QWidget *>(redoButton)})
        tools->addWidget(w);
    tools->addStretch(1);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(top);
    leftLayout->addWidget(m_presetDescription);
    leftLayout->addLayout(tools);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addWidget(m_summary);
    leftLayout->addWidget(m_banner);

    auto *formBox = new QGroupBox(tr("Hyperparameters"), this);
    auto *formLayout = new QVBoxLayout(formBox);
    formLayout->addWidget(m_form, 1);
    // Both train buttons in one row: the form keeps its height on a 700 px high screen.
    auto *trainRow = new QHBoxLayout;
    trainRow->addWidget(m_quick99);
    trainRow->addWidget(m_train, 1);
    formLayout->addLayout(trainRow);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(formBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_model, &LayerTableModel::stackChanged, this, &DesignPage::followPresetName);
    connect(m_model, &LayerTableModel::stackChanged, this, &DesignPage::refreshSummary);
    connect(m_form, &HyperparameterForm::changed, this, &DesignPage::refreshSummary);
    connect(m_name, &QLineEdit::textChanged, this, &DesignPage::refreshSummary);
    connect(m_name, &QLineEdit::textChanged, this, &DesignPage::updatePresetDescription);
    connect(m_train, &QPushButton::clicked, this, [this] {
        if (canTrain())
            Q_EMIT trainRequested();
    });
    connect(m_quick99, &QPushButton::clicked, this, [this] {
        applyPreset(Preset::find(QStringLiteral("quick-99")));
        if (canTrain())
            Q_EMIT trainRequested();
    });

    setDesign(NetworkSpec::fromShorthand(QStringLiteral("784-50-50-10"), QStringLiteral("relu")), TrainConfig());
}

void DesignPage::buildPresetsMenu()
{
    QMap<QString, QMenu *> groups;
    for (const Preset &preset : Preset::all()) {
        QMenu *&menu = groups[preset.group];
        if (!menu) {
            menu = m_presetsMenu->addMenu(preset.group.isEmpty() ? tr("Other") : preset.group);
            menu->setToolTipsVisible(true);   // each submenu has its own switch: the descriptions show on hover
        }
        QAction *a = menu->addAction(preset.name);
        QString tip = preset.description;
        if (preset.referenceTestAccuracy >= 0)
            tip += tr(" (blog: %1% test accuracy)").arg(preset.referenceTestAccuracy);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        const QString name = preset.name;
        connect(a, &QAction::triggered, this, [this, name] { applyPreset(Preset::find(name)); });
    }
    m_presetsMenu->setToolTipsVisible(true);
}

NetworkSpec DesignPage::spec() const
{
    NetworkSpec s = m_model->spec();
    s.name = m_name->text().trimmed();
    return s;
}

TrainConfig DesignPage::config() const { return m_form->config(); }

void DesignPage::setDesign(const NetworkSpec &spec, const TrainConfig &config)
{
    m_model->setSpec(spec);
    m_name->setText(spec.name);
    m_form->setConfig(config);
    refreshSummary();
}

void DesignPage::applyPreset(const Preset &preset)
{
    NetworkSpec s = preset.spec;
    s.name = preset.name;
    m_name->setText(preset.name);
    m_model->setSpec(s, tr("Preset %1").arg(preset.name));
    TrainConfig config = preset.config;
    config.threads = m_form->config().threads;
    m_form->setConfig(config);
    QString description = preset.description;
    if (preset.referenceTestAccuracy >= 0)
        description += tr(" (blog: %1% test accuracy)").arg(preset.referenceTestAccuracy);
    m_presetDescription->setText(tr("<b>%1</b>: %2").arg(preset.name.toHtmlEscaped(), description.toHtmlEscaped()));
    m_presetDescription->setToolTip(description);
    m_describedPreset = description.isEmpty() ? QString() : preset.name;
    updatePresetDescription();
    refreshSummary();
    Q_EMIT presetApplied(preset.name, description);
}

QString DesignPage::editedName(const QString &presetName)
{
    return tr("%1 (edited)").arg(presetName);
}

void DesignPage::followPresetName()
{
    // Runs are listed and compared by name: a preset's name on other layers would mislabel them.
    const QString name = m_name->text().trimmed();
    QString presetName = name;
    if (name.endsWith(editedName(QString())))
        presetName = name.chopped(editedName(QString()).size());
    const Preset *preset = nullptr;
    for (const Preset &p : Preset::all())
        if (p.name == presetName)
            preset = &p;
    if (!preset)
        return;   // the user's own name: theirs to keep
    const bool same = m_model->spec().layers == preset->spec.layers;
    const QString wanted = same ? preset->name : editedName(preset->name);
    if (wanted != name)
        m_name->setText(wanted);
}

void DesignPage::updatePresetDescription()
{
    // Shown while the name is the preset's (edited or not); a design of another name hides it.
    const QString name = m_name->text().trimmed();
    m_presetDescription->setVisible(!m_describedPreset.isEmpty()
                                    && (name == m_describedPreset || name == editedName(m_describedPreset)));
}

bool DesignPage::canTrain() const
{
    return m_model->report().ok() && m_form->problems().isEmpty() && !m_model->spec().layers.isEmpty();
}

QString DesignPage::problemText() const
{
    QStringList list;
    const ShapeReport &r = m_model->report();
    if (m_model->spec().layers.isEmpty())
        list << tr("The stack is empty: add layers.");
    else if (!r.ok())
        list << m_model->errorText();   // it names the layer already
    list << m_form->problems();
    return list.join(u'\n');
}

void DesignPage::setRunActive(bool active)
{
    if (active == m_runActive)
        return;
    m_runActive = active;
    refreshSummary();
}

void DesignPage::setTrainCount(int count)
{
    m_trainCount = qMax(1, count);
    refreshSummary();
}

int DesignPage::currentRow() const
{
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void DesignPage::addLayer(int typeIndex)
{
    LayerSpec::Type type;
    if (!LayerSpec::typeFromName(LayerSpec::allTypeNames().value(typeIndex), &type))
        return;
    const LayerSpec layer = LayerSpec::defaultFor(type);
    const int row = currentRow() < 0 ? m_model->rowCount() : currentRow() + 1;
    m_model->insertLayer(row, layer);
    m_table->setCurrentIndex(m_model->index(row, 0));
}

void DesignPage::removeSelected()
{
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeLayer(row);
    if (m_model->rowCount() > 0)
        m_table->setCurrentIndex(m_model->index(qMin(row, m_model->rowCount() - 1), 0));
}

void DesignPage::moveSelected(int delta)
{
    const int row = currentRow();
    if (row < 0)
        return;
    const int target = m_model->moveLayer(row, delta);
    m_table->setCurrentIndex(m_model->index(target, 0));
}

void DesignPage::refreshSummary()
{
    const NetworkSpec s = m_model->spec();
    m_input->setText(tr("input %1×%2×%3").arg(s.inputChannels).arg(s.inputHeight).arg(s.inputWidth));
    const ShapeReport &r = m_model->report();
    const TrainConfig c = m_form->config();
    if (r.ok()) {
        // Training costs about three forward passes (forward, backward for inputs and weights),
        // over the training images the data folder holds less the validation split.
        const int images = int(std::lround(m_trainCount * (1.0 - c.validationFraction)));
        const double macsPerEpoch = 3.0 * double(r.macsPerSample) * images;
        m_summary->setText(tr("<b>%1</b> parameters (%2B) · %3MAC per image · work per epoch ≈ %4MAC "
                              "(%5 images, forward + backward) · training memory ≈ %6B at batch %7")
                               .arg(QLocale().toString(r.parameters), humanCount(double(r.parameterBytes())),
                                    humanCount(double(r.macsPerSample)), humanCount(macsPerEpoch),
                                    QLocale().toString(images),
                                    humanCount(double(r.trainingBytes(qMax(1, c.batchSize)))))
                               .arg(c.batchSize));
    } else {
        m_summary->setText(tr("Shapes do not fit: parameter count and work are unknown."));
    }
    const QString problems = problemText();
    m_banner->showMessage(problems, Banner::Kind::Error);
    const bool valid = canTrain();
    m_train->setEnabled(valid && !m_runActive);
    m_train->setToolTip(m_runActive ? tr("A run is going on: stop it on the Train page first")
                                    : valid ? tr("Train this design") : problems);
    m_quick99->setEnabled(!m_runActive);
    if (valid != m_lastValid) {
        m_lastValid = valid;
        Q_EMIT validityChanged(valid);
    }
}

} // namespace lab
