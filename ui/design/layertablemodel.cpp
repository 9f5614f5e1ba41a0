#include "ui/design/layertablemodel.h"

#include "ui/design/layerstackcommand.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QUndoStack>

namespace lab {

LayerTableModel::LayerTableModel(QUndoStack *undoStack, QObject *parent)
    : QAbstractTableModel(parent), m_undoStack(undoStack)
{
    m_report = ShapeReport::infer(m_spec);
}

int LayerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_spec.layers.size());
}

int LayerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::optional<LayerSpec::Field> LayerTableModel::fieldOf(int column)
{
    switch (column) {
    case UnitsColumn: return LayerSpec::Field::Units;
    case KernelColumn: return LayerSpec::Field::Kernel;
    case StrideColumn: return LayerSpec::Field::Stride;
    case PaddingColumn: return LayerSpec::Field::Padding;
    case PColumn: return LayerSpec::Field::P;
    default: return std::nullopt;
    }
}

bool LayerTableModel::isUsed(const LayerSpec &layer, int column)
{
    const std::optional<LayerSpec::Field> field = fieldOf(column);
    return column == TypeColumn || (field && layer.uses(*field));
}

QVariant LayerTableModel::fieldValue(const LayerSpec &layer, int column) const
{
    switch (column) {
    case TypeColumn: return LayerSpec::typeName(layer.type);
    case UnitsColumn: return layer.units;
    case KernelColumn: return layer.kernel;
    case StrideColumn: return layer.stride;
    case PaddingColumn: return layer.padding;
    case PColumn: return layer.p;
    default: return QVariant();
    }
}

QVariant LayerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const int row = index.row();
    const int column = index.column();
    const LayerSpec &layer = m_spec.layers.at(row);
    const bool isError = row == m_report.errorLayer;
    // Layers after the failing one have no shape: the report stops there.
    const bool hasShape = row < m_report.layers.size() && (m_report.errorLayer < 0 || row < m_report.errorLayer);
    const bool used = isUsed(layer, column);

    switch (role) {
    case Qt::DisplayRole:
        if (column == OutputColumn) {
            if (isError)
                return errorText();
            return hasShape ? m_report.layers.at(row).output.describe() : QString();
        }
        if (column == ParamsColumn)
            return hasShape ? QLocale().toString(m_report.layers.at(row).parameters) : QString();
        if (!used)
            return QStringLiteral("—");
        if (column == PColumn)
            return QLocale().toString(layer.p, 'g', 3);
        return fieldValue(layer, column);
    case Qt::EditRole:
    case EditValueRole:
        return used ? fieldValue(layer, column) : QVariant();
    case Qt::ToolTipRole:
        if (isError)
            return tr("Does not fit. %1").arg(errorText());
        if (column == PColumn && used)
            return layer.type == LayerSpec::Type::LeakyReLU ? tr("Negative slope") : tr("Drop probability");
        return layer.describe();
    case Qt::ForegroundRole:
        if (isError && column == OutputColumn)
            return QBrush(QColor(170, 0, 0));
        if (!used)
            return QBrush(QColor(150, 150, 150));
        return QVariant();
    case Qt::BackgroundRole:
        return isError ? QVariant(QBrush(QColor(255, 220, 220))) : QVariant();
    case Qt::TextAlignmentRole:
        if (column == TypeColumn || column == OutputColumn)
            return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case ErrorRole:
        return isError;
    default:
        return QVariant();
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return QVariant();
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case TypeColumn: return tr("Type");
    case UnitsColumn: return tr("Units / channels");
    case KernelColumn: return tr("Kernel");
    case StrideColumn: return tr("Stride");
    case PaddingColumn: return tr("Padding");
    case PColumn: return tr("p / slope");
    case OutputColumn: return tr("Output shape");
    case ParamsColumn: return tr("Parameters");
    default: return QVariant();
    }
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const LayerSpec &layer = m_spec.layers.at(index.row());
    if (isUsed(layer, index.column()))
        f |= Qt::ItemIsEditable;
    return f;
}

