#include "core/model/inputconvpool_p.h"

#include "core/model/channelslastbatchnorm_p.h"
#include "core/model/channelslastmaxpool_p.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#if defined(__GNUC__) && defined(__x86_64__)
#define LAB_INPUT_CONV_POOL 1
#include <immintrin.h>
#endif

namespace lab {

namespace {

constexpr int64_t kLanes = 8;   // floats in an AVX2 register: the channels one pass computes

/** The fused layers' weights, laid out for the kernel. */
struct FoldedLayer
{
    int64_t channels = 0;
    int64_t paddedChannels = 0;   // channels rounded up to whole registers (the rest are zero)
    int64_t kernel = 0;
    std::vector<float> weights;   // [tap ky·k + kx][paddedChannels]
    std::vector<float> bias;      // [paddedChannels]
    bool relu = false;
};

/**
 * The zero padding of a convolution of the one-channel image with a square kernel, stride 1
 * and no dilation (the same on all sides), or −1 for any other convolution. A padded input
 * is padded once in memory and then convolved without padding.
 */
int64_t inputConvPadding(const torch::nn::Conv2dImpl &conv)
{
    const auto &o = conv.options;
    if (o.in_channels() != 1 || o.groups() != 1 || o.transposed())
        return -1;
    if (o.kernel_size()->at(0) != o.kernel_size()->at(1) || o.stride()->at(0) != 1 || o.stride()->at(1) != 1
        || o.dilation()->at(0) != 1 || o.dilation()->at(1) != 1)
        return -1;
    if (const auto *padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding()))
        return (*padding)->at(0) == (*padding)->at(1) && (*padding)->at(0) >= 0 ? (*padding)->at(0) : -1;
    return c10::get_if<torch::enumtype::kValid>(&o.padding()) != nullptr ? 0 : -1;
}

bool cpuHasAvx2Fma()
{
#ifdef LAB_INPUT_CONV_POOL
    static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return has;
#else
    return false;
#endif
}

// The convolution's weights and bias laid out for the kernel, with an optional per-channel
// affine map after them folded in: (w·x + b)·s + t = (w·s)·x + b·s + t.
FoldedLayer foldedLayer(const torch::Tensor &weight, const torch::Tensor &bias, const ChannelAffine *after, bool relu)
{
    FoldedLayer f;
    f.channels = weight.size(0);
    f.paddedChannels = (f.channels + kLanes - 1) / kLanes * kLanes;
    f.kernel = weight.size(2);
    f.relu = relu;
    const int64_t taps = f.kernel * f.kernel;
    const torch::Tensor w = weight.detach().to(torch::kDouble).reshape({f.channels, taps}).contiguous();
    std::vector<double> shift(size_t(f.channels), 0.0);
    if (bias.defined()) {
        const torch::Tensor b = bias.detach().to(torch::kDouble).contiguous();
        std::copy(b.data_ptr<double>(), b.data_ptr<double>() + f.channels, shift.begin());
    }
    f.weights.assign(size_t(taps * f.paddedChannels), 0.0f);
    f.bias.assign(size_t(f.paddedChannels), 0.0f);
    const double *wd = w.data_ptr<double>();
    for (int64_t c = 0; c < f.channels; ++c) {
        const double scale = after ? after->scale[size_t(c)] : 1.0;
        for (int64_t t = 0; t < taps; ++t)
            f.weights[size_t(t * f.paddedChannels + c)] = float(wd[c * taps + t] * scale);
        f.bias[size_t(c)] = float(after ? shift[size_t(c)] * scale + after->shift[size_t(c)] : shift[size_t(c)]);
    }
    return f;
}

template <typename Module>
bool moduleIs(const torch::nn::Sequential &net, size_t i)
{
    return i < net->size() && net->ptr(i)->as<Module>() != nullptr;
}

/** Whether modules first + 1 … first + span − 1 hold a ReLU (before or after the pool). */
bool spanHasReLU(const torch::nn::Sequential &net, size_t first, int span)
{
    for (int i = 1; i < span; ++i)
        if (moduleIs<torch::nn::ReLU>(net, first + size_t(i)))
            return true;
    return false;
}

// The modules first … first + span − 1 as one layer: an eval-mode batch norm becomes the
// affine map scale = γ/√(var + ε), shift = β − mean·scale (runningStatisticsAffine).
FoldedLayer fold(const torch::nn::Sequential &net, size_t first, int span)
{
    const auto *conv = net->ptr(first)->as<torch::nn::Conv2d>();
    const auto *bn = net->ptr(first + 1)->as<torch::nn::BatchNorm2d>();   // only ever right after the convolution
    const ChannelAffine norm = bn ? runningStatisticsAffine(*bn) : ChannelAffine();
    return foldedLayer(conv->weight, conv->options.bias() ? conv->bias : torch::Tensor(), bn ? &norm : nullptr,
                       spanHasReLU(net, first, span));
}

#ifdef LAB_INPUT_CONV_POOL

/** A mask of the first `lanes` of a register's eight floats, for a part-filled channel group. */
__attribute__((target("avx2,fma"))) inline __m256i laneMask(int64_t lanes)
{
    alignas(32) int32_t bits[kLanes];
    for (int64_t l = 0; l < kLanes; ++l)
        bits[l] = l < lanes ? -1 : 0;
    return _mm256_load_si256(reinterpret_cast<const __m256i *>(bits));
}

/**
 * The pooled value of one window's four sums: their maximum plus the bias, then the ReLU.
 * With `winners`, also which of the four sums won, as max pooling's backward needs it:
 * 0 top left, 1 top right, 2 bottom left, 3 bottom right (the first of equal ones, as
 * libtorch scans the window), or −1 where the ReLU let no gradient through.
 */
__attribute__((target("avx2,fma"))) inline void storeWindowMaximum(__m256 a, __m256 b, __m256 c, __m256 d, __m256 bias,
                                                                   bool relu, bool full, __m256i mask, float *dst,
                                                                   float *winners)
{
    const __m256 max = _mm256_max_ps(_mm256_max_ps(a, b), _mm256_max_ps(c, d));
    __m256 m = _mm256_add_ps(max, bias);
    __m256 winner = _mm256_set1_ps(3.0f);
    if (winners) {
        winner = _mm256_blendv_ps(winner, _mm256_set1_ps(2.0f), _mm256_cmp_ps(c, max, _CMP_EQ_OQ));
        winner = _mm256_blendv_ps(winner, _mm256_set1_ps(1.0f), _mm256_cmp_ps(b, max, _CMP_EQ_OQ));
        winner = _mm256_blendv_ps(winner, _mm256_setzero_ps(), _mm256_cmp_ps(a, max, _CMP_EQ_OQ));
        if (relu)   // ReLU's gradient is zero where its input is not above zero
            winner = _mm256_blendv_ps(winner, _mm256_set1_ps(-1.0f), _mm256_cmp_ps(m, _mm256_setzero_ps(), _CMP_NGT_UQ));
    }
    if (relu)
        m = _mm256_max_ps(m, _mm256_setzero_ps());
    if (full) {
        _mm256_storeu_ps(dst, m);
        if (winners)
            _mm256_storeu_ps(winners, winner);
    } else {   // a masked store is microcoded and slow on AMD's cores: only for a part-filled group
        _mm256_maskstore_ps(dst, mask, m);
        if (winners)
            _mm256_maskstore_ps(winners, mask, winner);
    }
}

// One image: every 2×2 window of the convolution's output, eight channels at a time, two
// windows side by side (eight accumulators, one weight load per eight multiply-adds). The
// maximum of the window's four sums, plus the bias (adding a constant keeps the maximum),
// is the pooled value.
//
// kFixed > 0 makes the kernel size a constant, so the compiler unrolls the taps (3 and 5,
// the common first layers); 0 reads it from the layer.
// `winners`, when given, receives storeWindowMaximum's winners in the layout of `out`.
template <int64_t kFixed>
__attribute__((target("avx2,fma"))) void convPoolImage(const FoldedLayer &f, const float *image, int64_t height,
                                                       int64_t width, float *out, float *winners)
{
    const int64_t k = kFixed > 0 ? kFixed : f.kernel;
    const int64_t pooledH = (height - k + 1) / 2, pooledW = (width - k + 1) / 2;
    const int64_t C = f.channels;
    const __m256 zero = _mm256_setzero_ps();
    for (int64_t group = 0; group < f.paddedChannels; group += kLanes) {
        const int64_t lanes = std::min(kLanes, C - group);
        const __m256i mask = laneMask(lanes);
        const bool full = lanes == kLanes;
        const __m256 bias = _mm256_loadu_ps(f.bias.data() + group);
        const float *weights = f.weights.data() + group;
        for (int64_t py = 0; py < pooledH; ++py) {
            int64_t px = 0;
            for (; px + 2 <= pooledW; px += 2) {
                __m256 a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
                for (int64_t ky = 0; ky < k; ++ky) {
                    const float *top = image + (2 * py + ky) * width + 2 * px;
                    const float *bottom = top + width;
                    for (int64_t kx = 0; kx < k; ++kx) {
                        const __m256 w = _mm256_loadu_ps(weights + (ky * k + kx) * f.paddedChannels);
                        a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx), w, a0);
                        a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx + 1), w, a1);
                        a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx), w, a2);
                        a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx + 1), w, a3);
                        b0 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx + 2), w, b0);
                        b1 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx + 3), w, b1);
                        b2 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx + 2), w, b2);
                        b3 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx + 3), w, b3);
                    }
                }
                const int64_t at = (py * pooledW + px) * C + group;
                storeWindowMaximum(a0, a1, a2, a3, bias, f.relu, full, mask, out + at, winners ? winners + at : nullptr);
                storeWindowMaximum(b0, b1, b2, b3, bias, f.relu, full, mask, out + at + C,
                                   winners ? winners + at + C : nullptr);
            }
            // An odd last window: the loop above for one window. Written out rather than shared
            // through a helper over an array of sums: at -O2 GCC kept such arrays in memory and
            // the layer took 3.5x as long (tried, session 9).
            for (; px < pooledW; ++px) {
                __m256 a0 = zero, a1 = zero, a2 = zero, a3 = zero;
                for (int64_t ky = 0; ky < k; ++ky) {
                    const float *top = image + (2 * py + ky) * width + 2 * px;
                    const float *bottom = top + width;
                    for (int64_t kx = 0; kx < k; ++kx) {
                        const __m256 w = _mm256_loadu_ps(weights + (ky * k + kx) * f.paddedChannels);
                        a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx), w, a0);
                        a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(top + kx + 1), w, a1);
                        a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx), w, a2);
                        a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(bottom + kx + 1), w, a3);
                    }
                }
                const int64_t at = (py * pooledW + px) * C + group;
                storeWindowMaximum(a0, a1, a2, a3, bias, f.relu, full, mask, out + at, winners ? winners + at : nullptr);
            }
        }
    }
}

