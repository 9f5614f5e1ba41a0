// `charts`: every chart of a stored run as PNG or SVG, without a window. Only built with
// the GUI libraries (MNIST_LAB_BUILD_GUI): the charts are the GUI's own chart widgets,
// drawn on Qt's offscreen platform, so the files match the app's "Export all charts".
#include "clisupport.h"
#include "commands.h"

#include "ui/charts/chartwidget.h"
#include "ui/charts/runcharts.h"
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

namespace cli {

namespace {

QSize parseSize(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{1,6})[xX×](\\d{1,6})$"));
    const QRegularExpressionMatch m = pattern.match(text.trimmed());
    const int w = m.hasMatch() ? m.captured(1).toInt() : 0, h = m.hasMatch() ? m.captured(2).toInt() : 0;
    if (!m.hasMatch() || w < 100 || h < 100 || w > 10000 || h > 10000)
        throw lab::LabError(QStringLiteral("--size: \"%1\" is not a size; expected WIDTHxHEIGHT in pixels, "
                                           "each 100 to 10000 (e.g. 1600x1000)").arg(text));
    return QSize(w, h);
}

} // namespace

std::unique_ptr<QCoreApplication> chartsApplication(int &argc, char **argv)
{
    // Widgets without a display: the offscreen platform, whatever the session has.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QApplication>(argc, argv);
}

int chartsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes every chart of a stored run (loss, accuracy, confusion matrix of the last epoch, test error with "
        "the published results, per-layer diagnostics, first-layer weights) as image files."));
    parser.addPositionalArgument(QStringLiteral("RUN_FOLDER"), QStringLiteral("the run's folder (with record.json)"));
    parser.addOptions({
        {QStringLiteral("out"), QStringLiteral("folder for the images (created; default: RUN_FOLDER/charts)"), QStringLiteral("DIR")},
        {QStringLiteral("size"), QStringLiteral("image size in pixels (default 1600x1000)"), QStringLiteral("WxH"),
         QStringLiteral("1600x1000")},
        {QStringLiteral("format"), QStringLiteral("png or svg (default png)"), QStringLiteral("FORMAT"), QStringLiteral("png")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("charts"), args, &exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        QTextStream(stderr) << "mnist-lab-cli charts: error: expected one RUN_FOLDER, got " << positional.size()
                            << " (see --help)\n";
        return 2;
    }
    const QString format = parser.value(QStringLiteral("format")).toLower();
    if (format != u"png" && format != u"svg")
        throw lab::LabError(QStringLiteral("--format: \"%1\" is not a format; expected png or svg")
                                .arg(parser.value(QStringLiteral("format"))));
    const QSize size = parseSize(parser.value(QStringLiteral("size")));

    const QString folder = QFileInfo(positional.first()).absoluteFilePath();
    if (!QFileInfo::exists(lab::RunStore::recordPath(folder)))
        throw lab::LabError(QStringLiteral("%1 is not a run folder: it has no %2")
                                .arg(QDir::toNativeSeparators(folder), QLatin1String(lab::RunStore::recordFileName)));
    const lab::RunRecord record = lab::RunStore(QFileInfo(folder).absolutePath()).load(folder);
    const QString out = parser.isSet(QStringLiteral("out")) ? parser.value(QStringLiteral("out"))
                                                            : QDir(folder).filePath(QStringLiteral("charts"));

    lab::RunCharts charts(record);
    QString error;
    const QStringList written = lab::ChartWidget::exportAll(charts.charts(), out, size, format, &error);
    QTextStream stdoutStream(stdout);
    for (const QString &file : written)
        stdoutStream << QDir::toNativeSeparators(file) << '\n';
    if (!error.isEmpty())
        throw lab::LabError(error);
    return 0;
}

} // namespace cli
