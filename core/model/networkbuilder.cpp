#include "core/model/networkbuilder_p.h"

#include "core/common/laberror.h"
#include "core/model/channelslastbatchnorm_p.h"
#include "core/model/channelslastmaxpool_p.h"
#include "core/model/inputconvpool_p.h"
#include "core/model/shapeinference.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace lab {

namespace {

void initialize(torch::nn::Module &module, InitKind init, bool reluNetwork)
{
    if (init == InitKind::Default)
        return;   // libtorch's own: Kaiming-uniform with a = √5, like PyTorch
    torch::NoGradGuard noGrad;
    for (auto &child : module.modules(/*include_self=*/false)) {
        torch::Tensor weight, bias;
        if (auto *linear = child->as<torch::nn::Linear>()) {
            weight = linear->weight;
            bias = linear->bias;
        } else if (auto *conv = child->as<torch::nn::Conv2d>()) {
            weight = conv->weight;
            bias = conv->bias;
        } else {
            continue;
        }
        if (init == InitKind::Kaiming)
            torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanIn,
                                             reluNetwork ? torch::nn::init::NonlinearityType(torch::kReLU)
                                                         : torch::nn::init::NonlinearityType(torch::kLinear));
        else
            torch::nn::init::xavier_uniform_(weight);
        if (bias.defined())
            bias.zero_();
    }
}

} // namespace

torch::Tensor BuiltNetwork::run(const torch::Tensor &input)
{
    torch::Tensor x = input;
    const size_t n = net->size();
    for (size_t i = 0; i < n; ++i) {
        if (const int span = inputConvPoolSpan(net, i, x)) {
            x = inputConvPool(net, i, span, x);
            i += size_t(span) - 1;
            continue;
        }
        if (const auto *pool = net->ptr(i)->as<torch::nn::MaxPool2d>(); pool && fitsChannelsLastMaxPool(x, *pool)) {
            const bool relu = i + 1 < n && net->ptr(i + 1)->as<torch::nn::ReLU>();
            x = channelsLastMaxPool(x, relu);
            i += size_t(relu);
            continue;
        }
        if (i + 1 < n && net->ptr(i)->as<torch::nn::ReLU>() && net->ptr(i + 1)->as<torch::nn::MaxPool2d>()) {
            // ReLU then pool is pool then ReLU: max and ReLU commute exactly.
            auto *pool = net->ptr(i + 1)->as<torch::nn::MaxPool2d>();
            if (fitsChannelsLastMaxPool(x, *pool)) {
                x = channelsLastMaxPool(x, /*relu=*/true);
            } else {
                // Max pool's backward keeps its indices, not its output: the ReLU may overwrite it.
                x = pool->forward(x);
                x = torch::relu_(x);
            }
            ++i;
            continue;
        }
        if (auto *norm = net->ptr(i)->as<torch::nn::BatchNorm2d>(); norm && fitsChannelsLastBatchNorm(x, *norm)) {
            x = channelsLastBatchNorm(x, *norm);
            continue;
        }
        x = net->begin()[std::ptrdiff_t(i)].forward(x);
    }
    return x;
}

torch::Tensor BuiltNetwork::emptyInput(int64_t n, int64_t channels, int64_t height, int64_t width) const
{
    // Explicit NHWC strides even for one channel, where the memory is the same as NCHW:
    // oneDNN picks its layout from the strides.
    return torch::empty({n, channels, height, width},
                        torch::TensorOptions(torch::kFloat)
                            .memory_format(channelsLast ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous));
}

torch::Tensor BuiltNetwork::forward(const torch::Tensor &input, std::vector<torch::Tensor> *activations)
{
    if (!activations)
        return net->forward(input);
    torch::Tensor x = input;
    for (auto &module : *net) {
        x = module.forward(x);
        activations->push_back(x);
    }
    return x;
}

int NetworkBuilder::evaluationChunk(const NetworkSpec &spec)
{
    return evaluationChunk(spec, ShapeReport::infer(spec));
}