// The gradient of the weights in columns kx0 … kx0 + kCols − 1 of kernel row ky, eight
// channels from `group` on, over one image. Each pooled value's gradient flows back to the
// one sum that won its window (storeWindowMaximum's winners) and from there to that sum's
// inputs. The winner differs from channel to channel, so the four window positions are
// taken in turn with the gradient masked to the channels each one won: four times the
// multiply-adds of the sparse sum, but every one of them on eight channels at once.
// Explicit accumulators rather than an array: GCC kept arrays of sums in memory (session 9).
template <int64_t kCols>
__attribute__((target("avx2,fma"))) void accumulateWeightGradient(const float *image, int64_t width, const float *grad,
                                                                  const float *winners, int64_t C, int64_t group,
                                                                  bool full, __m256i mask, int64_t pooledH,
                                                                  int64_t pooledW, int64_t ky, int64_t kx0, float *dst,
                                                                  int64_t dstStride)
{
    static_assert(kCols >= 1 && kCols <= 5, "five accumulators at most");
    const __m256 zero = _mm256_setzero_ps();
    __m256 s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero;
    for (int64_t py = 0; py < pooledH; ++py) {
        for (int64_t px = 0; px < pooledW; ++px) {
            const int64_t at = (py * pooledW + px) * C + group;
            const __m256 g = full ? _mm256_loadu_ps(grad + at) : _mm256_maskload_ps(grad + at, mask);
            const __m256 won = full ? _mm256_loadu_ps(winners + at) : _mm256_maskload_ps(winners + at, mask);
            const float *window = image + (2 * py + ky) * width + 2 * px + kx0;
            for (int position = 0; position < 4; ++position) {
                const __m256 gd = _mm256_and_ps(g, _mm256_cmp_ps(won, _mm256_set1_ps(float(position)), _CMP_EQ_OQ));
                const float *row = window + (position >> 1) * width + (position & 1);
                s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(row), gd, s0);
                if constexpr (kCols > 1)
                    s1 = _mm256_fmadd_ps(_mm256_broadcast_ss(row + 1), gd, s1);
                if constexpr (kCols > 2)
                    s2 = _mm256_fmadd_ps(_mm256_broadcast_ss(row + 2), gd, s2);
                if constexpr (kCols > 3)
                    s3 = _mm256_fmadd_ps(_mm256_broadcast_ss(row + 3), gd, s3);
                if constexpr (kCols > 4)
                    s4 = _mm256_fmadd_ps(_mm256_broadcast_ss(row + 4), gd, s4);
            }
        }
    }
    const __m256 sums[5] = {s0, s1, s2, s3, s4};
    for (int64_t c = 0; c < kCols; ++c)
        _mm256_storeu_ps(dst + c * dstStride, _mm256_add_ps(_mm256_loadu_ps(dst + c * dstStride), sums[c]));
}

