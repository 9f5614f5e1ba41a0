#include "ui/runs/runexport.h"

#include "core/common/laberror.h"
#include "core/export/onnxexporter.h"
#include "core/experiment/runcsvexporter.h"
#include "core/export/torchexporter.h"
#include "core/model/modelfile.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>

namespace lab {

QString RunExport::modelFilters()
{
    return QObject::tr("ONNX model (*.onnx);;PyTorch state_dict + rebuild script (*.pt)");
}

QString RunExport::exportModel(const QString &modelPath, const QString &target)
{
    const QString suffix = QFileInfo(target).suffix().toLower();
    if (suffix != u"onnx" && suffix != u"pt")
        return QObject::tr("%1: unknown export format \".%2\" (expected .onnx or .pt)").arg(target, suffix);
    try {
        const ModelFile model = ModelFile::load(modelPath);
        if (suffix == u"onnx")
            OnnxExporter::save(model, target, modelPath);
        else
            TorchExporter::save(model, target, modelPath);
    } catch (const LabError &e) {
        return e.message();
    } catch (const std::exception &e) {
        return QStringLiteral("%1: %2").arg(target, QString::fromLocal8Bit(e.what()));
    }
    return QString();
}

QString RunExport::exportCsv(const QVector<RunRecord> &runs, const QString &folder)
{
    if (runs.isEmpty())
        return QObject::tr("no runs selected");
    try {
        RunCsvExporter::save(runs, folder);
    } catch (const LabError &e) {
        return e.message();
    }
    return QString();
}

void RunExport::exportModelInteractive(QWidget *parent, const QString &modelPath, const QString &suggestedName)
{
    const QString start = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(suggestedName + QStringLiteral(".onnx"));
    QString filter;
    QString target = QFileDialog::getSaveFileName(parent, QObject::tr("Export model"), start, modelFilters(), &filter);
    if (target.isEmpty())
        return;
    if (QFileInfo(target).suffix().isEmpty())
        target += filter.contains(QStringLiteral("*.pt")) ? QStringLiteral(".pt") : QStringLiteral(".onnx");
    const QString error = exportModel(modelPath, target);
    if (!error.isEmpty()) {
        QMessageBox::warning(parent, QObject::tr("Export model"), error);
        return;
    }
    const QString written = target.endsWith(QStringLiteral(".pt"), Qt::CaseInsensitive)
                                ? QObject::tr("%1\n%2 (rebuilds the network: import it, then load())")
                                      .arg(QDir::toNativeSeparators(target), QDir::toNativeSeparators(TorchExporter::pythonPathFor(target)))
                                : QObject::tr("%1\n(input \"image\" [N,1,28,28] z-scored with the mean and std in its metadata; "
                                              "output \"logits\" [N,10])").arg(QDir::toNativeSeparators(target));
    QMessageBox::information(parent, QObject::tr("Export model"), QObject::tr("Written:\n%1").arg(written));
}

void RunExport::exportCsvInteractive(QWidget *parent, const QVector<RunRecord> &runs)
{
    const QString folder = QFileDialog::getExistingDirectory(parent, QObject::tr("Export CSV into folder"),
                                                             QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation));
    if (folder.isEmpty())
        return;
    const QString error = exportCsv(runs, folder);
    if (!error.isEmpty()) {
        QMessageBox::warning(parent, QObject::tr("Export CSV"), error);
        return;
    }
    QMessageBox::information(parent, QObject::tr("Export CSV"),
                             QObject::tr("%n run(s) written to %1 and %2 (run, epoch/step, metric, value).", nullptr, int(runs.size()))
                                 .arg(QDir::toNativeSeparators(QDir(folder).filePath(QString::fromLatin1(RunCsvExporter::epochsFileName))),
                                      QDir::toNativeSeparators(QDir(folder).filePath(QString::fromLatin1(RunCsvExporter::batchesFileName)))));
}

} // namespace lab
