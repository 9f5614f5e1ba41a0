#include "core/model/inputconvpool_p.h"

#include "core/model/channelslastbatchnorm_p.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
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

bool isPlainInputConv(const torch::nn::Conv2dImpl &conv)
{
    const auto &o = conv.options;
    if (o.in_channels() != 1 || o.groups() != 1 || o.transposed())
        return false;
    if (o.kernel_size()->at(0) != o.kernel_size()->at(1) || o.stride()->at(0) != 1 || o.stride()->at(1) != 1
        || o.dilation()->at(0) != 1 || o.dilation()->at(1) != 1)
        return false;
    if (const auto *padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding()))
        return (*padding)->at(0) == 0 && (*padding)->at(1) == 0;
    return c10::get_if<torch::enumtype::kValid>(&o.padding()) != nullptr;
}

bool isPlainTwoByTwoPool(const torch::nn::MaxPool2dImpl &pool)
{
    const auto &o = pool.options;
    for (int d = 0; d < 2; ++d)
        if (o.kernel_size()->at(d) != 2 || o.stride()->at(d) != 2 || o.padding()->at(d) != 0 || o.dilation()->at(d) != 1)
            return false;
    return !o.ceil_mode();
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

// The convolution's weights and bias, with an eval-mode batch norm folded in:
// (w·x + b)·s + t = (w·s)·x + b·s + t, with the batch norm's scale s = γ/√(var + ε) and
// shift t = β − mean·s (runningStatisticsAffine).
FoldedLayer fold(const torch::nn::Sequential &net, size_t first, int span)
{
    const auto *conv = net->ptr(first)->as<torch::nn::Conv2d>();
    FoldedLayer f;
    f.channels = conv->options.out_channels();
    f.paddedChannels = (f.channels + kLanes - 1) / kLanes * kLanes;
    f.kernel = conv->options.kernel_size()->at(0);
    const int64_t taps = f.kernel * f.kernel;
    const torch::Tensor w = conv->weight.detach().to(torch::kDouble).reshape({f.channels, taps}).contiguous();
    std::vector<double> scale(size_t(f.channels), 1.0), shift(size_t(f.channels), 0.0);
    if (conv->options.bias()) {
        const torch::Tensor b = conv->bias.detach().to(torch::kDouble).contiguous();
        std::copy(b.data_ptr<double>(), b.data_ptr<double>() + f.channels, shift.begin());
    }
    for (int i = 1; i < span; ++i) {
        const auto &module = net->ptr(first + size_t(i));
        if (const auto *bn = module->as<torch::nn::BatchNorm2d>()) {
            const ChannelAffine norm = runningStatisticsAffine(*bn);
            for (size_t c = 0; c < size_t(f.channels); ++c) {
                scale[c] *= norm.scale[c];
                shift[c] = shift[c] * norm.scale[c] + norm.shift[c];
            }
        } else if (module->as<torch::nn::ReLU>()) {
            f.relu = true;
        }
    }
    f.weights.assign(size_t(taps * f.paddedChannels), 0.0f);
    f.bias.assign(size_t(f.paddedChannels), 0.0f);
    const double *wd = w.data_ptr<double>();
    for (int64_t c = 0; c < f.channels; ++c) {
        for (int64_t t = 0; t < taps; ++t)
            f.weights[size_t(t * f.paddedChannels + c)] = float(wd[c * taps + t] * scale[size_t(c)]);
        f.bias[size_t(c)] = float(shift[size_t(c)]);
    }
    return f;
}

#ifdef LAB_INPUT_CONV_POOL

/** The pooled value of one window's four sums: their maximum plus the bias, then the ReLU. */
__attribute__((target("avx2,fma"))) inline void storeWindowMaximum(__m256 a, __m256 b, __m256 c, __m256 d, __m256 bias,
                                                                   bool relu, bool full, __m256i mask, float *dst)
{
    __m256 m = _mm256_add_ps(_mm256_max_ps(_mm256_max_ps(a, b), _mm256_max_ps(c, d)), bias);
    if (relu)
        m = _mm256_max_ps(m, _mm256_setzero_ps());
    if (full)
        _mm256_storeu_ps(dst, m);
    else   // a masked store is microcoded and slow on AMD's cores: only for a part-filled group
        _mm256_maskstore_ps(dst, mask, m);
}

// One image: every 2×2 window of the convolution's output, eight channels at a time, two
// windows side by side (eight accumulators, one weight load per eight multiply-adds). The
// maximum of the window's four sums, plus the bias (adding a constant keeps the maximum),
// is the pooled value.
//
// kFixed > 0 makes the kernel size a constant, so the compiler unrolls the taps (3 and 5,
// the common first layers); 0 reads it from the layer.
template <int64_t kFixed>
__attribute__((target("avx2,fma"))) void convPoolImage(const FoldedLayer &f, const float *image, int64_t height,
                                                       int64_t width, float *out)
{
    const int64_t k = kFixed > 0 ? kFixed : f.kernel;
    const int64_t pooledH = (height - k + 1) / 2, pooledW = (width - k + 1) / 2;
    const int64_t C = f.channels;
    const __m256 zero = _mm256_setzero_ps();
    for (int64_t group = 0; group < f.paddedChannels; group += kLanes) {
        const int64_t lanes = std::min(kLanes, C - group);
        alignas(32) int32_t maskBits[kLanes];
        for (int64_t l = 0; l < kLanes; ++l)
            maskBits[l] = l < lanes ? -1 : 0;
        const __m256i mask = _mm256_load_si256(reinterpret_cast<const __m256i *>(maskBits));
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
                float *dst = out + (py * pooledW + px) * C;
                storeWindowMaximum(a0, a1, a2, a3, bias, f.relu, full, mask, dst + group);
                storeWindowMaximum(b0, b1, b2, b3, bias, f.relu, full, mask, dst + C + group);
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
                storeWindowMaximum(a0, a1, a2, a3, bias, f.relu, full, mask, out + (py * pooledW + px) * C + group);
            }
        }
    }
}

