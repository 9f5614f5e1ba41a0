#include "core/train/plainmlp_p.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

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

std::unique_ptr<PlainMlpPasses> PlainMlpPasses::tryCreate(const NetworkSpec &spec, const BuiltNetwork &network,
                                                          int maxBatch, double labelSmoothing)
{
    if (maxBatch < 1)
        return nullptr;
    auto mlp = std::unique_ptr<PlainMlpPasses>(new PlainMlpPasses());
    mlp->m_maxBatch = maxBatch;
    mlp->m_labelSmoothing = float(labelSmoothing);
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
            layer.output = torch::empty({maxBatch, l.units}, torch::kFloat);
            layer.delta = torch::empty({maxBatch, l.units}, torch::kFloat);
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
    return mlp;
}

void PlainMlpPasses::forwardLinear(Layer &layer, const float *input, int batch) const
{
    float *out = layer.output.data_ptr<float>();
    if (batch >= blasFromBatch) {
        // out = input · Wᵀ + bias, by the BLAS product autograd would call, into our buffer.
        torch::NoGradGuard noGrad;
        const torch::Tensor x = torch::from_blob(const_cast<float *>(input), {batch, layer.in}, torch::kFloat);
        torch::Tensor result = layer.output.narrow(0, 0, batch);
        torch::addmm_out(result, layer.bias, x, layer.weight.t());
    } else {
        const float *w = layer.weight.data_ptr<float>();
        const float *bias = layer.bias.data_ptr<float>();
        for (int o = 0; o < layer.out; ++o) {
            const float *row = w + size_t(o) * size_t(layer.in);
            for (int b = 0; b < batch; ++b)
                out[b * layer.out + o] = bias[o] + dot(row, input + size_t(b) * size_t(layer.in), layer.in);
        }
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
}

void PlainMlpPasses::backwardLinear(Layer &layer, const float *input, int batch, Layer *below) const
{
    // layer.delta holds d(loss)/d(this layer's output before its activation).
    const float *delta = layer.delta.data_ptr<float>();
    float *gb = layer.biasGrad.data_ptr<float>();
    std::fill(gb, gb + layer.out, 0.0f);
    for (int b = 0; b < batch; ++b)
        for (int o = 0; o < layer.out; ++o)
            gb[o] += delta[b * layer.out + o];

    const bool blas = batch >= blasFromBatch;
    torch::NoGradGuard noGrad;
    const torch::Tensor deltaRows = layer.delta.narrow(0, 0, batch);
    if (blas) {
        // dW = deltaᵀ · input
        const torch::Tensor x = torch::from_blob(const_cast<float *>(input), {batch, layer.in}, torch::kFloat);
        torch::mm_out(layer.weightGrad, deltaRows.t(), x);
    } else {
        float *gw = layer.weightGrad.data_ptr<float>();
        std::fill(gw, gw + size_t(layer.out) * size_t(layer.in), 0.0f);
        for (int b = 0; b < batch; ++b) {
            const float *x = input + size_t(b) * size_t(layer.in);
            for (int o = 0; o < layer.out; ++o) {
                const float d = delta[b * layer.out + o];
                if (d != 0.0f)   // dead ReLU units pass no gradient: skip their rows
                    axpy(gw + size_t(o) * size_t(layer.in), x, d, layer.in);
            }
        }
    }
    layer.weight.mutable_grad() = layer.weightGrad;
    layer.bias.mutable_grad() = layer.biasGrad;
    if (!below)
        return;   // no gradient needed w.r.t. the images

    // d(loss)/d(layer below's output) = delta · W, then back through its activation.
    float *down = below->delta.data_ptr<float>();
    if (blas) {
        torch::Tensor result = below->delta.narrow(0, 0, batch);
        torch::mm_out(result, deltaRows, layer.weight);
    } else {
        const float *w = layer.weight.data_ptr<float>();
        std::fill(down, down + size_t(batch) * size_t(layer.in), 0.0f);
        for (int b = 0; b < batch; ++b) {
            for (int o = 0; o < layer.out; ++o) {
                const float d = delta[b * layer.out + o];
                if (d != 0.0f)
                    axpy(down + size_t(b) * size_t(layer.in), w + size_t(o) * size_t(layer.in), d, layer.in);
            }
        }
    }
    const float *y = below->output.data_ptr<float>();
    const int n = batch * layer.in;
    switch (below->activation) {
    case Activation::None:
        break;
    case Activation::ReLU:
        for (int i = 0; i < n; ++i)
            down[i] = y[i] > 0.0f ? down[i] : 0.0f;
        break;
    case Activation::LeakyReLU:
        for (int i = 0; i < n; ++i)
            down[i] = y[i] > 0.0f ? down[i] : down[i] * below->slope;
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
}

double PlainMlpPasses::forwardBackward(const float *images, const std::int64_t *labels, int batch, int *correct)
{
    if (batch < 1 || batch > m_maxBatch)   // the buffers hold m_maxBatch images
        throw std::logic_error("PlainMlpPasses: batch of " + std::to_string(batch) + " for buffers of "
                               + std::to_string(m_maxBatch));
    // Forward: each layer's output (after its activation) stays for the backward pass.
    const float *input = images;
    for (Layer &layer : m_layers) {
        forwardLinear(layer, input, batch);
        input = layer.output.data_ptr<float>();
    }

    // Cross-entropy (mean over the batch) and its gradient w.r.t. the logits: softmax - target.
    // With label smoothing ε the target is (1 - ε)·one-hot + ε/classes, and the loss
    // -Σ target·log softmax(z) = logsumexp(z) - (1 - ε)·z[label] - (ε/classes)·Σ z.
    Layer &top = m_layers.back();
    const int classes = top.out;
    const float onLabel = 1.0f - m_labelSmoothing;
    const float everywhere = m_labelSmoothing / float(classes);
    const float *logits = top.output.data_ptr<float>();
    float *delta = top.delta.data_ptr<float>();
    double lossSum = 0;
    if (correct)
        *correct = 0;
    for (int b = 0; b < batch; ++b) {
        const float *z = logits + b * classes;
        const float *zMaxAt = std::max_element(z, z + classes);   // the first maximum, as argmax
        const float zMax = *zMaxAt;
        if (correct && zMaxAt - z == labels[b])
            ++*correct;
        float sum = 0;
        double zSum = 0;
        for (int c = 0; c < classes; ++c) {
            sum += std::exp(z[c] - zMax);
            zSum += z[c];
        }
        const int label = int(labels[b]);
        lossSum += double(zMax + std::log(sum)) - double(onLabel) * z[label] - double(everywhere) * zSum;
        for (int c = 0; c < classes; ++c)
            delta[b * classes + c] = (std::exp(z[c] - zMax) / sum - everywhere - (c == label ? onLabel : 0.0f)) / float(batch);
    }

    // Backward, top layer first.
    for (size_t k = m_layers.size(); k-- > 0;) {
        const float *below = k == 0 ? images : m_layers[k - 1].output.data_ptr<float>();
        backwardLinear(m_layers[k], below, batch, k == 0 ? nullptr : &m_layers[k - 1]);
    }
    return lossSum / batch;
}

} // namespace lab
