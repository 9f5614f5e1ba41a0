#include "core/model/channelslastbatchnorm_p.h"

#include "core/common/vectorclones.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace lab {

namespace {

// A channels-last tensor is a rows×channels matrix, one row per pixel of every image.
// Per-channel sums are taken over fixed blocks of rows and then added in block order, so
// the result does not depend on how many threads ran the blocks (seeded runs stay
// reproducible at any thread count).
constexpr int64_t kRowsPerBlock = 2048;

int64_t blockCount(int64_t rows)
{
    return (rows + kRowsPerBlock - 1) / kRowsPerBlock;
}

// The two loops below are all of the layer's time: built for AVX2 too (LAB_VECTOR_CLONES).

/**
 * Per channel, over rows [first, last): the sums of a and of a·b. Float accumulators (a
 * block is at most kRowsPerBlock rows); blocks are added in double.
 */
LAB_VECTOR_CLONES
void blockSums(const float *a, const float *b, int64_t first, int64_t last, int64_t channels, float *sumA, float *sumAB)
{
    for (int64_t r = first; r < last; ++r) {
        const float *rowA = a + r * channels;
        const float *rowB = b + r * channels;
        for (int64_t c = 0; c < channels; ++c)
            sumA[c] += rowA[c];
        for (int64_t c = 0; c < channels; ++c)
            sumAB[c] += rowA[c] * rowB[c];
    }
}

/** Per channel: the sums of a and of a·b over all rows. */
void channelSums(const float *a, const float *b, int64_t rows, int64_t channels, std::vector<double> &sumA,
                 std::vector<double> &sumAB)
{
    const int64_t blocks = blockCount(rows);
    std::vector<float> partial(size_t(blocks * channels * 2), 0.0f);
    at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
        for (int64_t block = first; block < last; ++block) {
            float *sums = partial.data() + block * channels * 2;
            blockSums(a, b, block * kRowsPerBlock, std::min(rows, (block + 1) * kRowsPerBlock), channels, sums,
                      sums + channels);
        }
    });
    sumA.assign(size_t(channels), 0.0);
    sumAB.assign(size_t(channels), 0.0);
    for (int64_t block = 0; block < blocks; ++block)
        for (int64_t c = 0; c < channels; ++c) {
            sumA[size_t(c)] += partial[size_t((block * 2) * channels + c)];
            sumAB[size_t(c)] += partial[size_t((block * 2 + 1) * channels + c)];
        }
}

/** out = x·scale + shift per channel, plus dy·dyScale when dy is given, over rows [first, last). */
LAB_VECTOR_CLONES
void affineRows(const float *x, const float *dy, float *out, int64_t first, int64_t last, int64_t channels,
                const float *scale, const float *shift, const float *dyScale)
{
    for (int64_t r = first; r < last; ++r) {
        const float *in = x + r * channels;
        float *o = out + r * channels;
        if (dy) {
            const float *g = dy + r * channels;
            for (int64_t c = 0; c < channels; ++c)
                o[c] = g[c] * dyScale[c] + in[c] * scale[c] + shift[c];
        } else {
            for (int64_t c = 0; c < channels; ++c)
                o[c] = in[c] * scale[c] + shift[c];
        }
    }
}

void affine(const float *x, const float *dy, float *out, int64_t rows, int64_t channels, const std::vector<float> &scale,
            const std::vector<float> &shift, const std::vector<float> &dyScale)
{
    at::parallel_for(0, rows, kRowsPerBlock, [&](int64_t first, int64_t last) {
        affineRows(x, dy, out, first, last, channels, scale.data(), shift.data(), dy ? dyScale.data() : nullptr);
    });
}

std::vector<double> toDoubles(const torch::Tensor &t)
{
    const torch::Tensor d = t.detach().to(torch::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

torch::Tensor emptyChannelsLast(const torch::Tensor &like)
{
    return torch::empty(like.sizes(), like.options().memory_format(torch::MemoryFormat::ChannelsLast));
}

/** x·scale + shift per channel, in one sweep. */
torch::Tensor normalised(const torch::Tensor &x, const ChannelAffine &map)
{
    const int64_t channels = x.size(1);
    std::vector<float> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels));
    for (size_t c = 0; c < size_t(channels); ++c) {
        scale[c] = float(map.scale[c]);
        shift[c] = float(map.shift[c]);
    }
    torch::Tensor y = emptyChannelsLast(x);
    affine(x.data_ptr<float>(), nullptr, y.data_ptr<float>(), x.numel() / channels, channels, scale, shift, {});
    return y;
}

/** γ·(x − μ)/σ + β as a per-channel affine map; `invStd` is 1/σ. */
ChannelAffine normalisation(const std::vector<double> &weight, const std::vector<double> &bias,
                            const std::vector<double> &mean, const std::vector<double> &invStd)
{
    ChannelAffine map{std::vector<double>(weight.size()), std::vector<double>(weight.size())};
    for (size_t c = 0; c < weight.size(); ++c) {
        map.scale[c] = weight[c] * invStd[c];
        map.shift[c] = bias[c] - mean[c] * weight[c] * invStd[c];
    }
    return map;
}

/**
 * Normalisation with batch statistics. Forward takes the statistics already computed
 * (mean and 1/std per channel, double); backward is the textbook batch-norm gradient:
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/σ · (dy − dβ/M − x̂·dγ/M),  x̂ = (x − μ)/σ,
 * written as dx = k1·dy + k2·x + k3 so that it is one sweep over memory.
 */
