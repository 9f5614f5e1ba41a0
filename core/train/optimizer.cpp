#include "core/train/optimizer_p.h"

#include <ATen/Parallel.h>
#include <cmath>

namespace lab {

namespace {

// Elementwise loops split across torch's threads only when a tensor is large enough to
// pay for it; each element is independent, so the result does not depend on the split.
constexpr int64_t grainSize = 32768;

constexpr double adamEps = 1e-8;
constexpr double rmsAlpha = 0.99;
constexpr double rmsEps = 1e-8;

} // namespace

Optimizer::Optimizer(std::vector<torch::Tensor> parameters, const TrainConfig &config)
    : m_params(std::move(parameters))
    , m_config(config)
{
    for (const torch::Tensor &p : m_params) {
        // Dense in any dimension order (channels-last convolutions): the loops below walk
        // memory, and the state tensors (zeros_like keeps the order) walk it the same way.
        TORCH_CHECK(p.is_non_overlapping_and_dense() && p.scalar_type() == torch::kFloat,
                    "optimizer needs dense float parameters");
        m_first.push_back(torch::zeros_like(p));
        m_second.push_back(config.optimizer == OptimizerKind::Adam || config.optimizer == OptimizerKind::AdamW
                               ? torch::zeros_like(p)
                               : torch::Tensor());
    }
}

void Optimizer::zeroGrad()
{
    for (torch::Tensor &p : m_params)
        p.mutable_grad() = torch::Tensor();
}

void Optimizer::step(double lr)
{
    ++m_steps;
    const float wd = float(m_config.weightDecay);
    const float lrF = float(lr);
    for (size_t t = 0; t < m_params.size(); ++t) {
        torch::Tensor &param = m_params[t];
        const torch::Tensor grad = param.grad();
        if (!grad.defined())
            continue;
        // The gradient's memory must be in the parameter's order (autograd usually hands it so).
        const torch::Tensor g = grad.strides() == param.strides() ? grad : torch::empty_like(param).copy_(grad);
        for (torch::Tensor *state : {&m_first[t], &m_second[t]})
            if (state->defined() && state->strides() != param.strides())   // weights reloaded in another order
                *state = torch::empty_like(param).copy_(*state);
        float *p = param.data_ptr<float>();
        const float *gp = g.data_ptr<float>();
        float *s1 = m_first[t].data_ptr<float>();
        switch (m_config.optimizer) {
        case OptimizerKind::Adam:
        case OptimizerKind::AdamW: {
            float *s2 = m_second[t].data_ptr<float>();
            const bool decoupled = m_config.optimizer == OptimizerKind::AdamW;
            const double adamBeta1 = m_config.adamBeta1, adamBeta2 = m_config.adamBeta2;
            const double bc1 = 1.0 - std::pow(adamBeta1, double(m_steps));
            const double bc2 = 1.0 - std::pow(adamBeta2, double(m_steps));
            const float stepSize = float(lr / bc1);
            const float invSqrtBc2 = float(1.0 / std::sqrt(bc2));
            const float b1 = float(adamBeta1), b2 = float(adamBeta2), eps = float(adamEps);
            const float decay = decoupled ? 1.0f - lrF * wd : 1.0f;
            const float l2 = decoupled ? 0.0f : wd;
            at::parallel_for(0, param.numel(), grainSize, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) {
                    const float gi = gp[i] + l2 * p[i];
                    s1[i] = b1 * s1[i] + (1.0f - b1) * gi;
                    s2[i] = b2 * s2[i] + (1.0f - b2) * gi * gi;
                    const float denom = std::sqrt(s2[i]) * invSqrtBc2 + eps;
                    p[i] = p[i] * decay - stepSize * s1[i] / denom;
                }
            });
            break;
        }
        case OptimizerKind::Sgd: {
            const float mu = float(m_config.momentum);
            const bool nesterov = m_config.nesterov;
            const bool first = m_steps == 1;   // torch seeds the momentum buffer with the first gradient
            at::parallel_for(0, param.numel(), grainSize, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) {
                    float gi = gp[i] + wd * p[i];
                    if (mu != 0.0f) {
                        s1[i] = first ? gi : mu * s1[i] + gi;
                        gi = nesterov ? gi + mu * s1[i] : s1[i];
                    }
                    p[i] -= lrF * gi;
                }
            });
            break;
        }
        case OptimizerKind::RmsProp: {
            const float alpha = float(rmsAlpha), eps = float(rmsEps);
            at::parallel_for(0, param.numel(), grainSize, [&](int64_t begin, int64_t end) {
                for (int64_t i = begin; i < end; ++i) {
                    const float gi = gp[i] + wd * p[i];
                    s1[i] = alpha * s1[i] + (1.0f - alpha) * gi * gi;
                    p[i] -= lrF * gi / (std::sqrt(s1[i]) + eps);
                }
            });
            break;
        }
        }
    }
}

void Optimizer::save(torch::serialize::OutputArchive &archive) const
{
    archive.write("optimizer.steps", torch::tensor(int64_t(m_steps), torch::kLong));
    for (size_t t = 0; t < m_params.size(); ++t) {
        archive.write("optimizer.first." + std::to_string(t), m_first[t], /*is_buffer=*/true);
        if (m_second[t].defined())
            archive.write("optimizer.second." + std::to_string(t), m_second[t], /*is_buffer=*/true);
    }
}

void Optimizer::load(torch::serialize::InputArchive &archive)
{
    torch::Tensor steps;
    archive.read("optimizer.steps", steps);
    m_steps = steps.item<int64_t>();
    torch::NoGradGuard noGrad;
    for (size_t t = 0; t < m_params.size(); ++t) {
        torch::Tensor value;
        // State in the parameter's memory order, whatever order the checkpoint was saved in.
        archive.read("optimizer.first." + std::to_string(t), value, /*is_buffer=*/true);
        m_first[t] = torch::empty_like(m_params[t]).copy_(value);
        if (m_second[t].defined()) {
            archive.read("optimizer.second." + std::to_string(t), value, /*is_buffer=*/true);
            m_second[t] = torch::empty_like(m_params[t]).copy_(value);
        }
    }
}

} // namespace lab