// One image's share of the weight gradient (dWeight[tap][paddedChannels]) and the bias
// gradient (dBias[paddedChannels], the sum of the gradients that passed the ReLU).
__attribute__((target("avx2,fma"))) void convPoolGradientImage(int64_t kernel, int64_t C, int64_t paddedC,
                                                               const float *image, int64_t width, const float *grad,
                                                               const float *winners, int64_t pooledH, int64_t pooledW,
                                                               float *dWeight, float *dBias)
{
    for (int64_t group = 0; group < paddedC; group += kLanes) {
        const int64_t lanes = std::min(kLanes, C - group);
        const __m256i mask = laneMask(lanes);
        const bool full = lanes == kLanes;
        for (int64_t ky = 0; ky < kernel; ++ky) {
            for (int64_t kx0 = 0; kx0 < kernel; kx0 += 5) {
                float *dst = dWeight + (ky * kernel + kx0) * paddedC + group;
                const auto row = [&](auto cols) {
                    accumulateWeightGradient<decltype(cols)::value>(image, width, grad, winners, C, group, full, mask,
                                                                    pooledH, pooledW, ky, kx0, dst, paddedC);
                };
                switch (std::min<int64_t>(5, kernel - kx0)) {
                case 1: row(std::integral_constant<int64_t, 1>()); break;
                case 2: row(std::integral_constant<int64_t, 2>()); break;
                case 3: row(std::integral_constant<int64_t, 3>()); break;
                case 4: row(std::integral_constant<int64_t, 4>()); break;
                default: row(std::integral_constant<int64_t, 5>()); break;
                }
            }
        }
        __m256 sum = _mm256_setzero_ps();
        for (int64_t p = 0; p < pooledH * pooledW; ++p) {
            const int64_t at = p * C + group;
            const __m256 g = full ? _mm256_loadu_ps(grad + at) : _mm256_maskload_ps(grad + at, mask);
            const __m256 won = full ? _mm256_loadu_ps(winners + at) : _mm256_maskload_ps(winners + at, mask);
            sum = _mm256_add_ps(sum, _mm256_and_ps(g, _mm256_cmp_ps(won, _mm256_setzero_ps(), _CMP_GE_OQ)));
        }
        _mm256_storeu_ps(dBias + group, _mm256_add_ps(_mm256_loadu_ps(dBias + group), sum));
    }
}