struct BatchStatisticsNorm : public torch::autograd::Function<BatchStatisticsNorm>
{
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x, const torch::Tensor &weight,
                                 const torch::Tensor &bias, const torch::Tensor &mean, const torch::Tensor &invStd)
    {
        ctx->save_for_backward({x, weight, mean, invStd});
        return normalised(x, normalisation(toDoubles(weight), toDoubles(bias), toDoubles(mean), toDoubles(invStd)));
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0];
        const int64_t channels = x.size(1);
        const int64_t rows = x.numel() / channels;
        const torch::Tensor dy = gradOutputs[0].contiguous(torch::MemoryFormat::ChannelsLast);
        const std::vector<double> w = toDoubles(saved[1]), mu = toDoubles(saved[2]), inv = toDoubles(saved[3]);

        std::vector<double> sumDy, sumDyX;
        channelSums(dy.data_ptr<float>(), x.data_ptr<float>(), rows, channels, sumDy, sumDyX);
        torch::Tensor dWeight = torch::empty({channels}, torch::kDouble), dBias = torch::empty({channels}, torch::kDouble);
        double *dWeightData = dWeight.data_ptr<double>(), *dBiasData = dBias.data_ptr<double>();
        std::vector<float> k1(static_cast<size_t>(channels)), k2(static_cast<size_t>(channels)), k3(static_cast<size_t>(channels));
        const double m = double(rows);
        for (size_t c = 0; c < size_t(channels); ++c) {
            const double dGamma = inv[c] * (sumDyX[c] - mu[c] * sumDy[c]);   // Σ dy·x̂
            dWeightData[c] = dGamma;
            dBiasData[c] = sumDy[c];
            const double a = w[c] * inv[c];
            const double b = -a * inv[c] * dGamma / m;
            k1[c] = float(a);
            k2[c] = float(b);
            k3[c] = float(-a * sumDy[c] / m - b * mu[c]);
        }
        torch::Tensor dx = emptyChannelsLast(x);
        affine(x.data_ptr<float>(), dy.data_ptr<float>(), dx.data_ptr<float>(), rows, channels, k2, k3, k1);
        return {dx, dWeight.to(saved[1].scalar_type()), dBias.to(saved[1].scalar_type()), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool fitsChannelsLastBatchNorm(const torch::Tensor &x, const torch::nn::BatchNorm2dImpl &bn)
{
    if (x.dim() != 4 || x.scalar_type() != torch::kFloat || !x.is_contiguous(torch::MemoryFormat::ChannelsLast))
        return false;
    if (!bn.options.affine() || !bn.options.track_running_stats())
        return false;
    // libtorch's own kernel is as fast as this one when the channels fill its 8-float
    // vectors (24, 32 or 64 channels: the same epoch times within noise); with 6, 12 or 20
    // channels it was 5-6x slower per layer.
    if (x.size(1) % 8 == 0)
        return false;
    if (bn.is_training())
        return x.numel() / x.size(1) > 1;   // else libtorch's own error
    // Evaluation: only where no gradient flows back through it (inference, test passes).
    return !(torch::GradMode::is_enabled() && (x.requires_grad() || bn.weight.requires_grad()));
}

ChannelAffine runningStatisticsAffine(const torch::nn::BatchNorm2dImpl &bn)
{
    std::vector<double> invStd = toDoubles(bn.running_var);
    for (double &v : invStd)
        v = 1.0 / std::sqrt(v + bn.options.eps());
    return normalisation(toDoubles(bn.weight), toDoubles(bn.bias), toDoubles(bn.running_mean), invStd);
}

torch::Tensor channelsLastBatchNorm(const torch::Tensor &x, torch::nn::BatchNorm2dImpl &bn)
{
    if (!bn.is_training())
        return normalised(x, runningStatisticsAffine(bn));
    const int64_t channels = x.size(1);
    const int64_t rows = x.numel() / channels;
    const double eps = bn.options.eps();

    // E[x²] − E[x]² from block sums added in double: no cancellation that matters here.
    std::vector<double> sums, squares;
    const float *data = x.data_ptr<float>();
    channelSums(data, data, rows, channels, sums, squares);
    torch::Tensor mean = torch::empty({channels}, torch::kDouble), invStd = torch::empty({channels}, torch::kDouble);
    torch::Tensor batchVariance = torch::empty({channels}, torch::kDouble);
    for (size_t c = 0; c < size_t(channels); ++c) {
        const double mu = sums[c] / double(rows);
        const double var = std::max(0.0, squares[c] / double(rows) - mu * mu);
        mean.data_ptr<double>()[c] = mu;
        batchVariance.data_ptr<double>()[c] = var;
        invStd.data_ptr<double>()[c] = 1.0 / std::sqrt(var + eps);
    }
    {
        // The running statistics move as libtorch moves them: the unbiased variance, and a
        // cumulative average when no momentum is set.
        torch::NoGradGuard noGrad;
        bn.num_batches_tracked += 1;
        const double momentum = bn.options.momentum().has_value()
                                    ? *bn.options.momentum()
                                    : 1.0 / double(bn.num_batches_tracked.item<int64_t>());
        const torch::Tensor unbiased = batchVariance * (double(rows) / double(std::max<int64_t>(rows - 1, 1)));
        bn.running_mean.mul_(1 - momentum).add_(mean.to(bn.running_mean.scalar_type()), momentum);
        bn.running_var.mul_(1 - momentum).add_(unbiased.to(bn.running_var.scalar_type()), momentum);
    }
    return BatchStatisticsNorm::apply(x, bn.weight, bn.bias, mean, invStd);
}

} // namespace lab