#endif

} // namespace

int inputConvPoolSpan(const torch::nn::Sequential &net, size_t first, const torch::Tensor &x)
{
    if (!cpuHasAvx2Fma() || first + 1 >= net->size())
        return 0;
    const auto *conv = net->ptr(first)->as<torch::nn::Conv2d>();
    if (!conv || !isPlainInputConv(*conv) || conv->is_training())
        return 0;
    if (x.dim() != 4 || x.scalar_type() != torch::kFloat || x.size(1) != 1 || !x.is_contiguous())
        return 0;
    const int64_t k = conv->options.kernel_size()->at(0);
    if (x.size(2) - k + 1 < 2 || x.size(3) - k + 1 < 2)
        return 0;
    // Only where nothing needs a gradient: test passes, inference.
    if (torch::GradMode::is_enabled() && (x.requires_grad() || conv->weight.requires_grad()))
        return 0;
    size_t i = first + 1;
    if (const auto *bn = net->ptr(i)->as<torch::nn::BatchNorm2d>()) {
        if (bn->is_training() || !bn->options.affine() || !bn->options.track_running_stats())
            return 0;
        ++i;
    }
    const auto *pool = i < net->size() ? net->ptr(i)->as<torch::nn::MaxPool2d>() : nullptr;
    if (!pool || !isPlainTwoByTwoPool(*pool))
        return 0;
    ++i;
    if (i < net->size() && net->ptr(i)->as<torch::nn::ReLU>())
        ++i;
    return int(i - first);
}

torch::Tensor inputConvPool(const torch::nn::Sequential &net, size_t first, int span, const torch::Tensor &x)
{
    const FoldedLayer f = fold(net, first, span);
    const int64_t n = x.size(0), height = x.size(2), width = x.size(3);
    const int64_t pooledH = (height - f.kernel + 1) / 2, pooledW = (width - f.kernel + 1) / 2;
    torch::Tensor out = torch::empty({n, f.channels, pooledH, pooledW},
                                     torch::TensorOptions(torch::kFloat).memory_format(torch::MemoryFormat::ChannelsLast));
#ifdef LAB_INPUT_CONV_POOL
    const float *in = x.data_ptr<float>();
    float *o = out.data_ptr<float>();
    const int64_t imageSize = height * width, outSize = pooledH * pooledW * f.channels;
    const auto image = f.kernel == 5 ? convPoolImage<5> : f.kernel == 3 ? convPoolImage<3> : convPoolImage<0>;
    at::parallel_for(0, n, 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            image(f, in + i * imageSize, height, width, o + i * outSize);
    });
#endif
    return out;
}

} // namespace lab
