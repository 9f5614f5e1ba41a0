#pragma once

#include "core/experiment/runobserver.h"
#include "core/experiment/runrecord.h"
#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QString>
#include <memory>

namespace lab {

class RunControl;

/** What to run and where: the design, its hyperparameters, the data and the run store. */
struct RunRequest
{
    NetworkSpec spec;
    TrainConfig config;
    QString dataFolder;      ///< empty = DataLocator's choice
    QString runsFolder;      ///< empty = DataLocator's choice
    /**
     * The run folder's name inside the store; empty = a new "<time>-<model_type>". A sweep
     * task names its own ("<sweep id>-t0003"), so a re-run on any host finds its run.
     * The folder must not exist yet.
     */
    QString folderName;
};

/**
 * One run from request to run folder, shared by the CLI, the GUI worker and the tests.
 * prepare() validates everything and loads the data before anything is written, so bad
 * input leaves no run folder behind. run() then creates the folder, lets the Trainer
 * train, builds the RunRecord from the trainer's history, rewrites record.json and a
 * checkpoint atomically after every epoch (a killed run leaves an "interrupted" record
 * that resume() continues), and saves the model at the end. Progress goes to one
 * RunObserver: started, batches, epochs, ended once.
 */
class ExperimentRunner
{
public:
    explicit ExperimentRunner(RunRequest request);
    ~ExperimentRunner();

    /** Validates and loads data. Throws LabError naming the bad input. */
    void prepare();
    /**
     * prepare()s if needed, then trains. Returns the final record (folder set). `position`
     * is what the observer is told about where this run sits (a sweep's run i of N).
     */
    RunRecord run(RunObserver *observer, RunControl *control, RunPosition position = {});

    /** Continues the run in `folder` from its checkpoint. Throws LabError. */
    static RunRecord resume(const QString &folder, const QString &dataFolder,
                            RunObserver *observer, RunControl *control);

    const RunRequest &request() const { return m_request; }

private:
    RunRequest m_request;
    struct Prepared;
    std::unique_ptr<Prepared> m_prepared;
};

} // namespace lab
