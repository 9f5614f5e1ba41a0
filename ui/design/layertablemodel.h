#pragma once

#include "core/model/networkspec.h"
#include "core/model/shapeinference.h"

#include <QAbstractTableModel>
#include <QList>
#include <optional>

QT_BEGIN_NAMESPACE
class QUndoStack;
QT_END_NAMESPACE

namespace lab {

/**
 * The layer stack of a design as a table: one row per layer, one column per field, plus
 * the inferred output shape and parameter count. Every edit goes through the undo stack
 * as a whole-stack snapshot, and the shape report is recomputed after each change so the
 * first layer that does not fit is marked with the reason.
 */
class LayerTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { TypeColumn, UnitsColumn, KernelColumn, StrideColumn, PaddingColumn, PColumn,
                  OutputColumn, ParamsColumn, ColumnCount };
    /** Role carrying the raw value of an editable field (int, double or the type name). */
    static constexpr int EditValueRole = Qt::UserRole + 1;
    /** Role: true on the row of the first layer that does not fit. */
    static constexpr int ErrorRole = Qt::UserRole + 2;

    explicit LayerTableModel(QUndoStack *undoStack, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;

    /** The whole design (input shape, name, init and layers). */
    NetworkSpec spec() const { return m_spec; }
    /** Replaces the design; undoable when `undoText` is not empty, else it clears history. */
    void setSpec(const NetworkSpec &spec, const QString &undoText = QString());
    const ShapeReport &report() const { return m_report; }
    /** The report's error as a sentence ("Layer 4 (Linear(7)): …"); it names the layer itself. */
    QString errorText() const;

    /** Inserts `layer` before `row` (row == rowCount() appends). Undoable. */
    void insertLayer(int row, const LayerSpec &layer);
    /** Removes the layer at `row`. Undoable. */
    void removeLayer(int row);
    /** Moves the layer at `row` by `delta` (-1 up, +1 down). Undoable. Returns the new row. */
    int moveLayer(int row, int delta);

    /** Applies a layer list without touching the undo stack (used by the undo commands). */
    void applyLayers(const QList<LayerSpec> &layers);

Q_SIGNALS:
    /** The stack changed (edit, undo, redo, preset); the report is already updated. */
    void stackChanged();

private:
    void pushLayers(const QList<LayerSpec> &layers, const QString &text);
    QVariant fieldValue(const LayerSpec &layer, int column) const;
    /** The layer setting a column edits (none for type, shape and parameter columns). */
    static std::optional<LayerSpec::Field> fieldOf(int column);
    /** Whether the column means something for this layer (editable, not greyed). */
    static bool isUsed(const LayerSpec &layer, int column);

    QUndoStack *m_undoStack;
    NetworkSpec m_spec;
    ShapeReport m_report;
};

} // namespace lab
