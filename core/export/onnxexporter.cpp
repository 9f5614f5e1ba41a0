#include "core/export/onnxexporter.h"

#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/export/modeltensors.h"
#include "core/model/shapeinference.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <map>

namespace lab {

namespace {

class GraphWriter
{
public:
    GraphWriter(onnx::GraphProto *graph, const std::vector<NamedTensor> &tensors)
        : m_graph(graph)
    {
        for (const NamedTensor &t : tensors)
            m_tensors.emplace(t.name.toStdString(), &t);
    }

    /** Adds the trained tensor `key` ("3.weight") as an initializer; returns its name. */
    std::string trained(const std::string &key)
    {
        const auto it = m_tensors.find(key);
        if (it == m_tensors.end() || it->second->integer)
            throw LabError(QStringLiteral("the model has no float tensor \"%1\"").arg(QString::fromStdString(key)));
        addInitializer(key, it->second->shape, it->second->values);
        return key;
    }

    /** A one-element float constant, shaped [1] so every runtime broadcasts it. */
    std::string constant(const std::string &name, float value)
    {
        addInitializer(name, {1}, {value});
        return name;
    }

    onnx::NodeProto *node(const std::string &op, const std::vector<std::string> &inputs, const std::string &output)
    {
        onnx::NodeProto *n = m_graph->add_node();
        n->set_op_type(op);
        n->set_name(output);
        for (const std::string &in : inputs)
            n->add_input(in);
        n->add_output(output);
        return n;
    }

    static void ints(onnx::NodeProto *n, const char *name, const std::vector<std::int64_t> &values)
    {
        onnx::AttributeProto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INTS);
        for (std::int64_t v : values)
            a->add_ints(v);
    }
    static void integer(onnx::NodeProto *n, const char *name, std::int64_t value)
    {
        onnx::AttributeProto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::INT);
        a->set_i(value);
    }
    static void real(onnx::NodeProto *n, const char *name, float value)
    {
        onnx::AttributeProto *a = n->add_attribute();
        a->set_name(name);
        a->set_type(onnx::AttributeProto::FLOAT);
        a->set_f(value);
    }

private:
    void addInitializer(const std::string &name, const std::vector<std::int64_t> &shape, const std::vector<float> &values)
    {
        onnx::TensorProto *t = m_graph->add_initializer();
        t->set_name(name);
        t->set_data_type(onnx::TensorProto::FLOAT);
        for (std::int64_t d : shape)
            t->add_dims(d);
        // raw_data is little-endian float32; so is every machine the lab runs on.
        t->set_raw_data(std::string(reinterpret_cast<const char *>(values.data()), values.size() * sizeof(float)));
    }

    onnx::GraphProto *m_graph;
    std::map<std::string, const NamedTensor *> m_tensors;
};

void describeTensor(onnx::ValueInfoProto *info, const std::string &name, const std::vector<std::int64_t> &dims,
                    const std::string &doc)
{
    info->set_name(name);
    info->set_doc_string(doc);
    onnx::TypeProto_Tensor *type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    onnx::TensorShapeProto *shape = type->mutable_shape();
    shape->add_dim()->set_dim_param("N");
    for (std::int64_t d : dims)
        shape->add_dim()->set_dim_value(d);
}

void addMetadata(onnx::ModelProto &proto, const char *key, const QString &value)
{
    onnx::StringStringEntryProto *entry = proto.add_metadata_props();
    entry->set_key(key);
    entry->set_value(value.toStdString());
}

} // namespace

