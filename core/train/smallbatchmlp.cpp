#include "train/smallbatchmlp_p.h"

#include <algorithm>
#include <cmath>

namespace lab {

namespace {

// Eight independent partial sums: the compiler keeps them in vector registers, where one
// running sum would serialise every addition (strict float order forbids reassociating it).
float dot(const float *a, const float *b, int n)
{
    float acc[8] = {};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; ++j)
            acc[j] += a[i + j] * b[i + j];
    float sum = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    for (; i < n; ++i)
        sum += a[i] * b[i];
    return sum;
}

// y += alpha * x: no reduction, so it vectorises as written.
void axpy(float *y, const float *x, float alpha, int n)
{
    for (int i = 0; i < n; ++i)
        y[i] += alpha * x[i];
}

} // namespace

std::unique_ptr<SmallBatchMlp> SmallBatchMlp::tryCreate(const NetworkSpec &spec, const BuiltNetwork &network)
{
    auto mlp = std::unique_ptr<SmallBatchMlp>(new SmallBatchMlp());
    int features = spec.inputChannels * spec.inputHeight * spec.inputWidth;
    size_t weightLayer = 0;
    for (const LayerSpec &l : spec.layers) {
        switch (l.type) {
        case LayerSpec::Type::Flatten:
            if (!mlp->m_layers.empty())
                return nullptr;   // only the leading Flatten is a no-op on flat images
            break;
        case LayerSpec::Type::Linear: {
            if (weightLayer >= network.weightLayers.size())
                return nullptr;
            auto linear = network.net->ptr(network.weightLayers[weightLayer++].moduleIndex)->as<torch::nn::Linear>();
            if (!linear || !linear->bias.defined() || linear->weight.size(1) != features)
                return nullptr;
            Layer layer;
            layer.weight = linear->weight;
            layer.bias = linear->bias;
            layer.weightGrad = torch::zeros_like(linear->weight);
            layer.biasGrad = torch::zeros_like(linear->bias);
            layer.in = features;
            layer.out = l.units;
            layer.output.resize(size_t(maxBatch) * size_t(l.units));
            mlp->m_layers.push_back(std::move(layer));
            features = l.units;
            break;
        }
        case LayerSpec::Type::ReLU:
        case LayerSpec::Type::LeakyReLU:
        case LayerSpec::Type::Sigmoid:
        case LayerSpec::Type::Tanh: {
            if (mlp->m_layers.empty() || mlp->m_layers.back().activation != Activation::None)
                return nullptr;
            Layer &last = mlp->m_layers.back();
            if (l.type == LayerSpec::Type::ReLU)
                last.activation = Activation::ReLU;
            else if (l.type == LayerSpec::Type::Sigmoid)
                last.activation = Activation::Sigmoid;
            else if (l.type == LayerSpec::Type::Tanh)
                last.activation = Activation::Tanh;
            else {
                // The backward pass reads the sign of the input off the output: needs slope >= 0.
                if (l.p < 0)
                    return nullptr;
                last.activation = Activation::LeakyReLU;
                last.slope = float(l.p);
            }
            break;
        }
        default:
            return nullptr;   // Dropout, GELU, BatchNorm, convolutions: libtorch's autograd
        }
    }
    if (mlp->m_layers.empty() || mlp->m_layers.back().activation != Activation::None
        || weightLayer != network.weightLayers.size())
        return nullptr;   // the logits must come straight out of the last Linear
    int widest = 0;
    for (const Layer &layer : mlp->m_layers)
        widest = std::max({widest, layer.in, layer.out});
    mlp->m_delta.resize(size_t(maxBatch) * size_t(widest));
    mlp->m_deltaBelow.resize(size_t(maxBatch) * size_t(widest));
    return mlp;
}