int NetworkBuilder::evaluationChunk(const NetworkSpec &spec, const ShapeReport &report)
{
    qint64 perImage = 0;
    for (const LayerShape &layer : report.layers)
        perImage += layer.output.elements();
    for (const LayerSpec &layer : spec.layers)   // im2col buffers of convolutions
        if (layer.type == LayerSpec::Type::Conv2d)
            perImage += qint64(layer.kernel) * layer.kernel * spec.inputHeight * spec.inputWidth;
    constexpr qint64 budget = qint64(1) << 23;   // ~32 MB of float activations per chunk
    int chunk = int(qBound<qint64>(qint64(64), budget / qMax<qint64>(perImage, 1), qint64(2000)));
    // Convolutions: ~500 images at once was fastest (10,000 test images of a two-conv net:
    // 0.52 s in chunks of 512, 0.79 s in chunks of 1,000, 0.55 s in chunks of 256, 2 threads).
    const bool hasConv = std::any_of(spec.layers.cbegin(), spec.layers.cend(),
                                     [](const LayerSpec &l) { return l.type == LayerSpec::Type::Conv2d; });
    if (hasConv)
        chunk = int(qBound<qint64>(qint64(64), (qint64(1) << 25) / qMax<qint64>(perImage, 1), qint64(512)));
    return chunk;
}

BuiltNetwork NetworkBuilder::build(const NetworkSpec &spec)
{
    return build(spec, ShapeReport::infer(spec));
}

BuiltNetwork NetworkBuilder::build(const NetworkSpec &spec, const ShapeReport &report)
{
    if (!report.ok())
        throw LabError(QStringLiteral("network%1: %2")
                           .arg(spec.name.isEmpty() ? QString() : QStringLiteral(" ") + spec.name, report.error));

    BuiltNetwork built;
    // Inputs arrive as N×C×H×W; the spec's first layer decides whether they stay images.
    int channels = spec.inputChannels;
    qint64 features = 0;
    bool anyReLU = false;
    bool activationSinceWeightLayer = false;
    for (int i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec &l = spec.layers[i];
        const Shape &out = report.layers[i].output;
        switch (l.type) {
        case LayerSpec::Type::Flatten:
            built.net->push_back(torch::nn::Flatten());
            break;
        case LayerSpec::Type::Linear: {
            torch::nn::Linear linear(features, l.units);
            built.weightLayers.push_back({i, built.net->size(), l.describe(), -1, linear->weight});
            built.net->push_back(linear);
            break;
        }
        case LayerSpec::Type::Conv2d: {
            torch::nn::Conv2d conv(torch::nn::Conv2dOptions(channels, l.units, l.kernel).stride(l.stride).padding(l.padding));
            built.weightLayers.push_back({i, built.net->size(), l.describe(), -1, conv->weight});
            built.net->push_back(conv);
            break;
        }
        case LayerSpec::Type::MaxPool2d:
            built.net->push_back(torch::nn::MaxPool2d(
                torch::nn::MaxPool2dOptions(l.kernel).stride(l.stride > 0 ? l.stride : l.kernel).padding(l.padding)));
            break;
        case LayerSpec::Type::BatchNorm:
            if (out.flat)
                built.net->push_back(torch::nn::BatchNorm1d(out.features));
            else
                built.net->push_back(torch::nn::BatchNorm2d(out.channels));
            break;
        case LayerSpec::Type::Dropout:
            built.net->push_back(torch::nn::Dropout(l.p));
            break;
        case LayerSpec::Type::ReLU:
            anyReLU = true;
            // Dead-unit counting applies to the weight layer this ReLU directly follows
            // (BatchNorm or Dropout may sit between them, another activation may not).
            if (!built.weightLayers.empty() && !activationSinceWeightLayer)
                built.weightLayers.back().reluModuleIndex = int(built.net->size());
            built.net->push_back(torch::nn::ReLU());
            break;
        case LayerSpec::Type::Sigmoid:
            built.net->push_back(torch::nn::Sigmoid());
            break;
        case LayerSpec::Type::Tanh:
            built.net->push_back(torch::nn::Tanh());
            break;
        case LayerSpec::Type::LeakyReLU:
            built.net->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(l.p)));
            break;
        case LayerSpec::Type::GELU:
            built.net->push_back(torch::nn::GELU());
            break;
        }
        if (l.type == LayerSpec::Type::Linear || l.type == LayerSpec::Type::Conv2d)
            activationSinceWeightLayer = false;
        else if (l.isActivation())
            activationSinceWeightLayer = true;
        channels = out.flat ? channels : out.channels;
        features = out.elements();
    }
    initialize(*built.net, spec.init, anyReLU);
    return built;
}

