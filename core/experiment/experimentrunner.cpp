#include "core/experiment/experimentrunner.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/experiment/environmentinfo.h"
#include "core/experiment/checkpointfile.h"
#include "core/experiment/runlock.h"
#include "core/experiment/runstore.h"
#include "core/train/trainer.h"
#include "core/train/trainobserver.h"

#include <QDir>
#include <QFile>
#include <optional>

namespace lab {

struct ExperimentRunner::Prepared
{
    std::shared_ptr<const Dataset> data;
    std::unique_ptr<Trainer> trainer;
};

namespace {

// Saves the run as the trainer goes and reports it outwards: the "running" record as soon
// as training starts (so even a run killed in its first epoch leaves a record), then
// checkpoint and record after every epoch — the checkpoint first, so a record never claims
// an epoch the checkpoint does not hold. The caller's observer hears of each epoch once it
// is on disk; ended is reported by trainInFolder once the model and final record are saved.
class RunSaver : public TrainObserver
{
public:
    RunSaver(RunRecord identity, const QString &folder, Trainer &trainer, RunObserver *next, RunPosition position)
        : m_record(std::move(identity)), m_trainer(trainer), m_next(next), m_position(position)
    {
        m_record.folder = folder;
        m_record.id = QFileInfo(folder).fileName();
    }

    void onStarted(const TrainHistory &history) override
    {
        m_record.environment = EnvironmentInfo::collect(history.threads);
        save(history);
        if (m_next)
            m_next->onRunStarted(m_record, m_position);
    }
    void onBatch(const BatchProgress &p) override
    {
        if (m_next)
            m_next->onBatch(p);
    }
    void onEpoch(const EpochMetrics &m) override
    {
        // The checkpoint carries the record as of its own state: whatever happens between
        // these two writes (a kill, a full disk), resume continues from one step where
        // weights, epochs and batch losses agree.
        m_record.setHistory(m_trainer.history());
        CheckpointFile checkpoint;
        checkpoint.epoch = m_record.completedEpochs();
        checkpoint.record = m_record;
        checkpoint.state = m_trainer.checkpoint();
        checkpoint.save(RunStore::checkpointPath(m_record.folder));
        save(m_trainer.history());
        if (m_next)
            m_next->onEpoch(m);
    }

    RunRecord &record() { return m_record; }

