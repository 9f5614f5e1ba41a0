#pragma once

#include <QStyledItemDelegate>

namespace lab {

/**
 * Inline editors for the layer table: a combo box of layer types, spin boxes with
 * sensible ranges for widths, kernels, strides and paddings, and a double spin box for
 * dropout probabilities / slopes. The model validates the whole stack after each commit.
 */
class LayerDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    explicit LayerDelegate(QObject *parent = nullptr);

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                          const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const override;
};

} // namespace lab