QByteArray OnnxExporter::toBytes(const ModelFile &model, const QString &name)
{
    const ShapeReport report = ShapeReport::infer(model.spec);
    if (!report.ok())
        throw LabError(QStringLiteral("%1: the network does not fit its input (%2)").arg(name, report.error));
    const std::vector<NamedTensor> tensors = ModelTensors::read(model, name);

    onnx::ModelProto proto;
    proto.set_ir_version(7);   // the IR version of opset 13
    proto.set_producer_name("mnist-lab");
    proto.set_producer_version(MNIST_LAB_VERSION);
    proto.set_model_version(1);
    proto.set_doc_string(QStringLiteral("%1, exported by MNIST Lab. Input: image [N,%2,%3,%4], z-scored: "
                                        "(pixel/255 - %5) / %6. Output: logits [N,10] (softmax gives probabilities).")
                             .arg(model.spec.describe())
                             .arg(model.spec.inputChannels).arg(model.spec.inputHeight).arg(model.spec.inputWidth)
                             .arg(double(model.norm.mean), 0, 'g', 9).arg(double(model.norm.std), 0, 'g', 9)
                             .toStdString());
    onnx::OperatorSetIdProto *opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(opsetVersion);
    addMetadata(proto, "normalization", QStringLiteral("image = (pixel / 255 - normalization_mean) / normalization_std"));
    addMetadata(proto, "normalization_mean", QString::number(double(model.norm.mean), 'g', 9));
    addMetadata(proto, "normalization_std", QString::number(double(model.norm.std), 'g', 9));
    addMetadata(proto, "ink", QStringLiteral("pixel 0 = background, 255 = full ink (white digit on black, as in MNIST)"));
    addMetadata(proto, "network", model.spec.describe());
    if (!model.spec.name.isEmpty())
        addMetadata(proto, "model_type", model.spec.name);
    if (model.summary.contains(QStringLiteral("test_accuracy")))
        addMetadata(proto, "test_accuracy", QString::number(model.summary.value(QStringLiteral("test_accuracy")).toDouble(), 'f', 2));

    onnx::GraphProto *graph = proto.mutable_graph();
    graph->set_name(model.spec.name.isEmpty() ? std::string("mnist_lab") : model.spec.name.toStdString());
    describeTensor(graph->add_input(), "image", {model.spec.inputChannels, model.spec.inputHeight, model.spec.inputWidth},
                   "z-scored digits: (pixel/255 - normalization_mean) / normalization_std");
    describeTensor(graph->add_output(), "logits", {10}, "one score per digit 0-9; softmax gives probabilities");

    GraphWriter writer(graph, tensors);
    std::string current = "image";
    for (int i = 0; i < model.spec.layers.size(); ++i) {
        const LayerSpec &l = model.spec.layers[i];
        const std::string prefix = std::to_string(i);   // the module's index in the Sequential
        const std::string out = prefix + "." + LayerSpec::typeName(l.type).toLower().toStdString();
        onnx::NodeProto *n = nullptr;
        switch (l.type) {
        case LayerSpec::Type::Flatten:
            n = writer.node("Flatten", {current}, out);
            GraphWriter::integer(n, "axis", 1);
            break;
        case LayerSpec::Type::Linear:
            n = writer.node("Gemm", {current, writer.trained(prefix + ".weight"), writer.trained(prefix + ".bias")}, out);
            GraphWriter::integer(n, "transB", 1);   // torch keeps Linear weights as [out, in]
            break;
        case LayerSpec::Type::Conv2d:
            n = writer.node("Conv", {current, writer.trained(prefix + ".weight"), writer.trained(prefix + ".bias")}, out);
            GraphWriter::ints(n, "kernel_shape", {l.kernel, l.kernel});
            GraphWriter::ints(n, "strides", {l.stride, l.stride});
            GraphWriter::ints(n, "pads", {l.padding, l.padding, l.padding, l.padding});
            break;
        case LayerSpec::Type::MaxPool2d: {
            const int stride = l.stride > 0 ? l.stride : l.kernel;
            n = writer.node("MaxPool", {current}, out);
            GraphWriter::ints(n, "kernel_shape", {l.kernel, l.kernel});
            GraphWriter::ints(n, "strides", {stride, stride});
            GraphWriter::ints(n, "pads", {l.padding, l.padding, l.padding, l.padding});
            break;
        }
        case LayerSpec::Type::BatchNorm:
            // The running statistics, as torch uses them in eval mode (eps = torch's default).
            n = writer.node("BatchNormalization",
                            {current, writer.trained(prefix + ".weight"), writer.trained(prefix + ".bias"),
                             writer.trained(prefix + ".running_mean"), writer.trained(prefix + ".running_var")},
                            out);
            GraphWriter::real(n, "epsilon", 1e-5f);
            break;
        case LayerSpec::Type::Dropout:
            continue;   // the identity at inference
        case LayerSpec::Type::ReLU:
            writer.node("Relu", {current}, out);
            break;
        case LayerSpec::Type::Sigmoid:
            writer.node("Sigmoid", {current}, out);
            break;
        case LayerSpec::Type::Tanh:
            writer.node("Tanh", {current}, out);
            break;
        case LayerSpec::Type::LeakyReLU:
            n = writer.node("LeakyRelu", {current}, out);
            GraphWriter::real(n, "alpha", float(l.p));
            break;
        case LayerSpec::Type::GELU: {
            // torch's exact GELU: x · 0.5 · (1 + erf(x · 1/√2)).
            const std::string scaled = writer.node("Mul", {current, writer.constant(prefix + ".inv_sqrt2", float(M_SQRT1_2))},
                                                   out + ".scaled")->output(0);
            const std::string erf = writer.node("Erf", {scaled}, out + ".erf")->output(0);
            const std::string plus = writer.node("Add", {erf, writer.constant(prefix + ".one", 1.0f)}, out + ".plus1")->output(0);
            const std::string half = writer.node("Mul", {plus, writer.constant(prefix + ".half", 0.5f)}, out + ".half")->output(0);
            writer.node("Mul", {current, half}, out);
            break;
        }
        }
        current = out;
    }
    // The last node answers under the public name.
    if (graph->node_size() > 0 && graph->node(graph->node_size() - 1).output(0) == current) {
        onnx::NodeProto *last = graph->mutable_node(graph->node_size() - 1);
        last->set_output(0, "logits");
    } else {
        writer.node("Identity", {current}, "logits");
    }

    try {
        onnx::checker::check_model(proto);
    } catch (const std::exception &e) {
        throw LabError(QStringLiteral("%1: the ONNX graph fails the ONNX checker (%2)")
                           .arg(name, QString::fromLocal8Bit(e.what()).section(u'\n', 0, 0)));
    }
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw LabError(QStringLiteral("%1: could not serialise the ONNX model").arg(name));
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

void OnnxExporter::save(const ModelFile &model, const QString &path, const QString &name)
{
    AtomicFile::write(path, toBytes(model, name));
}

} // namespace lab