    /** The record of `history` (with this run's identity), written atomically into the run folder. */
    const RunRecord &save(const TrainHistory &history)
    {
        m_record.setHistory(history);
        m_record.save(RunStore::recordPath(m_record.folder));
        return m_record;
    }

private:
    RunRecord m_record;
    Trainer &m_trainer;
    RunObserver *m_next;
    RunPosition m_position;
};

// `identity` holds what the record has beyond the trainer's history (name, load time).
// The final save is ordered so that a kill at any point leaves a run that is resumable
// or finished: model files first (the record still says "running", the checkpoint holds
// the last epoch: resume has nothing left to train and just saves again), then the
// record, and only then is the checkpoint of a finished run removed.
RunRecord trainInFolder(RunLock &lock, const QString &folder, const RunRecord &identity, Trainer &trainer,
                        RunObserver *observer, RunControl *control, RunPosition position)
{
    lock.acquire();
    RunSaver saver(identity, folder, trainer, observer, position);
    const TrainHistory history = trainer.run(&saver, control);
    RunRecord &record = saver.record();
    try {
        int modelEpoch = history.completedEpochs();
        if (history.status != RunStatus::Finished && modelEpoch > 0) {
            // A run that stopped mid-epoch has weights past its last evaluated epoch (NaN ones
            // when it diverged); model.mnlm holds what the last checkpoint holds, the last
            // completed epoch the record describes.
            try {
                const CheckpointFile last = CheckpointFile::load(RunStore::checkpointPath(folder));
                trainer.restore(last.state, last.record);
                modelEpoch = last.epoch;
            } catch (const LabError &) {
                modelEpoch = 0;   // no finite weights to save: better no model than a NaN one
            }
        }
        if (modelEpoch > 0) {
            // The model files name their run, so a model copied elsewhere still says where it came from.
            const QString runId = QFileInfo(folder).fileName();
            ModelFile model = trainer.model();
            model.summary.insert(QStringLiteral("run"), runId);
            model.summary.insert(QStringLiteral("epoch"), modelEpoch);
            model.save(RunStore::modelPath(folder));
            if (history.config.keepBestModel) {
                ModelFile best = trainer.bestModel();
                best.summary.insert(QStringLiteral("run"), runId);
                best.save(folder + u'/' + QLatin1String(RunStore::bestModelFileName));
            }
            record.modelEpoch = modelEpoch;
        }
        saver.save(history);
    } catch (const LabError &e) {
        // Say so in the record if the disk still takes it; the checkpoint stays for resume.
        TrainHistory failed = history;
        failed.status = RunStatus::Failed;
        failed.statusDetail = e.message();
        try {
            saver.save(failed);
        } catch (const LabError &) {
        }
        throw;
    }
    // A finished run needs no checkpoint; a stopped one keeps it to be resumed. A checkpoint
    // left beside a finished record (a kill right here) is removed by the next RunStore::load.
    if (history.status == RunStatus::Finished) {
        try {
            AtomicFile::remove(RunStore::checkpointPath(folder));
        } catch (const LabError &) {
        }
    }
    lock.release();
    if (observer)
        observer->onRunEnded(record, position);
    return record;
}

} // namespace

ExperimentRunner::ExperimentRunner(RunRequest request)
    : m_request(std::move(request))
{
    if (m_request.spec.name.isEmpty())
        m_request.spec.name = NetworkSpec::defaultName();
}

ExperimentRunner::~ExperimentRunner() = default;

void ExperimentRunner::prepare()
{
    if (m_prepared)
        return;
    m_request.config.ensureValid(QStringLiteral("training configuration"));
    auto prepared = std::make_unique<Prepared>();
    prepared->data = Dataset::load(DataLocator::dataFolder(m_request.dataFolder));
    prepared->trainer = std::make_unique<Trainer>(m_request.spec, m_request.config, prepared->data);
    m_prepared = std::move(prepared);
}

RunRecord ExperimentRunner::run(RunObserver *observer, RunControl *control, RunPosition position)
{
    prepare();
    const RunStore store(DataLocator::runsFolder(m_request.runsFolder));
    const QString folder = m_request.folderName.isEmpty() ? store.createRunFolder(m_request.spec.name)
                                                          : store.createNamedRunFolder(m_request.folderName);
    RunRecord identity;
    identity.modelType = m_request.spec.name;
    identity.loadSeconds = m_prepared->data->loadSeconds;
    RunLock lock(folder);
    try {
        return trainInFolder(lock, folder, identity, *m_prepared->trainer, observer, control, position);
    } catch (const LabError &) {
        // Not even the first record could be written (a full disk): leave no empty run folder.
        if (!QFileInfo::exists(RunStore::recordPath(folder))) {
            lock.release();
            QDir(folder).removeRecursively();
        }
        throw;
    }
}

RunRecord ExperimentRunner::resume(const QString &runFolder, const QString &dataFolder, RunObserver *observer,
                                   RunControl *control)
{
    const QString folder = QFileInfo(runFolder).absoluteFilePath();
    const RunStore store(QFileInfo(folder).absolutePath());
    RunRecord record = store.load(folder);
    if (record.status == RunStatus::Finished)
        throw LabError(QStringLiteral("%1: the run already finished; nothing to resume").arg(runFolder));
    // Held from here: nobody else may change the files while they are cross-checked.
    RunLock lock(folder);
    lock.acquire();

    // The checkpoint decides where training continues; the record must describe the same step.
    const QString checkpointPath = RunStore::checkpointPath(folder);
    std::optional<CheckpointFile> checkpoint;
    if (QFileInfo::exists(checkpointPath))
        checkpoint = CheckpointFile::load(checkpointPath);
    RunRecord base = record;
    if (checkpoint && !checkpoint->legacy) {
        const RunRecord &saved = checkpoint->record;
        if (saved.spec.toJson() != record.spec.toJson() || saved.config.toJson() != record.config.toJson())
            throw LabError(QStringLiteral("%1: checkpoint.mnck was made for another design or configuration than "
                                          "record.json says; refusing to resume (move one of them away)").arg(runFolder));
        if (checkpoint->epoch != record.completedEpochs() || saved.batchLosses.size() != record.batchLosses.size()) {
            base.repaired = QStringLiteral("record.json listed %1 epochs and %2 batch losses, checkpoint.mnck holds %3 epochs "
                                           "and %4; continued from the checkpoint")
                                .arg(record.completedEpochs()).arg(record.batchLosses.size())
                                .arg(checkpoint->epoch).arg(saved.batchLosses.size());
        }
        base.setHistory(saved);
    } else if (!checkpoint) {
        // Killed (or out of disk) before the first checkpoint: the run restarts from its seed,
        // which gives exactly the weights it started with.
        if (record.completedEpochs() > 0)
            base.repaired = QStringLiteral("record.json listed %1 epochs but there is no checkpoint; trained again from epoch 1")
                                .arg(record.completedEpochs());
        TrainHistory fresh;
        fresh.spec = record.spec;
        fresh.config = record.config;
        fresh.parameters = record.parameters;
        base.setHistory(fresh);
        base.modelEpoch = 0;
    }
    auto data = Dataset::load(DataLocator::dataFolder(dataFolder));
    Trainer trainer(base.spec, base.config, data);
    if (checkpoint)
        trainer.restore(checkpoint->state, base);
    return trainInFolder(lock, folder, base, trainer, observer, control, RunPosition());
}

} // namespace lab
