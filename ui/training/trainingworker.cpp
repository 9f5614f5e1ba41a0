#include "ui/training/trainingworker.h"

#include "core/common/laberror.h"
#include "core/train/runcontrol.h"
#include "ui/training/queuedobserver.h"

#include <exception>

namespace lab {

TrainingWorker::TrainingWorker(QObject *parent) : QObject(parent) {}

void TrainingWorker::run(const RunRequest &request, std::shared_ptr<RunControl> control)
{
    QueuedObserver observer(this, control.get());
    try {
        ExperimentRunner runner(request);
        runner.prepare();
        RunRecord record = runner.run(&observer, control.get());
        observer.flush();
        Q_EMIT ended(record);
    } catch (const LabError &e) {
        observer.flush();
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        observer.flush();
        Q_EMIT failed(tr("Training failed: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        observer.flush();
        Q_EMIT failed(tr("Training failed with an unknown error."));
    }
}

} // namespace lab
