#include "ui/design/layerdelegate.h"

#include "ui/design/layertablemodel.h"
#include "core/model/layerspec.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>

namespace lab {

LayerDelegate::LayerDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

QWidget *LayerDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                     const QModelIndex &index) const
{
    switch (index.column()) {
    case LayerTableModel::TypeColumn: {
        auto *combo = new QComboBox(parent);
        combo->addItems(LayerSpec::allTypeNames());
        return combo;
    }
    case LayerTableModel::UnitsColumn:
    case LayerTableModel::KernelColumn:
    case LayerTableModel::StrideColumn:
    case LayerTableModel::PaddingColumn: {
        auto *spin = new QSpinBox(parent);
        switch (index.column()) {
        // 0 is let through so the page says why it cannot train (a spin box would silently put the old width back).
        case LayerTableModel::UnitsColumn: spin->setRange(0, 100000); break;
        case LayerTableModel::KernelColumn: spin->setRange(1, 28); break;
        case LayerTableModel::StrideColumn: spin->setRange(0, 28); break;   // 0: MaxPool stride = kernel
        default: spin->setRange(0, 14); break;
        }
        spin->setAccelerated(true);
        return spin;
    }
    case LayerTableModel::PColumn: {
        auto *spin = new QDoubleSpinBox(parent);
        spin->setRange(0.0, 1.0);
        spin->setDecimals(3);
        spin->setSingleStep(0.05);
        return spin;
    }
    default:
        return QStyledItemDelegate::createEditor(parent, option, index);
    }
}

void LayerDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    const QVariant value = index.data(LayerTableModel::EditValueRole);
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        combo->setCurrentText(value.toString());
    else if (auto *spin = qobject_cast<QSpinBox *>(editor))
        spin->setValue(value.toInt());
    else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(editor))
        dspin->setValue(value.toDouble());
    else
        QStyledItemDelegate::setEditorData(editor, index);
}

void LayerDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    if (auto *combo = qobject_cast<QComboBox *>(editor))
        model->setData(index, combo->currentText());
    else if (auto *spin = qobject_cast<QSpinBox *>(editor)) {
        spin->interpretText();
        model->setData(index, spin->value());
    } else if (auto *dspin = qobject_cast<QDoubleSpinBox *>(editor)) {
        dspin->interpretText();
        model->setData(index, dspin->value());
    } else
        QStyledItemDelegate::setModelData(editor, model, index);
}

void LayerDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option,
                                         const QModelIndex &) const
{
    editor->setGeometry(option.rect);
}

} // namespace lab
