#pragma once

#include <QString>
#include <QWidget>

#include <memory>

namespace lab {

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

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lab
