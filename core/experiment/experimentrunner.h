#pragma once

#include "core/experiment/runrecord.h"
#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QString>
#include <memory>

namespace lab {

class RunControl;
class TrainObserver;

/** What to run and where: the design, its hyperparameters, the data and the run store. */
struct RunRequest
{
    NetworkSpec spec;
    TrainConfig config;
    QString dataFolder;      ///< empty = DataLocator's choice
    QString runsFolder;      ///< empty = DataLocator's choice
};

/**
 * One run from request to run folder, shared by the CLI, the GUI worker and the tests.
 * prepare() validates everything and loads the data before anything is written, so bad
 * input leaves no run folder behind. run() then creates the folder, rewrites
 * record.json and a checkpoint atomically after every epoch (a killed run leaves an
 * "interrupted" record that resume() continues), and saves the model at the end.
 */
class ExperimentRunner
{
public:
    explicit ExperimentRunner(RunRequest request);
    ~ExperimentRunner();

    /** Validates and loads data. Throws LabError naming the bad input. */
    void prepare();
    /** prepare()s if needed, then trains. Returns the final record (folder set). */
    RunRecord run(TrainObserver *observer, RunControl *control);

    /** Continues the run in `folder` from its checkpoint. Throws LabError. */
    static RunRecord resume(const QString &folder, const QString &dataFolder,
                            TrainObserver *observer, RunControl *control);

    const RunRequest &request() const { return m_request; }

private:
    RunRequest m_request;
    struct Prepared;
    std::unique_ptr<Prepared> m_prepared;
};

} // namespace lab
