#pragma once

#include "core/experiment/runrecord.h"

#include <QString>
#include <QVector>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace lab {

/**
 * The GUI's exports (File → Export model…, Runs page → Export model… / Export CSV…): a
 * model as ONNX or PyTorch chosen by the file name, runs as tidy CSV. The plain functions
 * do the work and return an error (empty on success); the interactive ones ask for the
 * place and report.
 */
class RunExport
{
public:
    /** The file dialog's filters; the chosen one decides a suffix the user left out. */
    static QString modelFilters();

    /** Writes `modelPath` (.mnlm) as `target`: .onnx → ONNX, .pt → PyTorch (+ .py). */
    static QString exportModel(const QString &modelPath, const QString &target);
    /** Writes epochs.csv and batches.csv of `runs` into `folder`. */
    static QString exportCsv(const QVector<RunRecord> &runs, const QString &folder);

    /** Asks where (named after `suggestedName`), exports, says where it went or what failed. */
    static void exportModelInteractive(QWidget *parent, const QString &modelPath, const QString &suggestedName);
    /** Asks for a folder, exports, says what was written or what failed. */
    static void exportCsvInteractive(QWidget *parent, const QVector<RunRecord> &runs);
};

} // namespace lab
