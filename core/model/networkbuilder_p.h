#pragma once

// PRIVATE to labcore: includes libtorch. Include only from core .cpp files, never from a
// public header (see ARCHITECTURE.md: torch stays out of headers others include).

#include "core/model/networkspec.h"
#include "core/model/shapeinference.h"

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
    /** Convolution weights are channels-last (NetworkBuilder::useChannelsLast): inputs should be too. */
    bool channelsLast = false;

    /** Runs the net; when `activations` is given it receives each module's output. */
    torch::Tensor forward(const torch::Tensor &input, std::vector<torch::Tensor> *activations = nullptr);
    /**
     * The same numbers as forward() with less work, for training and evaluation: a ReLU
     * followed by a max pool runs as pool-then-ReLU (max and ReLU commute exactly, and
     * the ReLU then touches a quarter of the values); a 2×2 max pool of channels-last
     * images, with the ReLU next to it, runs as channelsLastMaxPool; batch norm on
     * channels-last images runs as channelsLastBatchNorm; a first convolution of the
     * one-channel image with its 2×2 max pool (and, when only evaluating, a batch norm
     * between them) runs as inputConvPool.
     */
    torch::Tensor run(const torch::Tensor &input);
    /** An uninitialised N×C×H×W float tensor in the layout this network computes fastest with. */
    torch::Tensor emptyInput(int64_t n, int64_t channels, int64_t height, int64_t width) const;
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
    /** The same for a spec whose shapes were already inferred as `shapes` (the trainer's one check). */
    static int evaluationChunk(const NetworkSpec &spec, const ShapeReport &shapes);

    /** Builds and initialises the network of `spec`. Throws LabError if the shapes do not fit. */
    static BuiltNetwork build(const NetworkSpec &spec);
    /** The same for a spec whose shapes were already inferred as `shapes` (the trainer's one check). */
    static BuiltNetwork build(const NetworkSpec &spec, const ShapeReport &shapes);

    /**
     * Stores the convolution weights channels-last (NHWC), oneDNN's native layout: a
     * training step of a two-conv net at batch 256 took 40 ms instead of 104 ms (2 threads,
     * measured for issue 11). No effect on a net without convolutions. Call it before
     * handing the parameters to an optimiser; saveWeights still writes the usual layout.
     */
    static void useChannelsLast(BuiltNetwork &network);

    /** Serialises parameters and buffers (a torch archive) in the default (NCHW) layout. */
    static QByteArray saveWeights(torch::nn::Module &module);
    /** Loads weights saved by saveWeights; throws LabError naming `name` on any mismatch. */
    static void loadWeights(torch::nn::Module &module, const QByteArray &bytes, const QString &name);
};

} // namespace lab
