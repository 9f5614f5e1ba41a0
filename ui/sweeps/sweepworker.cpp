#include "ui/sweeps/sweepworker.h"

#include "core/common/laberror.h"
#include "ui/sweeps/sweepobserver.h"
#include "core/train/runcontrol.h"

#include <exception>

namespace lab {

SweepWorker::SweepWorker(QObject *parent) : QObject(parent) {}

void SweepWorker::run(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder,
                      std::shared_ptr<RunControl> control)
{
    SweepObserver observer(this);
    try {
        SweepRunner runner(sweep, dataFolder, runsFolder);
        runner.run(&observer, control.get());
        Q_EMIT finished(runner.summaryPath(), control->cancelRequested());
    } catch (const LabError &e) {
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        Q_EMIT failed(tr("Sweep failed: %1").arg(QString::fromLocal8Bit(e.what())));
    } catch (...) {
        Q_EMIT failed(tr("Sweep failed with an unknown error."));
    }
}

} // namespace lab