void NetworkBuilder::useChannelsLast(BuiltNetwork &network)
{
    torch::NoGradGuard noGrad;
    bool any = false;
    for (auto &child : network.net->modules(/*include_self=*/false)) {
        if (auto *conv = child->as<torch::nn::Conv2d>()) {
            // empty_like with the format, not contiguous(): for one input channel NCHW
            // already counts as channels-last and contiguous() would keep its strides.
            conv->weight.set_data(torch::empty_like(conv->weight, torch::MemoryFormat::ChannelsLast).copy_(conv->weight));
            any = true;
        }
    }
    network.channelsLast = any;
}

QByteArray NetworkBuilder::saveWeights(torch::nn::Module &module)
{
    torch::serialize::OutputArchive archive;
    bool allContiguous = true;
    for (const torch::Tensor &p : module.parameters(/*recurse=*/true))
        allContiguous = allContiguous && p.is_contiguous();
    if (allContiguous) {
        module.save(archive);
    } else {
        // Files (and exporters reading them element by element) hold the default layout.
        const std::shared_ptr<torch::nn::Module> copy = module.clone();
        torch::NoGradGuard noGrad;
        for (torch::Tensor &p : copy->parameters(/*recurse=*/true))
            if (!p.is_contiguous())
                p.set_data(p.contiguous());
        copy->save(archive);
    }
    std::ostringstream out;
    archive.save_to(out);
    const std::string bytes = out.str();
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

void NetworkBuilder::loadWeights(torch::nn::Module &module, const QByteArray &bytes, const QString &name)
{
    try {
        std::istringstream in(std::string(bytes.constData(), size_t(bytes.size())));
        torch::serialize::InputArchive archive;
        archive.load_from(in);
        // Module::load() replaces each tensor with the stored one whatever its shape, and
        // ignores stored layers the module lacks: check both, or a model for another design
        // would load silently and answer nonsense.
        std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
        for (const auto &p : module.named_parameters(/*recurse=*/true))
            expected.emplace_back(p.key(), p.value().sizes().vec());
        for (const auto &b : module.named_buffers(/*recurse=*/true))
            expected.emplace_back(b.key(), b.value().sizes().vec());
        std::set<std::string> children;
        for (const auto &c : module.named_children())
            children.insert(c.key());
        for (const std::string &key : archive.keys()) {
            if (!children.count(key) && !module.named_parameters(false).contains(key)
                && !module.named_buffers(false).contains(key))
                throw LabError(QStringLiteral("%1: the weights do not match the network spec (the file has a layer \"%2\" "
                                              "the spec does not)").arg(name, QString::fromStdString(key)));
        }
        module.load(archive);
        const auto params = module.named_parameters(true);
        const auto buffers = module.named_buffers(true);
        for (const auto &[key, shape] : expected) {
            const torch::Tensor *now = params.find(key);
            if (!now)
                now = buffers.find(key);
            if (now && now->sizes().vec() != shape)
                throw LabError(QStringLiteral("%1: the weights do not match the network spec (%2 is %3 in the file, the spec needs %4)")
                                   .arg(name, QString::fromStdString(key),
                                        QString::fromStdString(c10::str(now->sizes())), QString::fromStdString(c10::str(c10::IntArrayRef(shape)))));
        }
    } catch (const LabError &) {
        throw;
    } catch (const c10::Error &e) {
        // torch's message is long and internal; keep its first line.
        const QString detail = QString::fromStdString(e.what_without_backtrace()).section(u'\n', 0, 0);
        throw LabError(QStringLiteral("%1: the weights do not match the network spec (%2)").arg(name, detail));
    } catch (const std::exception &e) {
        throw LabError(QStringLiteral("%1: unreadable weights (%2)").arg(name, QString::fromLocal8Bit(e.what())));
    }
}

} // namespace lab
