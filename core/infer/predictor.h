#pragma once

#include "core/data/dataset.h"
#include "core/eval/confusionmatrix.h"
#include "core/model/modelfile.h"

#include <array>
#include <memory>
#include <vector>

namespace lab {

/** Accuracy and confusion of a model on one image set. */
struct Evaluation
{
    double accuracy = 0;     ///< percent
    double loss = 0;         ///< mean cross-entropy
    ConfusionMatrix confusion;
    std::vector<float> probabilities;   ///< count×10
};

/**
 * A trained network ready to answer: built from a ModelFile, checks that the weights
 * match the spec, and predicts from 28×28 images in [0,1] (it applies the model's own
 * normalisation). Single-threaded use per instance.
 */
class Predictor
{
public:
    /** Throws LabError when the weights do not fit the spec. `name` is used in messages. */
    explicit Predictor(const ModelFile &model, const QString &name = QString());
    ~Predictor();
    Predictor(Predictor &&) noexcept;
    Predictor &operator=(Predictor &&) noexcept;

    const ModelFile &model() const;

    /** Empty when the model reads 1×28×28 digits; otherwise one line naming the model and why not. */
    QString digitInputProblem() const;
    /** `pixels01`: 784 values, 0 = background, 1 = full ink. Returns softmax probabilities. Throws LabError. */
    std::array<float, 10> predict(const std::vector<float> &pixels01) const;
    /**
     * Why the model leans towards `digit`: per pixel, the gradient of that digit's logit
     * times how far the pixel is from a blank canvas (gradient × input, with the empty
     * canvas as the baseline). Positive pushed towards `digit`, negative against it; pixels
     * without ink are 0. The values sum to about logit(drawing) − logit(blank) (exactly for a
     * linear model). One forward and one backward pass: cheap enough to follow the pen.
     * `pixels01` as for predict(). Returns 784 values. Throws LabError.
     */
    std::vector<float> explain(const std::vector<float> &pixels01, int digit) const;
    /** Evaluates on an already-normalised image set (with its own norm re-applied if different). */
    Evaluation evaluate(const ImageSet &set) const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace lab
