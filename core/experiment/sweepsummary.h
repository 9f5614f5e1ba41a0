#pragma once

#include "core/experiment/runrecord.h"
#include "core/experiment/sweep.h"

#include <QString>
#include <QVector>

namespace lab {

/**
 * A sweep summary file read back: the one an in-process sweep writes
 * (<runs>/sweeps/<time>-<name>.json) or `sweep --collect` writes
 * (<runs>/sweeps/<sweep id>-collected.json). Each run's record is read from its folder
 * when it is still there; otherwise it is rebuilt from the summary's own number, which
 * is enough to redraw the sweep's metric.
 */
struct SweepSummary
{
    Sweep sweep;
    QVector<SweepPoint> points;     ///< the grid points of the summary's runs, in its order
    QVector<RunRecord> records;     ///< ↔ points
    int plannedRuns = 0;
    int recordsFromFolders = 0;     ///< how many records came from their run folders

    /** Throws LabError naming `path` when it is not a sweep summary. */
    static SweepSummary load(const QString &path);
};

} // namespace lab
