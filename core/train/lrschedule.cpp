#include "core/train/lrschedule.h"

#include <cmath>

namespace lab {

namespace {

constexpr double pi = 3.14159265358979323846;

// Cosine interpolation from `from` (t = 0) to `to` (t = 1).
double cosineBetween(double from, double to, double t)
{
    return to + (from - to) * 0.5 * (1.0 + std::cos(pi * t));
}

} // namespace

LrSchedule::LrSchedule(const TrainConfig &config, int stepsPerEpoch)
    : m_config(config)
    , m_stepsPerEpoch(qMax(stepsPerEpoch, 1))
    , m_totalSteps(qint64(qMax(config.epochs, 1)) * qMax(stepsPerEpoch, 1))
{
}

double LrSchedule::factorAt(qint64 step) const
{
    step = qBound<qint64>(0, step, m_totalSteps - 1);

    if (m_config.schedule == ScheduleKind::OneCycle) {
        // Smith's one-cycle as PyTorch's OneCycleLR defaults: 30% rising from 1/25 of the rate
        // to the rate, then cosine down to 1/25/1e4 of it.
        const double initial = 1.0 / 25.0;
        const double final = initial / 1e4;
        const double peakStep = std::max(1.0, 0.3 * double(m_totalSteps) - 1.0);
        if (double(step) <= peakStep)
            return cosineBetween(initial, 1.0, double(step) / peakStep);
        const double rest = std::max(1.0, double(m_totalSteps - 1) - peakStep);
        return cosineBetween(1.0, final, (double(step) - peakStep) / rest);
    }

    // Linear warm-up from 1/10 of the rate to the rate over the first warmupEpochs.
    const qint64 warmupSteps = qint64(m_config.warmupEpochs) * m_stepsPerEpoch;
    if (step < warmupSteps)
        return 0.1 + 0.9 * double(step + 1) / double(warmupSteps);

    switch (m_config.schedule) {
    case ScheduleKind::Step: {
        const qint64 epoch = step / m_stepsPerEpoch;
        return std::pow(m_config.stepGamma, double(epoch / qMax(m_config.stepEpochs, 1)));
    }
    case ScheduleKind::Cosine: {
        const double span = double(qMax<qint64>(m_totalSteps - warmupSteps, 1));
        return cosineBetween(1.0, 0.0, double(step - warmupSteps) / span);
    }
    default:
        return 1.0;
    }
}

} // namespace lab
