#pragma once

#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"
#include "core/train/epochmetrics.h"

#include <QObject>
#include <QString>

#include <memory>

namespace lab {

class RunControl;

/**
 * Runs one SweepRunner at a time on the thread it lives on (owned by SweepSession).
 * Everything it reports leaves as signals carrying value copies, queued by Qt to the
 * receivers on the GUI thread. It never touches a widget.
 */
class SweepWorker : public QObject
{
    Q_OBJECT

public:
    explicit SweepWorker(QObject *parent = nullptr);

    /** Runs the whole sweep; blocks this worker's thread until it ends. Call it queued. */
    void run(const Sweep &sweep, const QString &dataFolder, const QString &runsFolder,
             std::shared_ptr<RunControl> control);

Q_SIGNALS:
    /** Run `index` (0-based) of `total` is about to load its data and train. */
    void runStarting(int index, int total, QString name);
    /** The newest optimiser step of the current run (a few per second at most). */
    void batchProgress(lab::BatchProgress progress);
    void epochFinished(int epoch, double testAccuracy);
    /** Run `index` ended and is in the run store; the record's status says how. */
    void runEnded(int index, lab::RunRecord record);
    /** The sweep ended: all runs done, or stopped early when `cancelled`. */
    void finished(QString summaryPath, bool cancelled);
    /** The sweep could not start or a run threw; nothing more will come. */
    void failed(QString message);
};

} // namespace lab
