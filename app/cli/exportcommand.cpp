// `export`: a model to ONNX or PyTorch, a run's numbers to CSV.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/experiment/runstore.h"
#include "core/export/onnxexporter.h"
#include "core/experiment/runcsvexporter.h"
#include "core/export/torchexporter.h"
#include "core/infer/defaultmodel.h"
#include "core/model/modelfile.h"

#include <QDir>
#include <QFileInfo>
#include <QTextStream>

namespace cli {

namespace {

/** The model to export: a .mnlm file, or "default" for the bundled one. */
lab::ModelFile loadModel(const QString &path)
{
    if (path == u"default")
        return lab::DefaultModel::load();
    return lab::ModelFile::load(path);
}

/** Refuses an output path whose suffix says another format, before anything is written. */
void expectSuffix(const QString &path, const QString &suffix, const QString &option)
{
    const QString actual = QFileInfo(path).suffix().toLower();
    if (actual != suffix)
        throw lab::LabError(QStringLiteral("--%1 %2: expected a .%3 file name").arg(option, path, suffix));
}

} // namespace

int exportCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Take a model or a run's numbers elsewhere. Exactly one of:\n"
        "  export --model FILE.mnlm --onnx OUT.onnx   ONNX opset 13: input `image` [N,1,28,28] float, z-scored\n"
        "                                             ((pixel/255 - mean)/std, the constants in the model's\n"
        "                                             metadata: normalization_mean, normalization_std), output\n"
        "                                             `logits` [N,10]; checked by onnx::checker\n"
        "  export --model FILE.mnlm --pt OUT.pt       a PyTorch state_dict (torch.load) with the keys of\n"
        "                                             torch.nn.Sequential, and OUT.py beside it that rebuilds\n"
        "                                             the network: import OUT; net = OUT.load()\n"
        "  export --run RUN_FOLDER --csv OUT_DIR      epochs.csv (run,epoch,metric,value) and batches.csv\n"
        "                                             (run,step,metric,value); --run may repeat\n"
        "--model default exports the bundled model. Nothing is written when the input is bad."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("model file (.mnlm), or \"default\""), QStringLiteral("FILE")},
        {QStringLiteral("onnx"), QStringLiteral("write the model as ONNX"), QStringLiteral("OUT.onnx")},
        {QStringLiteral("pt"), QStringLiteral("write the model as a PyTorch state_dict (+ OUT.py)"), QStringLiteral("OUT.pt")},
        {QStringLiteral("run"), QStringLiteral("run folder (repeatable)"), QStringLiteral("RUN_FOLDER")},
        {QStringLiteral("csv"), QStringLiteral("write the runs' curves as CSV into this folder"), QStringLiteral("OUT_DIR")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("export"), args, &exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        throw lab::LabError(QStringLiteral("unexpected argument \"%1\" (formats: --onnx, --pt, --csv)")
                                .arg(parser.positionalArguments().first()));
    const bool onnx = parser.isSet(QStringLiteral("onnx"));
    const bool pt = parser.isSet(QStringLiteral("pt"));
    const bool csv = parser.isSet(QStringLiteral("csv"));
    if (int(onnx) + int(pt) + int(csv) != 1)
        throw lab::LabError(QStringLiteral("expected exactly one of --onnx OUT.onnx, --pt OUT.pt, --csv OUT_DIR"));

    QTextStream out(stdout);
    if (csv) {
        const QStringList folders = parser.values(QStringLiteral("run"));
        if (folders.isEmpty())
            throw lab::LabError(QStringLiteral("--csv needs --run RUN_FOLDER"));
        if (parser.isSet(QStringLiteral("model")))
            throw lab::LabError(QStringLiteral("--csv exports runs (--run), not models"));
        QVector<lab::RunRecord> runs;
        for (const QString &folder : folders) {
            if (!QFileInfo::exists(lab::RunStore::recordPath(folder)))
                throw lab::LabError(QStringLiteral("%1: not a run folder (expected %2 in it)").arg(folder, QString::fromLatin1(lab::RunStore::recordFileName)));
            lab::RunRecord record = lab::RunStore(QFileInfo(folder).absolutePath()).load(folder);
            if (record.id.isEmpty())
                record.id = QFileInfo(folder).fileName();
            runs.append(record);
        }
        for (const QString &path : lab::RunCsvExporter::save(runs, parser.value(QStringLiteral("csv"))))
            out << path << '\n';
        return 0;
    }

    if (!parser.isSet(QStringLiteral("model")))
        throw lab::LabError(QStringLiteral("--%1 needs --model FILE.mnlm (or --model default)").arg(onnx ? QStringLiteral("onnx") : QStringLiteral("pt")));
    if (parser.isSet(QStringLiteral("run")))
        throw lab::LabError(QStringLiteral("--run goes with --csv; export a run's model with --model RUN_FOLDER/model.mnlm"));
    const QString modelPath = parser.value(QStringLiteral("model"));
    const lab::ModelFile model = loadModel(modelPath);
    if (onnx) {
        const QString target = parser.value(QStringLiteral("onnx"));
        expectSuffix(target, QStringLiteral("onnx"), QStringLiteral("onnx"));
        lab::OnnxExporter::save(model, target, modelPath);
        out << target << '\n';
    } else {
        const QString target = parser.value(QStringLiteral("pt"));
        expectSuffix(target, QStringLiteral("pt"), QStringLiteral("pt"));
        lab::TorchExporter::save(model, target, modelPath);
        out << target << '\n' << lab::TorchExporter::pythonPathFor(target) << '\n';
    }
    return 0;
}

} // namespace cli