bool LayerTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid)
        || !(flags(index) & Qt::ItemIsEditable))
        return false;
    QList<LayerSpec> layers = m_spec.layers;
    LayerSpec &layer = layers[index.row()];
    bool ok = true;
    switch (index.column()) {
    case TypeColumn: {
        LayerSpec::Type type;
        if (!LayerSpec::typeFromName(value.toString(), &type))
            return false;
        if (type == layer.type)
            return false;
        // A fresh layer of the new type keeps the width when both have one.
        LayerSpec fresh = LayerSpec::defaultFor(type);
        if (fresh.uses(LayerSpec::Field::Units) && layer.uses(LayerSpec::Field::Units))
            fresh.units = layer.units;
        layer = fresh;
        break;
    }
    case UnitsColumn: layer.units = value.toInt(&ok); break;
    case KernelColumn: layer.kernel = value.toInt(&ok); break;
    case StrideColumn: layer.stride = value.toInt(&ok); break;
    case PaddingColumn: layer.padding = value.toInt(&ok); break;
    case PColumn: layer.p = value.toDouble(&ok); break;
    default: return false;
    }
    if (!ok || layers == m_spec.layers)
        return false;
    pushLayers(layers, tr("Edit layer %1").arg(index.row() + 1));
    return true;
}

void LayerTableModel::setSpec(const NetworkSpec &spec, const QString &undoText)
{
    if (undoText.isEmpty()) {
        beginResetModel();
        m_spec = spec;
        m_report = ShapeReport::infer(m_spec);
        endResetModel();
        if (m_undoStack)
            m_undoStack->clear();
        Q_EMIT stackChanged();
        return;
    }
    // The non-layer parts (name, input, init) are not part of the undo history.
    m_spec.name = spec.name;
    m_spec.inputChannels = spec.inputChannels;
    m_spec.inputHeight = spec.inputHeight;
    m_spec.inputWidth = spec.inputWidth;
    m_spec.init = spec.init;
    pushLayers(spec.layers, undoText);
}

void LayerTableModel::insertLayer(int row, const LayerSpec &layer)
{
    row = qBound(0, row, rowCount());
    QList<LayerSpec> layers = m_spec.layers;
    layers.insert(row, layer);
    pushLayers(layers, tr("Add %1").arg(layer.describe()));
}

void LayerTableModel::removeLayer(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    QList<LayerSpec> layers = m_spec.layers;
    const LayerSpec removed = layers.takeAt(row);
    pushLayers(layers, tr("Remove %1").arg(removed.describe()));
}

int LayerTableModel::moveLayer(int row, int delta)
{
    const int target = row + delta;
    if (row < 0 || row >= rowCount() || target < 0 || target >= rowCount() || delta == 0)
        return row;
    QList<LayerSpec> layers = m_spec.layers;
    layers.move(row, target);
    pushLayers(layers, tr("Move %1").arg(layers.at(target).describe()));
    return target;
}

void LayerTableModel::pushLayers(const QList<LayerSpec> &layers, const QString &text)
{
    if (m_undoStack)
        m_undoStack->push(new LayerStackCommand(this, m_spec.layers, layers, text));   // push() calls redo()
    else
        applyLayers(layers);
}

void LayerTableModel::applyLayers(const QList<LayerSpec> &layers)
{
    if (layers.size() == m_spec.layers.size()) {
        // Same row count: keep the view's selection and editors, just refresh every cell
        // (a change in one layer can move the error marker and every later shape).
        m_spec.layers = layers;
        m_report = ShapeReport::infer(m_spec);
        if (!layers.isEmpty())
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    } else {
        beginResetModel();
        m_spec.layers = layers;
        m_report = ShapeReport::infer(m_spec);
        endResetModel();
    }
    Q_EMIT stackChanged();
}

QString LayerTableModel::errorText() const
{
    QString text = m_report.error;
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

} // namespace lab
