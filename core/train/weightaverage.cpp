#include "core/train/weightaverage_p.h"

#include <algorithm>
#include <string>

namespace lab {

WeightAverage::WeightAverage(torch::nn::Module &network, double decay)
    : m_decay(decay)
{
    torch::NoGradGuard noGrad;
    for (const torch::Tensor &p : network.parameters())
        m_live.push_back(p);
    for (const torch::Tensor &b : network.buffers())
        if (b.is_floating_point())
            m_live.push_back(b);
    m_averaged.reserve(m_live.size());
    for (const torch::Tensor &t : m_live)
        m_averaged.push_back(t.detach().clone());   // clone keeps the memory order (channels-last)
}

void WeightAverage::update(qint64 step)
{
    const double d = std::min(m_decay, double(1 + step) / double(10 + step));
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < m_live.size(); ++i)
        m_averaged[i].lerp_(m_live[i], 1.0 - d);   // avg + (1 − d)(w − avg) = d·avg + (1 − d)·w
}

void WeightAverage::swap()
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < m_live.size(); ++i) {
        // The network's tensors keep their identity (the optimiser and the hand-written
        // passes hold them): values move, storage does not.
        const torch::Tensor live = m_live[i].clone();
        m_live[i].copy_(m_averaged[i]);
        m_averaged[i].copy_(live);
    }
}

void WeightAverage::save(torch::serialize::OutputArchive &archive) const
{
    for (size_t i = 0; i < m_averaged.size(); ++i)
        archive.write("average." + std::to_string(i), m_averaged[i], /*is_buffer=*/true);
}

void WeightAverage::load(torch::serialize::InputArchive &archive)
{
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < m_averaged.size(); ++i) {
        torch::Tensor value;
        if (!archive.try_read("average." + std::to_string(i), value, /*is_buffer=*/true))
            return;
        m_averaged[i].copy_(value);   // in this run's memory order, whatever the checkpoint's
    }
}

} // namespace lab
