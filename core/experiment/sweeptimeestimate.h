#pragma once

#include "core/experiment/sweep.h"

#include <QVector>

namespace lab {

/**
 * The time left of a running sweep, weighing each run by what it costs to train (its
 * multiply-accumulates per image, forward and backward, plus a fixed per-image overhead,
 * times its images and epochs) instead of counting runs: two width-10 runs done in a
 * second each say little about a width-1000 run still to come. The speed is the measured
 * one of this sweep so far (work done / seconds elapsed), so it adapts to the machine;
 * only the ratios between runs come from the model.
 */
class SweepTimeEstimate
{
public:
    /** One entry per run of the sweep, in order. */
    explicit SweepTimeEstimate(const QVector<SweepPoint> &points = {});

    /**
     * The relative cost of training point `p` to the end: MAC-equivalents of its training
     * images (3 × a forward pass each, plus overheadPerImage) and its evaluation passes
     * (forward only). Measured at 1 thread (2026-11-29, 1 epoch of real MNIST): 784-10-10,
     * 784-100-10, 784-1000-10 took 0.76, 2.15, 19.3 s (1 : 2.8 : 25); this gives 1 : 3.5 : 28.
     */
    static double workOf(const SweepPoint &p);

    /** Run `index` is `fraction` (0…1) of its steps in; the runs before it have ended. */
    void setProgress(int index, double fraction);
    /** Run `index` ended after `fraction` of its steps (1 when finished, less when it diverged or failed early). */
    void runEnded(int index, double fraction);

    /** Share of the sweep's work done so far, 0…1. */
    double doneFraction() const;
    /** Seconds left after `elapsedSeconds` of the sweep; -1 while too little is done to tell. */
    double secondsLeft(double elapsedSeconds) const;

    /**
     * Per-image cost outside the layers' arithmetic (batch assembly, loss, optimiser step,
     * framework calls), in MAC-equivalents; without it a tiny network would look nearly free.
     */
    static constexpr double overheadPerImage = 40000;
    static constexpr double trainImages = 60000;   ///< MNIST and Fashion-MNIST
    static constexpr double testImages = 10000;

private:
    QVector<double> m_work;   ///< per run; shrunk to what it did when it ended early
    QVector<double> m_done;   ///< per run, share of its steps done
};

} // namespace lab
