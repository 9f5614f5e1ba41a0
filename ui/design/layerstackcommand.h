#pragma once

#include "core/model/layerspec.h"

#include <QList>
#include <QUndoCommand>

namespace lab {

class LayerTableModel;

/** One undoable change of a layer stack, stored as before/after snapshots (stacks are tiny). */
class LayerStackCommand : public QUndoCommand
{
public:
    LayerStackCommand(LayerTableModel *model, QList<LayerSpec> before, QList<LayerSpec> after,
                      const QString &text);

    void undo() override;
    void redo() override;

private:
    LayerTableModel *m_model;
    QList<LayerSpec> m_before;
    QList<LayerSpec> m_after;
};

} // namespace lab
