#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files, never from a
// public header (see ARCHITECTURE.md: torch stays out of headers others include).

#include "core/model/networkspec.h"

#include <QByteArray>
#include <QString>
#include <torch/torch.h>
#include <vector>

namespace lab {

/** A weight layer (Linear or Conv2d) inside the built network, for diagnostics. */
struct WeightLayer
{
    int specIndex = 0;           ///< index in NetworkSpec::layers
    size_t moduleIndex = 0;      ///< index in the Sequential
    QString name;
    int reluModuleIndex = -1;    ///< the ReLU right after it (BatchNorm/Dropout may sit between), or -1
    torch::Tensor weight;
};

/** The torch network of a spec, plus where its weight layers are. */
struct BuiltNetwork
{
    torch::nn::Sequential net;
    std::vector<WeightLayer> weightLayers;

    /** Runs the net; when `activations` is given it receives each module's output. */
    torch::Tensor forward(const torch::Tensor &input, std::vector<torch::Tensor> *activations = nullptr);
};

class NetworkBuilder
{
public:
    /**
     * How many images to push through the network at once when only evaluating: large
     * chunks for MLPs, smaller ones for convolutions whose intermediate buffers grow with
     * the chunk (2000 images of a CNN need gigabytes and crawl). The trainer and the
     * Predictor use the same value so a saved model scores exactly what its run reported.
     */
    static int evaluationChunk(const NetworkSpec &spec);

    /** Builds and initialises the network of `spec`. Throws LabError if the shapes do not fit. */
    static BuiltNetwork build(const NetworkSpec &spec);

    /** Serialises parameters and buffers (a torch archive). */
    static QByteArray saveWeights(torch::nn::Module &module);
    /** Loads weights saved by saveWeights; throws LabError naming `name` on any mismatch. */
    static void loadWeights(torch::nn::Module &module, const QByteArray &bytes, const QString &name);
};

} // namespace lab
