#include "core/experiment/runcsvexporter.h"

#include "core/common/atomicfile.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>

namespace lab {

namespace {

QString runName(const RunRecord &run)
{
    if (!run.id.isEmpty())
        return run.id;
    return run.folder.isEmpty() ? run.modelType : QFileInfo(run.folder).fileName();
}

/** RFC 4180: quote a field holding a comma, a quote or a line break. */
QByteArray field(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text.toUtf8();
    return '"' + QString(text).replace(QStringLiteral("\""), QStringLiteral("\"\"")).toUtf8() + '"';
}

QByteArray number(double value)
{
    // The shortest text that reads back as the same double.
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

void row(QByteArray &out, const QByteArray &run, qint64 index, const char *metric, double value)
{
    out += run + ',' + QByteArray::number(index) + ',' + metric + ',' + number(value) + '\n';
}

} // namespace

QByteArray RunCsvExporter::epochsCsv(const QVector<RunRecord> &runs)
{
    QByteArray out = "run,epoch,metric,value\n";
    for (const RunRecord &run : runs) {
        const QByteArray name = field(runName(run));
        for (const EpochMetrics &e : run.epochs) {
            row(out, name, e.epoch, "train_loss", e.trainLoss);
            row(out, name, e.epoch, "train_accuracy", e.trainAccuracy);
            row(out, name, e.epoch, "test_loss", e.testLoss);
            row(out, name, e.epoch, "test_accuracy", e.testAccuracy);
            if (e.validationAccuracy >= 0) {
                row(out, name, e.epoch, "validation_loss", e.validationLoss);
                row(out, name, e.epoch, "validation_accuracy", e.validationAccuracy);
            }
            row(out, name, e.epoch, "learning_rate", e.learningRate);
            row(out, name, e.epoch, "seconds", e.seconds);
        }
    }
    return out;
}

QByteArray RunCsvExporter::batchesCsv(const QVector<RunRecord> &runs)
{
    QByteArray out = "run,step,metric,value\n";
    for (const RunRecord &run : runs) {
        const QByteArray name = field(runName(run));
        const qint64 stride = qMax(1, run.batchLossStride);
        for (qsizetype i = 0; i < run.batchLosses.size(); ++i)
            row(out, name, qint64(i) * stride + 1, "train_loss", run.batchLosses[i]);
    }
    return out;
}

QStringList RunCsvExporter::save(const QVector<RunRecord> &runs, const QString &folder)
{
    const QByteArray epochs = epochsCsv(runs);
    const QByteArray batches = batchesCsv(runs);
    const QDir dir(folder);
    const QStringList paths{dir.filePath(QString::fromLatin1(epochsFileName)), dir.filePath(QString::fromLatin1(batchesFileName))};
    AtomicFile::write(paths[0], epochs);
    AtomicFile::write(paths[1], batches);
    return paths;
}

} // namespace lab
