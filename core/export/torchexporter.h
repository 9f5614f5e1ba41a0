#pragma once

#include "core/model/modelfile.h"

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * Writes a lab model for PyTorch: OUT.pt is a state_dict (the zip format Python's
 * torch.load reads) whose keys are those of torch.nn.Sequential built from the spec
 * ("0.weight", "2.running_mean", …), and OUT.py beside it rebuilds that Sequential and
 * holds the normalisation, so a few lines of Python run the model:
 *
 *     import torch, model                     # model.py, written beside model.pt
 *     net = model.build()
 *     net.load_state_dict(torch.load("model.pt"))
 *     net.eval()
 *     logits = net(model.normalize(pixels))   # pixels: [N,1,28,28], 0..255
 */
class TorchExporter
{
public:
    /** The state_dict as torch.save would write it. Throws LabError naming `name`. */
    static QByteArray stateDictBytes(const ModelFile &model, const QString &name);
    /** The Python module that rebuilds the network; `ptFileName` is what load() opens. */
    static QString pythonModule(const ModelFile &model, const QString &ptFileName);
    /** The Python file written beside `ptPath`: same folder and stem, ".py". */
    static QString pythonPathFor(const QString &ptPath);
    /** Writes `ptPath` and pythonPathFor(ptPath), each atomically. Throws LabError. */
    static void save(const ModelFile &model, const QString &ptPath, const QString &name);
};

} // namespace lab
