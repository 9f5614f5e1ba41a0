#pragma once

#include "core/train/trainhistory.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

namespace lab {

QString runStatusName(RunStatus s);
RunStatus runStatusFromName(const QString &name);

/**
 * Everything a run produced, as saved in its folder's record.json: the trainer's
 * TrainHistory plus the run's identity (name, folder), data loading time and the
 * environment it ran on. ExperimentRunner builds it. The blog's fields (model_type,
 * test_accuracy, train_accuracy, final_train_loss, epochs, batch_size, learning_rate,
 * optimizer) come first in the JSON and keep their names and meaning; the rest is the
 * lab's superset.
 */
struct RunRecord : TrainHistory
{
    RunRecord() = default;
    /** A record of a bare trainer's history (a benchmark or a test): no folder, no environment. */
    RunRecord(const TrainHistory &history)   // NOLINT(google-explicit-constructor): a history is a record without identity
        : TrainHistory(history)
        , modelType(history.spec.name.isEmpty() ? NetworkSpec::defaultName() : history.spec.name)
    {
    }

    QString modelType;           ///< the blog's name for the design
    QString folder;              ///< the run folder (not saved; set by the store)
    QString id;                  ///< the folder's name
    double loadSeconds = 0;
    QJsonObject environment;     ///< libtorch, BLAS, threads, CPU, Qt
    /**
     * The epoch whose weights model.mnlm holds: the last one, or for a diverged run the
     * last with a finite loss; 0 while there is no model file.
     */
    int modelEpoch = 0;
    /** What resume found inconsistent on disk and repaired (e.g. a record an epoch behind its checkpoint); usually empty. */
    QString repaired;

    /** Replaces what the trainer produced, keeping the run's identity and environment. */
    void setHistory(const TrainHistory &history) { static_cast<TrainHistory &>(*this) = history; }

    /** Blog-style description: "784-50-50-10 relu, 10 ep, batch 50, Adam 1e-3". */
    QString summary() const;
    /** summary()'s four parts: design, epochs, batch size, optimizer and learning rate. */
    QStringList summaryParts() const;

    QJsonObject toJson() const;
    static RunRecord fromJson(const QJsonObject &json, const QString &where);
    /** Reads and parses a record.json. Throws LabError. */
    static RunRecord load(const QString &path);
    /** Atomic write. Throws LabError. */
    void save(const QString &path) const;
};

} // namespace lab

Q_DECLARE_METATYPE(lab::RunRecord)
