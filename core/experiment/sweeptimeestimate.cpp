#include "core/experiment/sweeptimeestimate.h"

#include "core/model/shapeinference.h"

#include <algorithm>
#include <cmath>

namespace lab {

SweepTimeEstimate::SweepTimeEstimate(const QVector<SweepPoint> &points)
    : m_done(points.size(), 0.0)
{
    m_work.reserve(points.size());
    for (const SweepPoint &p : points)
        m_work.append(workOf(p));
}

double SweepTimeEstimate::workOf(const SweepPoint &p)
{
    const double macs = double(ShapeReport::infer(p.spec).macsPerSample);
    const TrainConfig &c = p.config;
    const double validation = std::clamp(c.validationFraction, 0.0, 1.0);
    const double trainSet = trainImages * (1.0 - validation);
    double images = trainSet;
    if (c.maxBatchesPerEpoch > 0)
        images = std::min(images, double(c.maxBatchesPerEpoch) * std::max(1, c.batchSize));
    // Forward only: the test set and the validation split every epoch, and the training set
    // every epoch or once at the end (its accuracy; Trainer's finalTrainPass).
    const double evalPerEpoch = testImages + trainImages * validation + (c.trainEvalEveryEpoch ? trainSet : 0.0);
    const double evalAtEnd = c.trainEvalEveryEpoch ? 0.0 : trainSet;
    const int epochs = std::max(1, c.epochs);
    return std::max(1.0, epochs * (images * (3.0 * macs + overheadPerImage) + evalPerEpoch * (macs + overheadPerImage))
                             + evalAtEnd * (macs + overheadPerImage));
}

void SweepTimeEstimate::setProgress(int index, double fraction)
{
    if (index < 0 || index >= m_done.size())
        return;
    for (int i = 0; i < index; ++i)
        m_done[i] = 1.0;   // ended (runEnded() already shrank an early end's work)
    m_done[index] = std::clamp(fraction, 0.0, 1.0);
}

void SweepTimeEstimate::runEnded(int index, double fraction)
{
    if (index < 0 || index >= m_done.size())
        return;
    // A run that ended early cost what it did, not what it was planned to.
    m_work[index] *= std::clamp(fraction, 0.0, 1.0);
    setProgress(index, 1.0);
}

double SweepTimeEstimate::doneFraction() const
{
    double total = 0, done = 0;
    for (int i = 0; i < m_work.size(); ++i) {
        total += m_work[i];
        done += m_work[i] * m_done[i];
    }
    return total > 0 ? done / total : 0.0;
}

double SweepTimeEstimate::secondsLeft(double elapsedSeconds) const
{
    const double done = doneFraction();
    if (done >= 1.0)
        return 0.0;
    // Below half a percent the elapsed time is mostly loading data: no honest speed yet.
    if (done < 0.005 || elapsedSeconds <= 0)
        return -1.0;
    return elapsedSeconds * (1.0 - done) / done;
}

} // namespace lab
