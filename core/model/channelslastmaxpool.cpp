#include "core/model/channelslastmaxpool_p.h"

#include "core/common/vectorclones.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <limits>

namespace lab {

namespace {

/** One 2×2 window's four input pixels (each `channels` floats) in row order. */
struct Window
{
    const float *topLeft, *topRight, *bottomLeft, *bottomRight;
};

// The same maximum in forward and backward, so the backward finds the value that won.
inline float windowMaximum(float a, float b, float c, float d)
{
    const float top = a < b ? b : a, bottom = c < d ? d : c;
    return top < bottom ? bottom : top;
}

LAB_VECTOR_CLONES
void poolPixel(const Window &w, int64_t channels, bool relu, float *out)
{
    for (int64_t c = 0; c < channels; ++c) {
        const float m = windowMaximum(w.topLeft[c], w.topRight[c], w.bottomLeft[c], w.bottomRight[c]);
        out[c] = relu && !(m > 0.0f) ? 0.0f : m;
    }
}

// The gradient of one output pixel goes to the first input of its window holding the
// maximum (libtorch scans the window row by row and keeps the first strict maximum), and
// nowhere when the ReLU was closed. All four input gradients are written.
LAB_VECTOR_CLONES
void unpoolPixel(const Window &w, const float *__restrict grad, int64_t channels, bool relu,
                 float *__restrict gTopLeft, float *__restrict gTopRight, float *__restrict gBottomLeft,
                 float *__restrict gBottomRight)
{
    const float *__restrict topLeft = w.topLeft, *__restrict topRight = w.topRight;
    const float *__restrict bottomLeft = w.bottomLeft, *__restrict bottomRight = w.bottomRight;
    // Closed ReLUs pass nothing: a threshold of 0 when there is one, of −∞ when not.
    const float threshold = relu ? 0.0f : -std::numeric_limits<float>::infinity();
    for (int64_t c = 0; c < channels; ++c) {
        const float a = topLeft[c], b = topRight[c], d0 = bottomLeft[c], d1 = bottomRight[c];
        const float m = windowMaximum(a, b, d0, d1);
        // `left` is the gradient not yet given to an earlier input (selects, no branches).
        const float g = grad[c];   // read before the select: a conditional read would not vectorise
        float left = m > threshold ? g : 0.0f;
        gTopLeft[c] = a == m ? left : 0.0f;
        left = a == m ? 0.0f : left;
        gTopRight[c] = b == m ? left : 0.0f;
        left = b == m ? 0.0f : left;
        gBottomLeft[c] = d0 == m ? left : 0.0f;
        gBottomRight[c] = d0 == m ? 0.0f : left;
    }
}

struct Geometry
{
    int64_t n, channels, height, width, pooledH, pooledW;
    explicit Geometry(const torch::Tensor &x)
        : n(x.size(0)), channels(x.size(1)), height(x.size(2)), width(x.size(3)), pooledH(height / 2),
          pooledW(width / 2)
    {
    }
    /** The window of output pixel (image, py, px) in NHWC data starting at `base`. */
    Window window(const float *base, int64_t image, int64_t py, int64_t px) const
    {
        const float *topLeft = base + ((image * height + 2 * py) * width + 2 * px) * channels;
        return {topLeft, topLeft + channels, topLeft + width * channels, topLeft + (width + 1) * channels};
    }
};

torch::Tensor poolForward(const torch::Tensor &x, bool relu)
{
    const Geometry g(x);
    torch::Tensor out = torch::empty({g.n, g.channels, g.pooledH, g.pooledW},
                                     x.options().memory_format(torch::MemoryFormat::ChannelsLast));
    const float *in = x.data_ptr<float>();
    float *o = out.data_ptr<float>();
    // One task per output row of one image.
    at::parallel_for(0, g.n * g.pooledH, 16, [&](int64_t first, int64_t last) {
        for (int64_t row = first; row < last; ++row) {
            const int64_t image = row / g.pooledH, py = row % g.pooledH;
            for (int64_t px = 0; px < g.pooledW; ++px)
                poolPixel(g.window(in, image, py, px), g.channels, relu, o + (row * g.pooledW + px) * g.channels);
        }
    });
    return out;
}

torch::Tensor poolBackward(const torch::Tensor &x, const torch::Tensor &gradOut, bool relu)
{
    const Geometry g(x);
    // Odd heights and widths leave a last row or column no window reads: its gradient is 0.
    const bool uncovered = g.height % 2 != 0 || g.width % 2 != 0;
    torch::Tensor gradIn = uncovered ? torch::zeros_like(x) : torch::empty_like(x);
    const float *in = x.data_ptr<float>(), *go = gradOut.data_ptr<float>();
    float *gi = gradIn.data_ptr<float>();
    at::parallel_for(0, g.n * g.pooledH, 16, [&](int64_t first, int64_t last) {
        for (int64_t row = first; row < last; ++row) {
            const int64_t image = row / g.pooledH, py = row % g.pooledH;
            for (int64_t px = 0; px < g.pooledW; ++px) {
                const Window target = g.window(gi, image, py, px);
                unpoolPixel(g.window(in, image, py, px), go + (row * g.pooledW + px) * g.channels, g.channels, relu,
                            const_cast<float *>(target.topLeft), const_cast<float *>(target.topRight),
                            const_cast<float *>(target.bottomLeft), const_cast<float *>(target.bottomRight));
            }
        }
    });
    return gradIn;
}

/** Saves the pool's input, not indices: the backward finds each window's winner again. */
class ChannelsLastMaxPoolFunction : public torch::autograd::Function<ChannelsLastMaxPoolFunction>
{
public:
    static torch::Tensor forward(torch::autograd::AutogradContext *ctx, const torch::Tensor &x, bool relu)
    {
        ctx->save_for_backward({x});
        ctx->saved_data["relu"] = relu;
        return poolForward(x, relu);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext *ctx,
                                                   torch::autograd::variable_list gradOutputs)
    {
        const torch::Tensor x = ctx->get_saved_variables()[0];
        const torch::Tensor grad = gradOutputs[0].contiguous(torch::MemoryFormat::ChannelsLast);
        return {poolBackward(x, grad, ctx->saved_data["relu"].toBool()), torch::Tensor()};
    }
};

} // namespace

bool isPlainTwoByTwoMaxPool(const torch::nn::MaxPool2dImpl &pool)
{
    const auto &o = pool.options;
    for (int d = 0; d < 2; ++d)
        if (o.kernel_size()->at(d) != 2 || o.stride()->at(d) != 2 || o.padding()->at(d) != 0 || o.dilation()->at(d) != 1)
            return false;
    return !o.ceil_mode();
}

bool fitsChannelsLastMaxPool(const torch::Tensor &x, const torch::nn::MaxPool2dImpl &pool)
{
    return isPlainTwoByTwoMaxPool(pool) && x.dim() == 4 && x.scalar_type() == torch::kFloat
           && x.is_contiguous(torch::MemoryFormat::ChannelsLast) && x.size(2) >= 2 && x.size(3) >= 2;
}

torch::Tensor channelsLastMaxPool(const torch::Tensor &x, bool relu)
{
    if (torch::GradMode::is_enabled() && x.requires_grad())
        return ChannelsLastMaxPoolFunction::apply(x, relu);
    return poolForward(x, relu);
}

} // namespace lab