double SmallBatchMlp::forwardBackward(const float *images, const std::int64_t *labels, int batch)
{
    // Forward: each layer's output (after its activation) stays for the backward pass.
    const float *input = images;
    for (Layer &layer : m_layers) {
        const float *w = layer.weight.data_ptr<float>();
        const float *bias = layer.bias.data_ptr<float>();
        float *out = layer.output.data();
        for (int o = 0; o < layer.out; ++o) {
            const float *row = w + size_t(o) * size_t(layer.in);
            for (int b = 0; b < batch; ++b)
                out[b * layer.out + o] = bias[o] + dot(row, input + size_t(b) * size_t(layer.in), layer.in);
        }
        const int n = batch * layer.out;
        switch (layer.activation) {
        case Activation::None:
            break;
        case Activation::ReLU:
            for (int i = 0; i < n; ++i)
                out[i] = out[i] > 0.0f ? out[i] : 0.0f;
            break;
        case Activation::LeakyReLU:
            for (int i = 0; i < n; ++i)
                out[i] = out[i] > 0.0f ? out[i] : out[i] * layer.slope;
            break;
        case Activation::Sigmoid:
            for (int i = 0; i < n; ++i)
                out[i] = 1.0f / (1.0f + std::exp(-out[i]));
            break;
        case Activation::Tanh:
            for (int i = 0; i < n; ++i)
                out[i] = std::tanh(out[i]);
            break;
        }
        input = out;
    }

    // Cross-entropy (mean over the batch) and its gradient w.r.t. the logits: softmax - one-hot.
    const Layer &top = m_layers.back();
    const int classes = top.out;
    double lossSum = 0;
    float *delta = m_delta.data();
    for (int b = 0; b < batch; ++b) {
        const float *z = top.output.data() + b * classes;
        const float zMax = *std::max_element(z, z + classes);
        float sum = 0;
        for (int c = 0; c < classes; ++c)
            sum += std::exp(z[c] - zMax);
        const int label = int(labels[b]);
        lossSum += double(zMax + std::log(sum) - z[label]);
        for (int c = 0; c < classes; ++c)
            delta[b * classes + c] = (std::exp(z[c] - zMax) / sum - (c == label ? 1.0f : 0.0f)) / float(batch);
    }

    // Backward, top layer first: delta holds d(loss)/d(this layer's pre-activation output).
    for (size_t k = m_layers.size(); k-- > 0;) {
        Layer &layer = m_layers[k];
        const float *below = k == 0 ? images : m_layers[k - 1].output.data();
        float *gw = layer.weightGrad.data_ptr<float>();
        float *gb = layer.biasGrad.data_ptr<float>();
        std::fill(gw, gw + size_t(layer.out) * size_t(layer.in), 0.0f);
        std::fill(gb, gb + layer.out, 0.0f);
        for (int b = 0; b < batch; ++b) {
            const float *x = below + size_t(b) * size_t(layer.in);
            for (int o = 0; o < layer.out; ++o) {
                const float d = delta[b * layer.out + o];
                gb[o] += d;
                if (d != 0.0f)   // dead ReLU units pass no gradient: skip their rows
                    axpy(gw + size_t(o) * size_t(layer.in), x, d, layer.in);
            }
        }
        layer.weight.mutable_grad() = layer.weightGrad;
        layer.bias.mutable_grad() = layer.biasGrad;
        if (k == 0)
            break;   // no gradient needed w.r.t. the images

        // d(loss)/d(layer below's output) = delta · W, then through that layer's activation.
        const Layer &prev = m_layers[k - 1];
        const float *w = layer.weight.data_ptr<float>();
        float *down = m_deltaBelow.data();
        std::fill(down, down + size_t(batch) * size_t(layer.in), 0.0f);
        for (int b = 0; b < batch; ++b) {
            for (int o = 0; o < layer.out; ++o) {
                const float d = delta[b * layer.out + o];
                if (d != 0.0f)
                    axpy(down + size_t(b) * size_t(layer.in), w + size_t(o) * size_t(layer.in), d, layer.in);
            }
        }
        const float *y = prev.output.data();
        const int n = batch * layer.in;
        switch (prev.activation) {
        case Activation::None:
            break;
        case Activation::ReLU:
            for (int i = 0; i < n; ++i)
                down[i] = y[i] > 0.0f ? down[i] : 0.0f;
            break;
        case Activation::LeakyReLU:
            for (int i = 0; i < n; ++i)
                down[i] = y[i] > 0.0f ? down[i] : down[i] * prev.slope;
            break;
        case Activation::Sigmoid:
            for (int i = 0; i < n; ++i)
                down[i] *= y[i] * (1.0f - y[i]);
            break;
        case Activation::Tanh:
            for (int i = 0; i < n; ++i)
                down[i] *= 1.0f - y[i] * y[i];
            break;
        }
        std::swap(m_delta, m_deltaBelow);
        delta = m_delta.data();
    }
    return lossSum / batch;
}

} // namespace lab
