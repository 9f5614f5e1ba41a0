#include "core/experiment/sweeptasks.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/experiment/experimentrunner.h"
#include "core/experiment/runlock.h"
#include "core/experiment/runstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPair>

namespace lab {

namespace {

QString joinIndices(const QVector<int> &indices)
{
    QStringList text;
    for (int i : indices)
        text << QString::number(i);
    return text.join(QStringLiteral(", "));
}

// Fills "@NAME@" placeholders: the scripts hold "%" (Slurm's %a, %K) that QString::arg would take.
QString fill(QString text, const QList<QPair<QString, QString>> &values)
{
    for (const auto &[key, value] : values)
        text.replace(u'@' + key + u'@', value);
    return text;
}

QString sbatchScript(const Sweep &sweep, int tasks, const QString &folder, const QString &collect, int maxParallel)
{
    return fill(QStringLiteral(
                    "#!/bin/bash\n"
                    "# Slurm job array of sweep @ID@: @TASKS@ tasks, at most @K@ running at once.\n"
                    "#   sbatch @DIR@/sweep.sbatch\n"
                    "# Each array task runs line SLURM_ARRAY_TASK_ID + 1 of tasks.txt (tasks count from 0);\n"
                    "# a re-submitted task resumes or replaces its own run. One task by hand:\n"
                    "#   SLURM_ARRAY_TASK_ID=3 bash @DIR@/sweep.sbatch\n"
                    "# When the array is done:\n"
                    "#   @COLLECT@\n"
                    "#SBATCH --job-name=mnist-@ID@\n"
                    "#SBATCH --array=0-@LAST@%@K@\n"
                    "#SBATCH --cpus-per-task=@CPUS@\n"
                    "#SBATCH --output=@DIR@/logs/task-%a.log\n"
                    "set -euo pipefail\n"
                    "tasks=@TASKFILE@\n"
                    ": \"${SLURM_ARRAY_TASK_ID:?is not set: submit with sbatch, or set it by hand to run one task}\"\n"
                    "line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$tasks\")\n"
                    "if [ -z \"$line\" ]; then\n"
                    "    echo \"sweep.sbatch: no task $SLURM_ARRAY_TASK_ID in $tasks (tasks 0-@LAST@)\" >&2\n"
                    "    exit 2\n"
                    "fi\n"
                    "exec bash -c \"$line\"\n"),
                {{QStringLiteral("ID"), sweep.id()},
                 {QStringLiteral("TASKS"), QString::number(tasks)},
                 {QStringLiteral("LAST"), QString::number(tasks - 1)},
                 {QStringLiteral("K"), QString::number(maxParallel)},
                 {QStringLiteral("CPUS"), QString::number(qMax(1, sweep.baseConfig.threads))},
                 {QStringLiteral("DIR"), folder},
                 {QStringLiteral("COLLECT"), collect},
                 {QStringLiteral("TASKFILE"), SweepTasks::shellQuote(QDir(folder).filePath(QStringLiteral("tasks.txt")))}});
}

QString parallelScript(const Sweep &sweep, int tasks, const QString &collect, int jobs)
{
    return fill(QStringLiteral(
                    "#!/bin/bash\n"
                    "# Runs the @TASKS@ tasks of sweep @ID@ with GNU parallel.\n"
                    "#   ./parallel.sh                  every task, JOBS at a time (default @JOBS@)\n"
                    "#   JOBS=2 ./parallel.sh           two at a time\n"
                    "#   ./parallel.sh                  again after a failure or Ctrl+C: --resume-failed with the\n"
                    "#                                  joblog runs only the tasks that failed or never ran\n"
                    "#   HOSTS=hosts.txt ./parallel.sh  several hosts: --sshloginfile hosts.txt, one \"N/host\" a line\n"
                    "#                                  (\":\" is this host). Every host needs the same paths: the\n"
                    "#                                  cli, this folder and the run store on a shared filesystem.\n"
                    "# Extra arguments go to parallel (e.g. --dry-run). When done:\n"
                    "#   @COLLECT@\n"
                    "set -euo pipefail\n"
                    "here=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\n"
                    "options=(--jobs \"${JOBS:-@JOBS@}\" --joblog \"$here/parallel.joblog\" --resume-failed)\n"
                    "if [ -n \"${HOSTS:-}\" ]; then options+=(--sshloginfile \"$HOSTS\"); fi\n"
                    "# No command: each line of tasks.txt is the command.\n"
                    "exec parallel \"${options[@]}\" \"$@\" < \"$here/tasks.txt\"\n"),
                {{QStringLiteral("ID"), sweep.id()},
                 {QStringLiteral("TASKS"), QString::number(tasks)},
                 {QStringLiteral("JOBS"), QString::number(jobs)},
                 {QStringLiteral("COLLECT"), collect}});
}

QString readme(const Sweep &sweep, int tasks, const QString &folder, const QString &runs, const QString &collect)
{
    return fill(QStringLiteral(
                    "# Sweep @ID@ on a cluster engine\n\n"
                    "@TASKS@ tasks (the grid × trials × seeds), one command line each in `tasks.txt` (task i is\n"
                    "line i + 1). Every task trains into the shared run store `@RUNS@`, in its own folder\n"
                    "`@ID@-t<i>`; run again, a task resumes its interrupted run, replaces its failed one, or\n"
                    "leaves a finished one alone. `sweep.json` is the sweep with the overrides it was emitted\n"
                    "with: collect with that file.\n\n"
                    "## Slurm\n\n"
                    "```sh\n"
                    "sbatch @DIR@/sweep.sbatch               # a job array, at most K at once (--array=0-N%K)\n"
                    "squeue --me                             # logs: @DIR@/logs/task-<i>.log\n"
                    "sbatch --array=3,7 @DIR@/sweep.sbatch   # run some tasks again\n"
                    "```\n\n"
                    "## GNU parallel\n\n"
                    "```sh\n"
                    "@DIR@/parallel.sh                   # this host; run again after a failure: only failed/unrun tasks\n"
                    "JOBS=2 @DIR@/parallel.sh            # two at a time\n"
                    "HOSTS=hosts.txt @DIR@/parallel.sh   # over ssh (--sshloginfile); needs a shared filesystem\n"
                    "```\n\n"
                    "## Collect\n\n"
                    "```sh\n"
                    "@COLLECT@\n"
                    "```\n\n"
                    "writes `@RUNS@/sweeps/@ID@-collected.json` (the summary an in-process sweep writes; the\n"
                    "Sweeps page opens it) and lists the tasks still missing, failed or running. Exit code 0\n"
                    "when every task has its result, 1 otherwise.\n"),
                {{QStringLiteral("ID"), sweep.id()},
                 {QStringLiteral("TASKS"), QString::number(tasks)},
                 {QStringLiteral("RUNS"), runs},
                 {QStringLiteral("DIR"), folder},
                 {QStringLiteral("COLLECT"), collect}});
}

} // namespace

SweepTasks::SweepTasks(Sweep sweep)
    : m_sweep(std::move(sweep))
    , m_points(m_sweep.points())
{
}

QString SweepTasks::folderName(int index) const
{
    const int digits = qMax(4, int(QString::number(qMax(0, count() - 1)).size()));
    return QStringLiteral("%1-t%2").arg(m_sweep.id()).arg(index, digits, 10, QLatin1Char('0'));
}

QString SweepTasks::shellQuote(const QString &text)
{
    return u'\'' + QString(text).replace(QStringLiteral("'"), QStringLiteral("'\\''")) + u'\'';
}

QStringList SweepTasks::emitTo(const QString &folder, const EmitOptions &options) const
{
    const QDir dir(QFileInfo(folder).absoluteFilePath());
    const QString sweepPath = dir.filePath(QStringLiteral("sweep.json"));
    const QString prefix = shellQuote(options.cliPath) + QStringLiteral(" sweep ") + shellQuote(sweepPath);
    const QString storeArgs = QStringLiteral(" --runs ") + shellQuote(options.runsFolder)
                            + (options.dataFolder.isEmpty() ? QString() : QStringLiteral(" --data ") + shellQuote(options.dataFolder));
    QString tasks;
    for (int i = 0; i < count(); ++i) {
        // The trailing comment says what the line trains; shells and GNU parallel ignore it.
        QStringList what;
        for (int a = 0; a < m_sweep.axes.size(); ++a)
            what << m_sweep.axes[a].parameter + u'=' + m_points[i].axisValues.value(a);
        what << QStringLiteral("seed=%1").arg(m_points[i].config.seed);
        tasks += prefix + QStringLiteral(" --task %1").arg(i) + storeArgs + QStringLiteral("  # ") + what.join(u' ') + u'\n';
    }
    const QString collect = QStringLiteral("%1 sweep %2 --collect --runs %3")
                                .arg(shellQuote(options.cliPath), shellQuote(sweepPath), shellQuote(options.runsFolder));
    const int jobs = qMax(1, options.maxParallel);
    if (!dir.mkpath(QStringLiteral("logs")))
        throw LabError(QStringLiteral("%1: cannot create the folder").arg(dir.filePath(QStringLiteral("logs"))));
    const QStringList written{sweepPath, dir.filePath(QStringLiteral("tasks.txt")), dir.filePath(QStringLiteral("sweep.sbatch")),
                              dir.filePath(QStringLiteral("parallel.sh")), dir.filePath(QStringLiteral("README.md"))};
    AtomicFile::write(written[0], QJsonDocument(m_sweep.toJson()).toJson());
    AtomicFile::write(written[1], tasks.toUtf8());
    AtomicFile::write(written[2], sbatchScript(m_sweep, count(), dir.path(), collect, jobs).toUtf8());
    AtomicFile::write(written[3], parallelScript(m_sweep, count(), collect, jobs).toUtf8());
    AtomicFile::write(written[4], readme(m_sweep, count(), dir.path(), options.runsFolder, collect).toUtf8());
    for (const QString &script : {written[2], written[3]})
        QFile::setPermissions(script, QFile::permissions(script) | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    return written;
}

SweepTasks::TaskResult SweepTasks::runTask(int index, const QString &runsFolder, const QString &dataFolder,
                                           RunObserver *observer, RunControl *control) const
{
    if (index < 0 || index >= count())
        throw LabError(QStringLiteral("--task %1: sweep %2 has tasks 0 to %3").arg(index).arg(m_sweep.id()).arg(count() - 1));
    const SweepPoint &point = m_points[index];
    const QString runs = DataLocator::runsFolder(runsFolder);
    const QString folder = QDir(runs).filePath(folderName(index));
    ExperimentRunner runner(RunRequest{point.spec, point.config, dataFolder, runs, folderName(index)});
    TaskResult result;
    if (QFileInfo::exists(folder)) {
        if (RunLock::isHeld(folder))
            throw LabError(QStringLiteral("%1: task %2 is being trained by another process (its run lock is held)").arg(folder).arg(index));
        if (QFileInfo::exists(RunStore::recordPath(folder))) {
            const RunRecord existing = RunStore(runs).load(folder);
            if (!point.isNameOf(existing.modelType))
                throw LabError(QStringLiteral("%1 holds the run \"%2\", not task %3 (%4); leaving it alone")
                                   .arg(folder, existing.modelType).arg(index).arg(point.spec.name));
            switch (existing.status) {
            case RunStatus::Finished:
            case RunStatus::Diverged:
                return TaskResult{existing, TaskAction::AlreadyDone};
            case RunStatus::Running:
            case RunStatus::Interrupted:
            case RunStatus::Cancelled:
                return TaskResult{ExperimentRunner::resume(folder, dataFolder, observer, control), TaskAction::Resumed};
            case RunStatus::Failed:
                break;
            }
        }
        // A failed run, or a folder left before its first record: this task's own, replaced.
        runner.prepare();   // bad data refuses before anything is removed
        if (!QDir(folder).removeRecursively())
            throw LabError(QStringLiteral("%1: cannot remove the failed run to replace it").arg(folder));
        result.action = TaskAction::Replaced;
    }
    result.record = runner.run(observer, control, RunPosition{index, count()});
    return result;
}

QString SweepTasks::collectedSummaryPath(const QString &runsFolder) const
{
    return QDir(DataLocator::runsFolder(runsFolder)).filePath(QStringLiteral("sweeps/") + m_sweep.id() + QStringLiteral("-collected.json"));
}

SweepTasks::Collection SweepTasks::collect(const QString &runsFolder) const
{
    const QString runs = DataLocator::runsFolder(runsFolder);
    const RunStore store(runs);
    Collection c;
    for (int i = 0; i < count(); ++i) {
        const QString folder = QDir(runs).filePath(folderName(i));
        if (!QFileInfo::exists(RunStore::recordPath(folder))) {
            (QFileInfo::exists(folder) && RunLock::isHeld(folder) ? c.running : c.missing).append(i);
            continue;
        }
        RunRecord record;
        try {
            record = store.load(folder);
        } catch (const LabError &) {
            c.failed.append(i);   // an unreadable record: run the task again
            continue;
        }
        if (!m_points[i].isNameOf(record.modelType)) {
            c.missing.append(i);   // not this task's run
            continue;
        }
        if (record.status == RunStatus::Running) {
            c.running.append(i);
            continue;
        }
        (record.status == RunStatus::Finished || record.status == RunStatus::Diverged ? c.finished : c.failed).append(i);
        c.points.append(m_points[i]);
        c.records.append(record);
    }
    if (c.finished.isEmpty() && c.failed.isEmpty() && c.running.isEmpty())
        throw LabError(QStringLiteral("%1: holds no run of sweep %2 (%3 tasks, folders %2-t…); run its tasks there first, "
                                      "and collect with the sweep.json they were emitted with")
                           .arg(runs, m_sweep.id()).arg(count()));
    c.summary = m_sweep.summaryJson(c.points, c.records, count());
    if (!c.complete())
        c.summary.insert(QStringLiteral("incomplete"),
                         QJsonObject{{QStringLiteral("missing"), joinIndices(c.missing)},
                                     {QStringLiteral("failed"), joinIndices(c.failed)},
                                     {QStringLiteral("running"), joinIndices(c.running)}});
    return c;
}

} // namespace lab
