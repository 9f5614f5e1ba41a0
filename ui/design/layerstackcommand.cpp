#include "ui/design/layerstackcommand.h"

#include "ui/design/layertablemodel.h"

namespace lab {

LayerStackCommand::LayerStackCommand(LayerTableModel *model, QList<LayerSpec> before,
                                     QList<LayerSpec> after, const QString &text)
    : QUndoCommand(text), m_model(model), m_before(std::move(before)), m_after(std::move(after))
{
}

void LayerStackCommand::undo() { m_model->applyLayers(m_before); }
void LayerStackCommand::redo() { m_model->applyLayers(m_after); }

} // namespace lab
