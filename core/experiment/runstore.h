#pragma once

#include "core/experiment/runrecord.h"

#include <QString>
#include <QVector>

namespace lab {

/**
 * The folder of runs: one sub-folder per run named "<yyyyMMdd-HHmmss>-<model_type>"
 * holding record.json, model.mnlm, checkpoint.mnck and exported charts.
 */
class RunStore
{
public:
    explicit RunStore(const QString &root);

    QString root() const { return m_root; }

    static constexpr const char *recordFileName = "record.json";
    static constexpr const char *modelFileName = "model.mnlm";
    static constexpr const char *checkpointFileName = "checkpoint.mnck";
    static constexpr const char *bestModelFileName = "best.mnlm";

    /** Creates a new, empty, uniquely named run folder. Throws LabError. */
    QString createRunFolder(const QString &modelType) const;
    /**
     * Creates the run folder `name` (a sweep task's fixed name). Throws LabError when the
     * name is not a plain folder name, the folder exists, or it cannot be made.
     */
    QString createNamedRunFolder(const QString &name) const;
    /** Every run with a readable record, newest first. Unreadable folders are skipped. */
    QVector<RunRecord> list() const;
    /**
     * Loads one run's record (folder and id filled). A "running" record whose process is
     * gone is reported as Interrupted. A finished run's leftover checkpoint.mnck (its
     * process was killed between the final record and the checkpoint's removal) is
     * deleted, with the stale run.lock, unless a process holds the run. Throws LabError.
     */
    RunRecord load(const QString &folder) const;
    /** Deletes a run folder (only folders inside the store). Throws LabError. */
    void remove(const QString &folder) const;

    static QString recordPath(const QString &folder);
    static QString modelPath(const QString &folder);
    static QString checkpointPath(const QString &folder);
    /** The lock a training process holds on its run folder (RunLock). */
    static QString lockPath(const QString &folder);

private:
    /** Creates the store's own folder if needed. Throws LabError with the real reason. */
    void ensureRoot() const;
    /** Deletes a finished run's checkpoint under the run's lock; leaves it when that fails. */
    static void removeLeftoverCheckpoint(const QString &folder);

    QString m_root;
};

} // namespace lab
