#include "ui/runs/runtablemodel.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace lab {

RunTableModel::RunTableModel(QObject *parent) : QAbstractTableModel(parent) {}

int RunTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void RunTableModel::setRuns(const QVector<RunRecord> &runs)
{
    beginResetModel();
    m_runs = runs;
    endResetModel();
}

QVariant RunTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const RunRecord &r = m_runs.at(index.row());
    const QLocale locale;
    const bool hasEpochs = r.completedEpochs() > 0;
    if (role == FolderRole)
        return r.folder;
    if (role == Qt::ToolTipRole) {
        QString tip = r.summary() + u'\n' + r.spec.describe() + u'\n' + r.folder;
        if (!r.statusDetail.isEmpty())
            tip += u'\n' + r.statusDetail;
        return tip;
    }
    if (role == Qt::TextAlignmentRole) {
        switch (index.column()) {
        case ModelTypeColumn: case OptimizerColumn: case DateColumn: case StatusColumn:
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        default:
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == StatusColumn) {
        switch (r.status) {
        case RunStatus::Finished: return QBrush(QColor(20, 110, 20));
        case RunStatus::Running: return QBrush(QColor(30, 70, 160));
        case RunStatus::Cancelled: case RunStatus::Interrupted: return QBrush(QColor(140, 100, 0));
        default: return QBrush(QColor(170, 0, 0));
        }
    }
    if (role != Qt::DisplayRole && role != SortRole)
        return QVariant();
    const bool sort = role == SortRole;
    switch (index.column()) {
    case ModelTypeColumn: return r.modelType.isEmpty() ? r.id : r.modelType;
    case TestAccuracyColumn:
        if (sort) return hasEpochs ? r.testAccuracy : -1.0;
        return hasEpochs ? locale.toString(r.testAccuracy, 'f', 2) : QStringLiteral("–");
    case TrainAccuracyColumn:
        if (sort) return hasEpochs ? r.trainAccuracy : -1.0;
        return hasEpochs ? locale.toString(r.trainAccuracy, 'f', 2) : QStringLiteral("–");
    case FinalLossColumn:
        if (sort) return hasEpochs ? r.finalTrainLoss : 1e300;
        return hasEpochs ? locale.toString(r.finalTrainLoss, 'f', 4) : QStringLiteral("–");
    case EpochsColumn:
        if (sort) return r.completedEpochs();
        return r.completedEpochs() == r.config.epochs ? QString::number(r.config.epochs)
                                                      : QStringLiteral("%1/%2").arg(r.completedEpochs()).arg(r.config.epochs);
    case BatchSizeColumn: return r.config.batchSize;
    case LearningRateColumn:
        return sort ? QVariant(r.config.learningRate) : QVariant(QString::number(r.config.learningRate, 'g', 4));
    case OptimizerColumn: return TrainConfig::optimizerName(r.config.optimizer);
    case DateColumn:
        return sort ? QVariant(r.started) : QVariant(r.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    case ParametersColumn: return sort ? QVariant(r.parameters) : QVariant(locale.toString(r.parameters));
    case TimeColumn:
        return sort ? QVariant(r.trainSeconds) : QVariant(locale.toString(r.trainSeconds, 'f', 1) + QStringLiteral(" s"));
    case StatusColumn: return runStatusName(r.status);
    default: return QVariant();
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != Qt::ToolTipRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    // Words for the reader; the record.json field (the blog's names) in the tooltip.
    struct Header { const char *field; QString title; };
    Header h{nullptr, QString()};
    switch (section) {
    case ModelTypeColumn: h = {"model_type", tr("Model")}; break;
    case TestAccuracyColumn: h = {"test_accuracy", tr("Test acc. %")}; break;
    case TrainAccuracyColumn: h = {"train_accuracy", tr("Train acc. %")}; break;
    case FinalLossColumn: h = {"final_train_loss", tr("Final loss")}; break;
    case EpochsColumn: h = {"epochs", tr("Epochs")}; break;
    case BatchSizeColumn: h = {"batch_size", tr("Batch")}; break;
    case LearningRateColumn: h = {"learning_rate", tr("Learning rate")}; break;
    case OptimizerColumn: h = {"optimizer", tr("Optimizer")}; break;
    case DateColumn: h = {nullptr, tr("Date")}; break;
    case ParametersColumn: h = {nullptr, tr("Parameters")}; break;
    case TimeColumn: h = {nullptr, tr("Train time")}; break;
    case StatusColumn: h = {nullptr, tr("Status")}; break;
    default: return QVariant();
    }
    if (role == Qt::DisplayRole)
        return h.title;
    return h.field ? tr("%1 (record.json: %2)").arg(h.title, QLatin1String(h.field)) : QVariant();
}

} // namespace lab