#endif

/** The pooled output of `f` on the N×1×H×W images `x`, and the winners when asked for. */
torch::Tensor runFolded(const FoldedLayer &f, const torch::Tensor &x, torch::Tensor *winners)
{
    const int64_t n = x.size(0), height = x.size(2), width = x.size(3);
    const int64_t pooledH = (height - f.kernel + 1) / 2, pooledW = (width - f.kernel + 1) / 2;
    const auto options = torch::TensorOptions(torch::kFloat).memory_format(torch::MemoryFormat::ChannelsLast);
    torch::Tensor out = torch::empty({n, f.channels, pooledH, pooledW}, options);
    if (winners)
        *winners = torch::empty({n, f.channels, pooledH, pooledW}, options);
#ifdef LAB_INPUT_CONV_POOL
    const float *in = x.data_ptr<float>();
    float *o = out.data_ptr<float>();
    float *won = winners ? winners->data_ptr<float>() : nullptr;
    const int64_t imageSize = height * width, outSize = pooledH * pooledW * f.channels;
    const auto image = f.kernel == 5 ? convPoolImage<5> : f.kernel == 3 ? convPoolImage<3> : convPoolImage<0>;
    at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            image(f, in + i * imageSize, height, width, o + i * outSize, won ? won + i * outSize : nullptr);
    });
