#pragma once

#include "core/experiment/runrecord.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace lab {

/**
 * A run's numbers for notebooks and spreadsheets: two tidy long-format CSV files, one row
 * per measurement, several runs in one file (pandas: pd.read_csv(...).pivot(...)).
 *
 *   epochs.csv   run,epoch,metric,value   train_loss, train_accuracy, test_loss,
 *                                         test_accuracy, [validation_loss,
 *                                         validation_accuracy,] learning_rate, seconds
 *   batches.csv  run,step,metric,value    train_loss of every optimiser step saved
 *                                         (steps are 1-based; long runs are thinned)
 *
 * Accuracies are percent; `run` is the run folder's name.
 */
class RunCsvExporter
{
public:
    static constexpr const char *epochsFileName = "epochs.csv";
    static constexpr const char *batchesFileName = "batches.csv";

    static QByteArray epochsCsv(const QVector<RunRecord> &runs);
    static QByteArray batchesCsv(const QVector<RunRecord> &runs);
    /**
     * Writes both files into `folder` (created if needed), each atomically. Returns their
     * paths. Throws LabError.
     */
    static QStringList save(const QVector<RunRecord> &runs, const QString &folder);
};

} // namespace lab
