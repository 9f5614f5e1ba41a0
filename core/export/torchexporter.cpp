#include "core/export/torchexporter.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/export/modeltensors.h"
#include "core/model/shapeinference.h"

#include <QDir>
#include <QFileInfo>
#include <torch/csrc/jit/serialization/pickle.h>

namespace lab {

namespace {

QString pyNumber(double value)
{
    return QString::number(value, 'g', 9);
}

} // namespace

QByteArray TorchExporter::stateDictBytes(const ModelFile &model, const QString &name)
{
    // ModelTensors names them as Python's torch.nn.Sequential does ("0.weight", "1.running_mean"),
    // in state_dict order. torch::save of a module writes a TorchScript archive Python cannot
    // load as a state_dict; pickle_save of a plain dict writes the torch.save zip format.
    c10::Dict<std::string, at::Tensor> dict;
    for (const NamedTensor &t : ModelTensors::read(model, name)) {
        const at::Tensor tensor = t.integer
                                      ? torch::full(t.shape, t.integerValue, torch::kLong)
                                      : torch::from_blob(const_cast<float *>(t.values.data()), t.shape, torch::kFloat).clone();
        dict.insert(t.name.toStdString(), tensor);
    }
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

QString TorchExporter::pythonModule(const ModelFile &model, const QString &ptFileName)
{
    const NetworkSpec &spec = model.spec;
    const ShapeReport report = ShapeReport::infer(spec);
    QStringList layers;
    Shape in;
    in.channels = spec.inputChannels;
    in.height = spec.inputHeight;
    in.width = spec.inputWidth;
    for (int i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec &l = spec.layers[i];
        const Shape out = i < report.layers.size() ? report.layers[i].output : in;
        switch (l.type) {
        case LayerSpec::Type::Flatten: layers << QStringLiteral("nn.Flatten()"); break;
        case LayerSpec::Type::Linear: layers << QStringLiteral("nn.Linear(%1, %2)").arg(in.features).arg(l.units); break;
        case LayerSpec::Type::Conv2d:
            layers << QStringLiteral("nn.Conv2d(%1, %2, kernel_size=%3, stride=%4, padding=%5)")
                          .arg(in.channels).arg(l.units).arg(l.kernel).arg(l.stride).arg(l.padding);
            break;
        case LayerSpec::Type::MaxPool2d:
            layers << QStringLiteral("nn.MaxPool2d(kernel_size=%1, stride=%2, padding=%3)")
                          .arg(l.kernel).arg(l.stride > 0 ? l.stride : l.kernel).arg(l.padding);
            break;
        case LayerSpec::Type::BatchNorm:
            layers << (out.flat ? QStringLiteral("nn.BatchNorm1d(%1)").arg(out.features)
                                : QStringLiteral("nn.BatchNorm2d(%1)").arg(out.channels));
            break;
        case LayerSpec::Type::Dropout: layers << QStringLiteral("nn.Dropout(p=%1)").arg(pyNumber(l.p)); break;
        case LayerSpec::Type::ReLU: layers << QStringLiteral("nn.ReLU()"); break;
        case LayerSpec::Type::Sigmoid: layers << QStringLiteral("nn.Sigmoid()"); break;
        case LayerSpec::Type::Tanh: layers << QStringLiteral("nn.Tanh()"); break;
        case LayerSpec::Type::LeakyReLU: layers << QStringLiteral("nn.LeakyReLU(negative_slope=%1)").arg(pyNumber(l.p)); break;
        case LayerSpec::Type::GELU: layers << QStringLiteral("nn.GELU()"); break;
        }
        in = out;
    }
    QString py;
    py += QStringLiteral("\"\"\"%1, exported by MNIST Lab.\n\n").arg(spec.name.isEmpty() ? QStringLiteral("A network") : spec.name);
    py += QStringLiteral("    %1\n\n").arg(spec.describe());
    py += QStringLiteral("Use it (pixels: a float tensor [N,1,28,28] of bytes 0..255, white digit on black):\n\n"
                         "    import model  # this file\n"
                         "    net = model.load()\n"
                         "    digits = net(model.normalize(pixels)).argmax(1)\n"
                         "\"\"\"\n"
                         "import os\n\nimport torch\nfrom torch import nn\n\n");
    py += QStringLiteral("MEAN = %1  # the training set's pixel statistics (of pixel/255)\nSTD = %2\n")
              .arg(pyNumber(double(model.norm.mean)), pyNumber(double(model.norm.std)));
    py += QStringLiteral("STATE_DICT = os.path.join(os.path.dirname(os.path.abspath(__file__)), %1)\n\n\n")
              .arg(QStringLiteral("\"%1\"").arg(QString(ptFileName).replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""))));
    py += QStringLiteral("def build():\n    \"\"\"The network, untrained: its state_dict keys are those of the .pt file.\"\"\"\n"
                         "    return nn.Sequential(\n");
    for (const QString &layer : layers)
        py += QStringLiteral("        %1,\n").arg(layer);
    py += QStringLiteral("    )\n\n\n"
                         "def normalize(pixels):\n    \"\"\"Bytes 0..255 to the z-scored input the network was trained on.\"\"\"\n"
                         "    return (pixels / 255.0 - MEAN) / STD\n\n\n"
                         "def load(path=STATE_DICT):\n    \"\"\"The trained network, in eval mode.\"\"\"\n"
                         "    net = build()\n    net.load_state_dict(torch.load(path))\n    net.eval()\n    return net\n");
    return py;
}

QString TorchExporter::pythonPathFor(const QString &ptPath)
{
    const QFileInfo info(ptPath);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".py"));
}

void TorchExporter::save(const ModelFile &model, const QString &ptPath, const QString &name)
{
    if (QFileInfo(pythonPathFor(ptPath)).absoluteFilePath() == QFileInfo(ptPath).absoluteFilePath())
        throw LabError(QStringLiteral("%1: the state_dict needs a name other than its Python file's (use .pt)").arg(ptPath));
    const QByteArray state = stateDictBytes(model, name);
    const QString python = pythonModule(model, QFileInfo(ptPath).fileName());
    AtomicFile::write(ptPath, state);
    AtomicFile::write(pythonPathFor(ptPath), python.toUtf8());
}

} // namespace lab