#endif
    return out;
}

/**
 * The fused layer while training: forward as in evaluation, plus the winner of every
 * window; backward gives the gradients of the convolution's weight and bias (the input,
 * the image batch, needs none). Replaces libtorch's convolution, max pool and ReLU with
 * their backward passes, where oneDNN's weight gradient for one input channel ran at
 * ~16 GFLOP/s (session 8: 5.5 ms of quick-99's 27 ms step).
 */
class InputConvPoolFunction : public torch::autograd::Function<InputConvPoolFunction>
{
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x,
                                 const torch::Tensor &weight, const torch::Tensor &bias, bool relu)
    {
        torch::Tensor winners;
        const torch::Tensor out = runFolded(foldedLayer(weight, bias, nullptr, relu), x, &winners);
        ctx->save_for_backward({x, winners});
        ctx->saved_data["weight_sizes"] = weight.sizes();
        ctx->saved_data["weight_strides"] = weight.strides();
        return out;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list gradOutputs)
    {
        const auto saved = ctx->get_saved_variables();
        const torch::Tensor &x = saved[0], &winners = saved[1];
        const torch::Tensor grad = gradOutputs[0].contiguous(torch::MemoryFormat::ChannelsLast);
        const std::vector<int64_t> sizes = ctx->saved_data["weight_sizes"].toIntVector();
        const std::vector<int64_t> strides = ctx->saved_data["weight_strides"].toIntVector();
        const int64_t n = x.size(0);
        [[maybe_unused]] const int64_t width = x.size(3);   // (unused where the kernels are not built)
        const int64_t C = sizes[0], kernel = sizes[2], taps = kernel * kernel;
        const int64_t paddedC = (C + kLanes - 1) / kLanes * kLanes;
        [[maybe_unused]] const int64_t pooledH = winners.size(2), pooledW = winners.size(3);
        // One partial sum per part of the batch, added in a fixed order: the same gradients
        // for the same thread count, run after run.
        const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(n, at::get_num_threads()));
        std::vector<float> partial(size_t(parts * (taps + 1) * paddedC), 0.0f);
#ifdef LAB_INPUT_CONV_POOL
        const float *in = x.data_ptr<float>(), *g = grad.data_ptr<float>(), *won = winners.data_ptr<float>();
        const int64_t imageSize = x.size(2) * width, outSize = pooledH * pooledW * C;
        at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
            for (int64_t part = begin; part < end; ++part) {
                float *dWeight = partial.data() + part * (taps + 1) * paddedC, *dBias = dWeight + taps * paddedC;
                for (int64_t i = part * n / parts; i < (part + 1) * n / parts; ++i)
                    convPoolGradientImage(kernel, C, paddedC, in + i * imageSize, width, g + i * outSize,
                                          won + i * outSize, pooledH, pooledW, dWeight, dBias);
            }
        });
