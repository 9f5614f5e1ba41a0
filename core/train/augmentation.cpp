#include "core/train/augmentation_p.h"

#include "core/train/augmenter.h"

#include <cmath>

namespace lab {

namespace {

constexpr double pi = 3.14159265358979323846;

torch::Tensor uniform(int64_t n, double lo, double hi, at::Generator &generator)
{
    return torch::rand({n}, generator, torch::kFloat) * (hi - lo) + lo;
}

// Smooth random displacement fields (Simard et al. 2003): uniform noise blurred by a
// Gaussian of `sigma` pixels, scaled by alpha, in grid_sample's [-1,1] coordinates.
torch::Tensor elasticField(int64_t n, int64_t h, int64_t w, double alpha, at::Generator &generator)
{
    const double sigma = 4.0;
    const int64_t radius = 8;
    const torch::Tensor xs = torch::arange(-radius, radius + 1, torch::kFloat);
    torch::Tensor kernel = torch::exp(-(xs * xs) / float(2 * sigma * sigma));
    kernel = kernel / kernel.sum();
    torch::Tensor field = torch::rand({n * 2, 1, h, w}, generator, torch::kFloat) * 2 - 1;
    namespace F = torch::nn::functional;
    field = F::conv2d(field, kernel.view({1, 1, 1, -1}), F::Conv2dFuncOptions().padding({0, radius}));
    field = F::conv2d(field, kernel.view({1, 1, -1, 1}), F::Conv2dFuncOptions().padding({radius, 0}));
    // pixels → normalised coordinates (a pixel is 2/size wide)
    field = field.view({n, 2, h, w}) * float(alpha);
    torch::Tensor dx = field.select(1, 0) * float(2.0 / w);
    torch::Tensor dy = field.select(1, 1) * float(2.0 / h);
    return torch::stack({dx, dy}, 3);
}

} // namespace

torch::Tensor augmentBatch(const torch::Tensor &images, const AugmentConfig &config, Normalization norm,
                           at::Generator &generator)
{
    torch::NoGradGuard noGrad;
    const int64_t n = images.size(0), h = images.size(2), w = images.size(3);
    const torch::Tensor angle = uniform(n, -config.maxRotationDegrees, config.maxRotationDegrees, generator) * float(pi / 180.0);
    const torch::Tensor scale = uniform(n, 1.0 - config.maxScale, 1.0 + config.maxScale, generator);
    const torch::Tensor tx = uniform(n, -config.maxShiftPixels, config.maxShiftPixels, generator) * float(2.0 / w);
    const torch::Tensor ty = uniform(n, -config.maxShiftPixels, config.maxShiftPixels, generator) * float(2.0 / h);
    // theta maps output coordinates to where they sample the input.
    const torch::Tensor c = torch::cos(angle) / scale, s = torch::sin(angle) / scale;
    const torch::Tensor theta = torch::stack({torch::stack({c, -s, tx}, 1), torch::stack({s, c, ty}, 1)}, 1);
    namespace F = torch::nn::functional;
    torch::Tensor grid = F::affine_grid(theta, {n, 1, h, w}, /*align_corners=*/false);
    if (config.elasticAlpha > 0)
        grid = grid + elasticField(n, h, w, config.elasticAlpha, generator);
    const torch::Tensor unit = images * norm.std + norm.mean;   // back to [0,1], background 0
    const torch::Tensor warped = F::grid_sample(
        unit, grid, F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
    return (warped - norm.mean) / norm.std;
}

std::vector<float> Augmenter::augment(const std::vector<float> &pixels, int count, const AugmentConfig &config,
                                      Normalization norm, quint64 seed)
{
    at::Generator generator = at::detail::createCPUGenerator(seed);
    const torch::Tensor in = torch::from_blob(const_cast<float *>(pixels.data()), {count, 1, 28, 28}, torch::kFloat);
    const torch::Tensor out = augmentBatch(in, config, norm, generator).contiguous();
    return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

} // namespace lab
