#pragma once

#include "core/model/modelfile.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <functional>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QLayout;
class QMenu;
class QPushButton;
class QSpinBox;
class QTimer;
QT_END_NAMESPACE

namespace lab {

class DigitPreview;
class DrawingCanvas;
class ModelPanel;

/**
 * The "Draw a digit" page: a drawing canvas with live predictions from one or more
 * models side by side, the 28×28 image the models actually see, and the personal test
 * set (save a drawing with its true label, evaluate any model on the saved drawings).
 * Works on first start with the bundled default model.
 */
class CanvasPage : public QWidget
{
    Q_OBJECT

public:
    explicit CanvasPage(QWidget *parent = nullptr);
    ~CanvasPage() override;

    /** The run store the "Add run…" picker lists (empty = DataLocator's default). */
    void setRunsFolder(const QString &folder);
    /** Where "Save to my test set" writes (empty = DataLocator::personalSetFolder()). */
    void setPersonalSetFolder(const QString &folder);
    /** Number of models shown side by side. */
    int modelCount() const;
    /** The open models' sources in order (file paths; the bundled model's resource path). */
    QStringList modelSources() const;
    /**
     * Replaces the open models with these sources (what modelSources() gave at the last
     * session): a run's model.mnlm is shown under its run's name, files that no longer
     * exist are skipped without a message (a run deleted since), damaged ones say so.
     */
    void setModelSources(const QStringList &sources);

public Q_SLOTS:
    /** Adds the model of the run in `runFolder` (e.g. the run just trained) beside the others. */
    void useRunModel(const QString &runFolder);
    /**
     * Adds a model file beside the others. A missing or damaged file is shown as a
     * message on the page (nothing else changes); returns whether it loaded.
     */
    bool addModelFile(const QString &path);
    /** Adds the bundled default model (again, if it was removed). */
    bool addDefaultModel();

Q_SIGNALS:
    /** A model was added, replaced or removed (the window remembers modelSources()). */
    void modelsChanged();

private:
    void buildUi();
    QLayout *buildTools();
    QLayout *buildSidePanel();
    QWidget *buildPersonalSetBox();
    QWidget *buildModelRow();
    QWidget *buildErrorBar();

    bool addModel(const QString &name, const QString &source, const std::function<ModelFile()> &load);
    void removePanel(ModelPanel *panel);
    void predictNow();
    /** The saliency overlay for the first model's answer, when "Show why" is on. */
    void updateSaliency();
    void fillRunsMenu();
    void chooseModelFile();
    void saveDrawing();
    void evaluatePersonalSet();
    void showError(const QString &message);
    void showStatus(const QString &message);
    void updateSetCount();
    void updateHint();

    QString m_runsFolder;
    QString m_personalFolder;

    DrawingCanvas *m_canvas = nullptr;
    DigitPreview *m_preview = nullptr;
    QCheckBox *m_explain = nullptr;
    QLabel *m_previewNote = nullptr;
    QHBoxLayout *m_panelRow = nullptr;
    QLabel *m_noModelHint = nullptr;
    QVector<ModelPanel *> m_panels;
    QWidget *m_errorBar = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_statusLabel = nullptr;
    QSpinBox *m_trueLabel = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_evalButton = nullptr;
    QLabel *m_setCount = nullptr;
    QMenu *m_runsMenu = nullptr;
    QTimer *m_predictTimer = nullptr;

    std::vector<float> m_prepared;   ///< what the models see now; empty = no ink
};

} // namespace lab
