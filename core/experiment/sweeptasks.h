#pragma once

#include "core/experiment/runobserver.h"
#include "core/experiment/sweep.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace lab {

class RunControl;

/**
 * A sweep handed to a cluster engine: each grid point is a task that any process on any
 * host runs into one shared run store, and a collector that builds the same summary an
 * in-process sweep writes. The lab schedules nothing itself: Slurm job arrays and GNU
 * parallel do.
 *
 * Task i of a sweep always trains into the run folder "<sweep id>-t<i>" (Sweep::id() hashes
 * the sweep with its overrides, so two sweeps never share folders and a re-run on another
 * host finds its own). The folder is made with mkdir and trained under its run lock, both
 * of which hold on a shared filesystem.
 */
class SweepTasks
{
public:
    /** What emitTo() writes beside tasks.txt. */
    struct EmitOptions
    {
        QString cliPath;          ///< the mnist-lab-cli every task line runs (absolute)
        QString runsFolder;       ///< the shared run store (absolute)
        QString dataFolder;       ///< passed as --data when not empty
        int maxParallel = 4;      ///< Slurm's %K: array tasks running at once
    };

    /** What a task did. */
    enum class TaskAction { Trained, Resumed, Replaced, AlreadyDone };

    struct TaskResult
    {
        RunRecord record;
        TaskAction action = TaskAction::Trained;
    };

    /** The store's view of the sweep. `records` ↔ `points`: the tasks with a record, in task order. */
    struct Collection
    {
        QVector<int> finished;    ///< finished or diverged: a result either way
        QVector<int> failed;      ///< failed, cancelled or interrupted: run the task again
        QVector<int> running;     ///< a live process holds the run's lock
        QVector<int> missing;     ///< no run folder yet
        QVector<SweepPoint> points;
        QVector<RunRecord> records;
        QJsonObject summary;      ///< Sweep::summaryJson of the above
        bool complete() const { return failed.isEmpty() && running.isEmpty() && missing.isEmpty(); }
    };

    /** Throws LabError for a bad sweep (ranges, too many runs…) before anything is written. */
    explicit SweepTasks(Sweep sweep);

    const Sweep &sweep() const { return m_sweep; }
    const QVector<SweepPoint> &points() const { return m_points; }
    int count() const { return int(m_points.size()); }
    /** "width-3f2a9c1e-t0003". */
    QString folderName(int index) const;

    /**
     * Writes sweep.json (the sweep with its overrides), tasks.txt (one command line per task,
     * index order), sweep.sbatch, parallel.sh and README.md into `folder`. Throws LabError.
     */
    QStringList emitTo(const QString &folder, const EmitOptions &options) const;

    /**
     * Runs task `index` into `runsFolder`: trains it, or resumes its interrupted run, or
     * replaces its failed one, or returns its finished (or diverged) record as it is.
     * Throws LabError for an index out of range, a task another process is running, or a
     * folder that holds some other run.
     */
    TaskResult runTask(int index, const QString &runsFolder, const QString &dataFolder, RunObserver *observer,
                       RunControl *control) const;

    /**
     * Reads every task's run from `runsFolder`. Throws LabError when the store holds no run
     * of this sweep at all (the wrong store, or another sweep file or overrides).
     */
    Collection collect(const QString &runsFolder) const;
    /** Where collect's summary goes: <runs>/sweeps/<sweep id>-collected.json. */
    QString collectedSummaryPath(const QString &runsFolder) const;

    /** Single-quoted for POSIX shells. */
    static QString shellQuote(const QString &text);

private:
    Sweep m_sweep;
    QVector<SweepPoint> m_points;
};

} // namespace lab
