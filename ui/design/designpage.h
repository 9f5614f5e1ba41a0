#pragma once

#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QAbstractButton;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QTableView;
class QUndoStack;
QT_END_NAMESPACE

namespace lab {

class Banner;

class HyperparameterForm;
class LayerTableModel;
struct Preset;

/**
 * The Design screen: a layer-stack editor (table with inline editors, add / remove /
 * move, undo / redo) validated live by shape inference, the hyperparameter form, the
 * presets menu and the Train button, which is enabled only while both are valid.
 */
class DesignPage : public QWidget
{
    Q_OBJECT

public:
    explicit DesignPage(QWidget *parent = nullptr);

    NetworkSpec spec() const;
    TrainConfig config() const;
    /** Replaces design and hyperparameters (clears undo history). */
    void setDesign(const NetworkSpec &spec, const TrainConfig &config);
    /**
     * Fills both from a preset (undoable for the layer stack). The Threads setting is the
     * machine's, not the experiment's: it stays as it was. The preset's description shows
     * under the name until the design is changed.
     */
    void applyPreset(const Preset &preset);
    /** The run name for `presetName`'s design once its layers were edited ("quick-99 (edited)"). */
    static QString editedName(const QString &presetName);

    /** True when the stack fits and every hyperparameter is in range. */
    bool canTrain() const;
    /** Every problem in one readable text; empty when canTrain(). */
    QString problemText() const;
    /** Number of training images, for the work-per-epoch estimate. */
    void setTrainCount(int count);

    LayerTableModel *layerModel() const { return m_model; }
    HyperparameterForm *form() const { return m_form; }
    QUndoStack *undoStack() const { return m_undoStack; }
    QMenu *presetsMenu() const { return m_presetsMenu; }
    /** While a run is going on, Train ▶ (and the quick-99 button) wait for it: disabled, saying why. */
    void setRunActive(bool active);

Q_SIGNALS:
    /** The user pressed Train on a valid design. */
    void trainRequested();
    void validityChanged(bool canTrain);
    /** A preset was loaded (from the menu or the quick-99 button): the window shows the page. */
    void presetApplied(const QString &name, const QString &description);

private:
    void buildPresetsMenu();
    void addLayer(int typeIndex);
    void removeSelected();
    void moveSelected(int delta);
    void refreshSummary();
    /** A preset's name on edited layers becomes editedName() (and back when undone). */
    void followPresetName();
    void updatePresetDescription();
    int currentRow() const;

    QUndoStack *m_undoStack;
    LayerTableModel *m_model;
    HyperparameterForm *m_form;
    QTableView *m_table;
    QLineEdit *m_name;
    QLabel *m_input;
    QLabel *m_summary;
    QLabel *m_presetDescription;
    QString m_describedPreset;   ///< the preset m_presetDescription describes
    Banner *m_banner;
    QMenu *m_presetsMenu;
    QPushButton *m_train;
    QPushButton *m_quick99;   ///< "Train a 99% model now": the quick-99 preset, trained at once
    int m_trainCount = 60000;
    bool m_lastValid = false;
    bool m_runActive = false;
};

} // namespace lab
