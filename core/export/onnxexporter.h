#pragma once

#include "core/model/modelfile.h"

#include <QByteArray>
#include <QString>

namespace lab {

/**
 * Writes a lab model as ONNX (opset 13) through Debian's ONNX library, for Netron, ONNX
 * Runtime, OpenCV's DNN module and the tools that import ONNX.
 *
 * The graph takes `image` [N,1,28,28] float, already z-scored as the lab does
 * ((pixel/255 - mean) / std), and answers `logits` [N,10]. The normalisation constants
 * travel in the model's metadata (normalization_mean, normalization_std), not as a node,
 * so the graph is exactly the trained network. Linear becomes Gemm, BatchNorm stays
 * BatchNormalization (running statistics), Dropout disappears (inference), GELU is
 * spelled out as 0.5·x·(1 + Erf(x/√2)) since opset 13 has no Gelu. Initialisers keep the
 * names torch.nn.Sequential gives the tensors ("0.weight"), like the PyTorch export.
 */
class OnnxExporter
{
public:
    static constexpr int opsetVersion = 13;

    /**
     * The serialised ModelProto, accepted by onnx::checker. Throws LabError naming
     * `name` when the weights do not fit the spec or the checker refuses the graph.
     */
    static QByteArray toBytes(const ModelFile &model, const QString &name);
    /** toBytes() written atomically to `path`. */
    static void save(const ModelFile &model, const QString &path, const QString &name);
};

} // namespace lab
