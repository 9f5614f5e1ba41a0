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

    /** Learning rate for optimiser step `step` (0-based, counted over the whole run). */
    double at(qint64 step) const;
    qint64 totalSteps() const { return m_totalSteps; }

private:
    TrainConfig m_config;
    int m_stepsPerEpoch;
    qint64 m_totalSteps;
};

} // namespace lab
