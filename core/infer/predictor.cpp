#include "core/infer/predictor.h"

#include "core/common/laberror.h"
#include "core/model/networkbuilder_p.h"

namespace lab {

struct Predictor::Impl
{
    ModelFile model;
    BuiltNetwork network;
    QString label;

    // A forward pass; libtorch's own errors (a shape it cannot take…) become one line naming the model.
    torch::Tensor forward(const torch::Tensor &x)
    {
        try {
            return network.net->forward(x);
        } catch (const c10::Error &e) {
            throw LabError(QStringLiteral("%1: %2").arg(label, QString::fromStdString(e.what_without_backtrace()).section(u'\n', 0, 0)));
        }
    }
};

Predictor::Predictor(const ModelFile &model, const QString &name)
    : d(std::make_unique<Impl>())
{
    const QString label = name.isEmpty() ? QStringLiteral("model") : name;
    d->model = model;
    d->label = label;
    try {
        d->network = NetworkBuilder::build(model.spec);
    } catch (const LabError &e) {
        throw LabError(label + QStringLiteral(": ") + e.message());
    }
    NetworkBuilder::loadWeights(*d->network.net, model.weights, label);
    d->network.net->eval();
}

Predictor::~Predictor() = default;
Predictor::Predictor(Predictor &&) noexcept = default;
Predictor &Predictor::operator=(Predictor &&) noexcept = default;

const ModelFile &Predictor::model() const
{
    return d->model;
}

QString Predictor::digitInputProblem() const
{
    const NetworkSpec &spec = d->model.spec;
    if (spec.inputChannels == 1 && spec.inputHeight == 28 && spec.inputWidth == 28)
        return QString();
    return QStringLiteral("%1: the model expects %2×%3×%4 inputs, not 1×28×28 digit images; it was made for other data")
        .arg(d->label).arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth);
}

std::array<float, 10> Predictor::predict(const std::vector<float> &pixels01) const
{
    if (const QString problem = digitInputProblem(); !problem.isEmpty())
        throw LabError(problem);
    if (pixels01.size() != 784)
        throw LabError(QStringLiteral("predict: expected 784 pixels (28×28), got %1").arg(pixels01.size()));
    torch::NoGradGuard noGrad;
    const torch::Tensor x = (torch::from_blob(const_cast<float *>(pixels01.data()), {1, 1, 28, 28}, torch::kFloat)
                             - d->model.norm.mean) / d->model.norm.std;
    const torch::Tensor probs = torch::softmax(d->forward(x), 1).contiguous();
    std::array<float, 10> out{};
    std::copy(probs.data_ptr<float>(), probs.data_ptr<float>() + 10, out.begin());
    return out;
}

std::vector<float> Predictor::explain(const std::vector<float> &pixels01, int digit) const
{
    if (const QString problem = digitInputProblem(); !problem.isEmpty())
        throw LabError(problem);
    if (pixels01.size() != 784)
        throw LabError(QStringLiteral("explain: expected 784 pixels (28×28), got %1").arg(pixels01.size()));
    if (digit < 0 || digit > 9)
        throw LabError(QStringLiteral("explain: digit %1 is not 0-9").arg(digit));
    torch::AutoGradMode gradients(true);
    const float mean = float(d->model.norm.mean), std = float(d->model.norm.std);
    const torch::Tensor raw = torch::from_blob(const_cast<float *>(pixels01.data()), {1, 1, 28, 28}, torch::kFloat);
    const torch::Tensor x = ((raw - mean) / std).detach().requires_grad_(true);
    const torch::Tensor logit = d->forward(x).select(1, digit).sum();
    // Only the input's gradient: the weights' .grad stay untouched.
    const torch::Tensor grad = torch::autograd::grad({logit}, {x})[0];
    const torch::Tensor blank = torch::full_like(raw, (0.0f - mean) / std);
    const torch::Tensor attribution = (grad * (x.detach() - blank)).contiguous();
    return std::vector<float>(attribution.data_ptr<float>(), attribution.data_ptr<float>() + 784);
}

Evaluation Predictor::evaluate(const ImageSet &set) const
{
    torch::NoGradGuard noGrad;
    Evaluation result;
    if (set.count == 0)
        return result;
    const NetworkSpec &spec = d->model.spec;
    if (spec.inputChannels != 1 || spec.inputHeight != set.rows || spec.inputWidth != set.cols)
        throw LabError(QStringLiteral("%1: the model expects %2×%3×%4 inputs, the images are 1×%5×%6")
                           .arg(d->label).arg(spec.inputChannels).arg(spec.inputHeight).arg(spec.inputWidth)
                           .arg(set.rows).arg(set.cols));
    // Normalise the raw pixels with the model's own statistics, by the very function the
    // trainer's batches went through, so a saved model scores exactly what its run reported.
    const torch::Tensor labels = torch::from_blob(const_cast<std::int64_t *>(set.labels.data()), {set.count}, torch::kLong);
    result.probabilities.resize(size_t(set.count) * 10);
    double lossSum = 0;
    int64_t correct = 0;
    const int64_t chunk = NetworkBuilder::evaluationChunk(d->model.spec);
    const torch::Tensor chunkImages = torch::empty({std::min<int64_t>(chunk, set.count), 1, set.rows, set.cols}, torch::kFloat);
    for (int64_t start = 0; start < set.count; start += chunk) {
        const int64_t len = std::min<int64_t>(chunk, set.count - start);
        const torch::Tensor x = chunkImages.narrow(0, 0, len);
        Dataset::normalizeRange(set, start, len, d->model.norm, x.data_ptr<float>());
        const torch::Tensor logits = d->forward(x);
        const torch::Tensor y = labels.narrow(0, start, len);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)).item<double>();
        const torch::Tensor probs = torch::softmax(logits, 1).contiguous();
        std::copy(probs.data_ptr<float>(), probs.data_ptr<float>() + len * 10, result.probabilities.begin() + start * 10);
        const torch::Tensor predicted = logits.argmax(1).contiguous();
        for (int64_t i = 0; i < len; ++i) {
            const int truth = int(set.labels[size_t(start + i)]);
            const int guess = int(predicted.data_ptr<int64_t>()[i]);
            result.confusion.add(truth, guess);
            correct += truth == guess;
        }
    }
    result.loss = lossSum / set.count;
    result.accuracy = 100.0 * double(correct) / set.count;
    return result;
}

} // namespace lab
