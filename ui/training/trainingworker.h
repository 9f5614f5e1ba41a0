#pragma once

#include "core/experiment/experimentrunner.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"

#include <QObject>
#include <QVector>

#include <memory>

namespace lab {

class RunControl;

/**
 * Runs one ExperimentRunner at a time on the thread it lives on (a QThread owned by
 * TrainingSession). Everything it reports leaves as signals carrying value copies, which
 * Qt queues to the receivers on the GUI thread. It never touches a widget.
 */
class TrainingWorker : public QObject
{
    Q_OBJECT

public:
    explicit TrainingWorker(QObject *parent = nullptr);

    /** Prepares and trains; blocks this worker's thread until the run ends. Call it queued. */
    void run(const RunRequest &request, std::shared_ptr<RunControl> control);

Q_SIGNALS:
    /** Data loaded and the run folder created (the record has the folder). */
    void started(lab::RunRecord record);
    /** A chunk of optimiser steps, coalesced so the GUI thread gets ~40 events per second. */
    void batches(QVector<lab::BatchProgress> steps);
    void epochFinished(lab::EpochMetrics metrics);
    /** The run ended; the record's status says how (finished, cancelled, diverged, failed). */
    void ended(lab::RunRecord record);
    /** The run could not start or crashed with an exception; nothing more will come. */
    void failed(QString message);
};

} // namespace lab
