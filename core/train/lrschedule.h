#pragma once

#include "core/train/trainconfig.h"

namespace lab {

/**
 * The learning rate at each optimiser step, as a pure function of the configuration so
 * the GUI can chart it before training and the tests can check given steps.
 */
class LrSchedule
{
public:
    LrSchedule(const TrainConfig &config, int stepsPerEpoch);

    /**
     * The schedule's multiplier of the base learning rate at optimiser step `step` (0-based,
     * counted over the whole run): 1 for a constant rate. The trainer multiplies it with the
     * configured rate, or with the one the user set by hand during the run.
     */
    double factorAt(qint64 step) const;
    /** The learning rate at `step` for the configured rate: learningRate × factorAt(step). */
    double at(qint64 step) const { return m_config.learningRate * factorAt(step); }
    qint64 totalSteps() const { return m_totalSteps; }

private:
    TrainConfig m_config;
    int m_stepsPerEpoch;
    qint64 m_totalSteps;
};

} // namespace lab
