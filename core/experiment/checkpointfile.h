#pragma once

#include "core/experiment/runrecord.h"

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * checkpoint.mnck: the trainer's state (weights, optimiser, best-model bookkeeping) and
 * the run record exactly as it was at that state (completed epochs, batch losses up to
 * the same step). Resume takes the progress from here, never from a record.json that
 * may be an epoch ahead or behind (a kill between the two writes, a full disk), so
 * record, weights and batch losses always describe the same step.
 *
 * Layout: "MNCK" · u32 version · u32 header length · JSON header {"epoch", "record"} ·
 * u64 state length · state · u32 CRC-32 of everything before. Files from before this
 * format (a bare libtorch archive) load with `legacy` set and no record.
 */
struct CheckpointFile
{
    int epoch = 0;          ///< completed epochs the state holds
    RunRecord record;       ///< the record at that state (status as it was: running)
    QByteArray state;       ///< Trainer::checkpoint()
    bool legacy = false;    ///< an old bare archive: epoch and record unknown

    QByteArray serialize() const;
    /** Throws LabError naming `name` for a truncated, corrupt or foreign file. */
    static CheckpointFile deserialize(const QByteArray &bytes, const QString &name);
    /** Atomic write. Throws LabError. */
    void save(const QString &path) const;
    /** Throws LabError ("<path>: checkpoint not found", …). */
    static CheckpointFile load(const QString &path);
};

} // namespace lab
