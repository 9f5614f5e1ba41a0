#include "core/experiment/experimentrunner.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/experiment/runstore.h"
#include "core/model/shapeinference.h"
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

// Training allocates weights, gradients, optimiser state and activations; refuse designs
// that cannot fit before any of it is allocated.
constexpr qint64 maxTrainingBytes = qint64(16) * 1024 * 1024 * 1024;

void checkDesign(const NetworkSpec &spec, const TrainConfig &config)
{
    const ShapeReport shapes = ShapeReport::infer(spec);
    if (!shapes.ok())
        throw LabError(QStringLiteral("network %1: %2").arg(spec.name, shapes.error));
    const qint64 bytes = shapes.trainingBytes(config.batchSize);
    if (bytes > maxTrainingBytes)
        throw LabError(QStringLiteral("network %1: training it at batch %2 needs about %3 GB of memory (limit %4 GB); "
                                      "make the layers narrower or the batch smaller")
                           .arg(spec.name).arg(config.batchSize).arg(double(bytes) / 1e9, 0, 'f', 1)
                           .arg(double(maxTrainingBytes) / 1e9, 0, 'f', 1));
}

// The record as it belongs to its run folder (id and folder set), saved there atomically.
RunRecord saveInFolder(const RunRecord &record, const QString &folder)
{
    RunRecord copy = record;
    copy.id = QFileInfo(folder).fileName();
    copy.folder = folder;
    copy.save(RunStore::recordPath(folder));
    return copy;
}

// Saves record + checkpoint after every epoch; the checkpoint first, so a record never
// claims an epoch the checkpoint does not hold.
class Autosaver
{
public:
    Autosaver(QString folder, Trainer &trainer) : m_folder(std::move(folder)), m_trainer(trainer) {}

    void operator()(const RunRecord &record) const
    {
        AtomicFile::write(RunStore::checkpointPath(m_folder), m_trainer.checkpoint());
        saveInFolder(record, m_folder);
    }

private:
    QString m_folder;
    Trainer &m_trainer;
};

// Writes the "running" record as soon as training starts, so even a run killed in its
// first epoch leaves a record behind; forwards everything to the caller's observer.
class StartSaver : public TrainObserver
{
public:
    StartSaver(QString folder, TrainObserver *next) : m_folder(std::move(folder)), m_next(next) {}
    void onStarted(const RunRecord &record) override
    {
        // The observer gets the folder too: the GUI shows and exports into it while the run goes on.
        const RunRecord saved = saveInFolder(record, m_folder);
        if (m_next)
            m_next->onStarted(saved);
    }
    void onBatch(const BatchProgress &p) override { if (m_next) m_next->onBatch(p); }
    void onEpoch(const EpochMetrics &m) override { if (m_next) m_next->onEpoch(m); }
    // onEnded is reported by trainInFolder once the model and the final record are on disk.

private:
    QString m_folder;
    TrainObserver *m_next;
};

RunRecord trainInFolder(const QString &folder, Trainer &trainer, TrainObserver *observer, RunControl *control)
{
    QLockFile lock(RunStore::lockPath(folder));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0))
        throw LabError(QStringLiteral("%1: another process is training this run").arg(folder));
    trainer.setEpochHook(Autosaver(folder, trainer));

    StartSaver saver(folder, observer);
    RunRecord record = trainer.run(&saver, control);
    if (record.completedEpochs() > 0) {
        // The model files name their run, so a model copied elsewhere still says where it came from.
        const QString runId = QFileInfo(folder).fileName();
        ModelFile model = trainer.model();
        model.summary.insert(QStringLiteral("run"), runId);
        model.save(RunStore::modelPath(folder));
        if (record.config.keepBestModel) {
            ModelFile best = trainer.bestModel();
            best.summary.insert(QStringLiteral("run"), runId);
            best.save(folder + u'/' + QLatin1String(RunStore::bestModelFileName));
        }
    }
    // A finished run needs no checkpoint; a stopped one keeps it to be resumed.
    if (record.status == RunStatus::Finished)
        QFile::remove(RunStore::checkpointPath(folder));
    record = saveInFolder(record, folder);
    if (observer)
        observer->onEnded(record);
    return record;
}

} // namespace

ExperimentRunner::ExperimentRunner(RunRequest request)
    : m_request(std::move(request))
{
    if (m_request.spec.name.isEmpty())
        m_request.spec.name = QStringLiteral("custom");
}

ExperimentRunner::~ExperimentRunner() = default;

void ExperimentRunner::prepare()
{
    if (m_prepared)
        return;
    m_request.config.ensureValid(QStringLiteral("training configuration"));
    checkDesign(m_request.spec, m_request.config);
    auto prepared = std::make_unique<Prepared>();
    prepared->data = Dataset::load(DataLocator::dataFolder(m_request.dataFolder));
    prepared->trainer = std::make_unique<Trainer>(m_request.spec, m_request.config, prepared->data);
    m_prepared = std::move(prepared);
}

RunRecord ExperimentRunner::run(TrainObserver *observer, RunControl *control)
{
    prepare();
    const RunStore store(DataLocator::runsFolder(m_request.runsFolder));
    const QString folder = store.createRunFolder(m_request.spec.name);
    return trainInFolder(folder, *m_prepared->trainer, observer, control);
}

RunRecord ExperimentRunner::resume(const QString &folder, const QString &dataFolder, TrainObserver *observer,
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
    checkDesign(record.spec, record.config);
    auto data = Dataset::load(DataLocator::dataFolder(dataFolder));
    Trainer trainer(record.spec, record.config, data);
    trainer.restore(checkpoint, record);
    return trainInFolder(QFileInfo(folder).absoluteFilePath(), trainer, observer, control);
}

} // namespace lab
