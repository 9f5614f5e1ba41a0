#include "core/experiment/experimentrunner.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/experiment/environmentinfo.h"
#include "core/experiment/runstore.h"
#include "core/train/trainer.h"
#include "core/train/trainobserver.h"

#include <QDir>
#include <QFile>
#include <QLockFile>

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
        AtomicFile::write(RunStore::checkpointPath(m_record.folder), m_trainer.checkpoint());
        save(m_trainer.history());
        if (m_next)
            m_next->onEpoch(m);
    }

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
RunRecord trainInFolder(const QString &folder, const RunRecord &identity, Trainer &trainer, RunObserver *observer,
                        RunControl *control, RunPosition position)
{
    QLockFile lock(RunStore::lockPath(folder));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0))
        throw LabError(QStringLiteral("%1: another process is training this run").arg(folder));

    RunSaver saver(identity, folder, trainer, observer, position);
    const TrainHistory history = trainer.run(&saver, control);
    if (history.completedEpochs() > 0) {
        // The model files name their run, so a model copied elsewhere still says where it came from.
        const QString runId = QFileInfo(folder).fileName();
        ModelFile model = trainer.model();
        model.summary.insert(QStringLiteral("run"), runId);
        model.save(RunStore::modelPath(folder));
        if (history.config.keepBestModel) {
            ModelFile best = trainer.bestModel();
            best.summary.insert(QStringLiteral("run"), runId);
            best.save(folder + u'/' + QLatin1String(RunStore::bestModelFileName));
        }
    }
    // A finished run needs no checkpoint; a stopped one keeps it to be resumed.
    if (history.status == RunStatus::Finished)
        QFile::remove(RunStore::checkpointPath(folder));
    const RunRecord record = saver.save(history);
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
    return trainInFolder(folder, identity, *m_prepared->trainer, observer, control, position);
}

RunRecord ExperimentRunner::resume(const QString &folder, const QString &dataFolder, RunObserver *observer,
                                   RunControl *control)
{
    const RunStore store(QFileInfo(folder).absolutePath());
    RunRecord record = store.load(folder);
    if (record.status == RunStatus::Finished)
        throw LabError(QStringLiteral("%1: the run already finished; nothing to resume").arg(folder));
    QFile checkpointFile(RunStore::checkpointPath(folder));
    if (!checkpointFile.open(QIODevice::ReadOnly))
        throw LabError(QStringLiteral("%1: no checkpoint to resume from (%2)").arg(folder, checkpointFile.errorString()));
    const QByteArray checkpoint = checkpointFile.readAll();
    auto data = Dataset::load(DataLocator::dataFolder(dataFolder));
    Trainer trainer(record.spec, record.config, data);
    trainer.restore(checkpoint, record);
    return trainInFolder(QFileInfo(folder).absoluteFilePath(), record, trainer, observer, control, RunPosition());
}

} // namespace lab