#endif
        torch::Tensor dWeight = torch::empty_strided(sizes, strides, torch::kFloat);
        torch::Tensor dBias = torch::empty({C}, torch::kFloat);
        float *dw = dWeight.data_ptr<float>(), *db = dBias.data_ptr<float>();
        for (int64_t c = 0; c < C; ++c) {
            for (int64_t t = 0; t < taps; ++t) {
                float sum = 0;
                for (int64_t part = 0; part < parts; ++part)
                    sum += partial[size_t((part * (taps + 1) + t) * paddedC + c)];
                dw[c * strides[0] + (t / kernel) * strides[2] + (t % kernel) * strides[3]] = sum;
            }
            float sum = 0;
            for (int64_t part = 0; part < parts; ++part)
                sum += partial[size_t((part * (taps + 1) + taps) * paddedC + c)];
            db[c] = sum;
        }
        return {torch::Tensor(), dWeight, dBias, torch::Tensor()};
    }
};

bool wantsWeightGradient(const torch::nn::Conv2dImpl &conv)
{
    return torch::GradMode::is_enabled()
           && (conv.weight.requires_grad() || (conv.options.bias() && conv.bias.requires_grad()));
}

} // namespace

int inputConvPoolSpan(const torch::nn::Sequential &net, size_t first, const torch::Tensor &x)
{
    if (!cpuHasAvx2Fma() || first + 1 >= net->size())
        return 0;
    const auto *conv = net->ptr(first)->as<torch::nn::Conv2d>();
    if (!conv)
        return 0;
    const int64_t padding = inputConvPadding(*conv);
    if (padding < 0 || x.dim() != 4 || x.scalar_type() != torch::kFloat || x.size(1) != 1 || !x.is_contiguous())
        return 0;
    const int64_t k = conv->options.kernel_size()->at(0);
    if (x.size(2) + 2 * padding - k + 1 < 2 || x.size(3) + 2 * padding - k + 1 < 2)
        return 0;
    // The input's gradient (saliency maps) is not computed here.
    if (torch::GradMode::is_enabled() && x.requires_grad())
        return 0;
    const bool training = wantsWeightGradient(*conv);
    if (training && !conv->options.bias())
        return 0;
    size_t i = first + 1;
    if (const auto *bn = net->ptr(i)->as<torch::nn::BatchNorm2d>()) {
        // Folded into the weights only with its running statistics and nothing to learn.
        if (training || bn->is_training() || !bn->options.affine() || !bn->options.track_running_stats())
            return 0;
        ++i;
    }
    // A ReLU before the pool is one after it: max and ReLU commute.
    if (moduleIs<torch::nn::ReLU>(net, i) && moduleIs<torch::nn::MaxPool2d>(net, i + 1))
        ++i;
    const auto *pool = i < net->size() ? net->ptr(i)->as<torch::nn::MaxPool2d>() : nullptr;
    if (!pool || !isPlainTwoByTwoMaxPool(*pool))
        return 0;
    ++i;
    if (moduleIs<torch::nn::ReLU>(net, i))
        ++i;
    return int(i - first);
}

torch::Tensor inputConvPool(const torch::nn::Sequential &net, size_t first, int span, const torch::Tensor &x)
{
    const auto *conv = net->ptr(first)->as<torch::nn::Conv2d>();
    const int64_t padding = inputConvPadding(*conv);
    const torch::Tensor input = padding > 0 ? torch::constant_pad_nd(x, {padding, padding, padding, padding}) : x;
    if (wantsWeightGradient(*conv))
        return InputConvPoolFunction::apply(input, conv->weight, conv->bias, spanHasReLU(net, first, span));
    return runFolded(fold(net, first, span), input, nullptr);
}

} // namespace lab
