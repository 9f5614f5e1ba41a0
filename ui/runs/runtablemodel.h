#pragma once

#include "core/experiment/runrecord.h"

#include <QAbstractTableModel>
#include <QVector>

namespace lab {

/**
 * Every run of the store as a table: the blog's columns (model_type, test and train
 * accuracy, final train loss, epochs, batch size, learning rate, optimizer) plus date,
 * parameters, training time and how the run ended. Takes whole snapshots (reset) from
 * RunStore::list(); SortRole gives raw values for a QSortFilterProxyModel.
 */
class RunTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { ModelTypeColumn, TestAccuracyColumn, TrainAccuracyColumn, FinalLossColumn, EpochsColumn,
                  BatchSizeColumn, LearningRateColumn, OptimizerColumn, DateColumn, ParametersColumn,
                  TimeColumn, StatusColumn, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1;
    /** The run's folder (any column). */
    static constexpr int FolderRole = Qt::UserRole + 2;

    explicit RunTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** Replaces all rows with `runs`. */
    void setRuns(const QVector<RunRecord> &runs);
    const QVector<RunRecord> &runs() const { return m_runs; }
    const RunRecord &run(int row) const { return m_runs.at(row); }

private:
    QVector<RunRecord> m_runs;
};

} // namespace lab
