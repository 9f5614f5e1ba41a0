// mnist-lab-cli download [--data DIR] [--mirror URL]... [--timeout SECONDS]
// Fetches the four MNIST files into the data folder, verified and written atomically.

#include "commands.h"
#include "clisupport.h"

#include "data/datalocator.h"
#include "data/mnistdownloader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QSet>
#include <QTextStream>
#include <cstdio>

#ifdef Q_OS_WIN
#include <io.h>
#define LAB_ISATTY _isatty
#define LAB_FILENO _fileno
#else
#include <unistd.h>
#define LAB_ISATTY isatty
#define LAB_FILENO fileno
#endif

namespace cli {

namespace {

QString humanSize(qint64 bytes)
{
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KB").arg(QString::number(double(bytes) / 1024.0, 'f', 1));
    return QStringLiteral("%1 MB").arg(QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1));
}

} // namespace

int downloadCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fetches the four MNIST files, checking each file's md5. Files already present with the\n"
        "right checksum are kept; nothing half-written is ever left in the folder."));
    parser.addOption({QStringLiteral("data"),
                      QStringLiteral("Target folder (default: $MNIST_LAB_DATA, else the user's data folder)."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("mirror"),
                      QStringLiteral("Base URL to fetch from instead of the built-in mirrors; repeat to try several in order."),
                      QStringLiteral("URL")});
    parser.addOption({QStringLiteral("timeout"),
                      QStringLiteral("Give up on a mirror after this many seconds without data (default 30)."),
                      QStringLiteral("SECONDS"), QStringLiteral("30")});
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("download"), args, &exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty()) {
        QTextStream(stderr) << "mnist-lab-cli download: error: unexpected argument \""
                            << parser.positionalArguments().first() << "\" (see --help)\n";
        return 2;
    }
    const int timeoutSeconds = intOption(parser, QStringLiteral("timeout"), 1, 3600);
    const QString folder = parser.value(QStringLiteral("data"));
    const QStringList mirrors = parser.values(QStringLiteral("mirror"));

    QTextStream err(stderr);
    QTextStream out(stdout);
    const QString target = lab::DataLocator::dataFolder(folder);
    const bool terminal = LAB_ISATTY(LAB_FILENO(stderr));

    lab::MnistDownloader downloader;
    if (!mirrors.isEmpty())
        downloader.setMirrors(mirrors);
    downloader.setTimeout(timeoutSeconds * 1000);

    QEventLoop loop;
    exitCode = 1;
    QString lastLine;
    QSet<QString> done;
    QObject::connect(&downloader, &lab::MnistDownloader::progress, &loop,
                     [&](qint64 received, qint64 total, const QString &file) {
        if (done.contains(file))   // the last progress of a file can come twice
            return;
        const bool complete = total > 0 && received >= total;
        if (terminal) {
            // One line rewritten in place; padded so a shorter line hides the longer one.
            QString line = QStringLiteral("  %1  %2 / %3").arg(file, humanSize(received),
                                                               total > 0 ? humanSize(total) : QStringLiteral("?"));
            if (total > 0)
                line += QStringLiteral("  %1%").arg(int(100 * received / total));
            err << '\r' << line.leftJustified(lastLine.size()) << Qt::flush;
            lastLine = line;
            if (complete) {
                err << '\n' << Qt::flush;
                lastLine.clear();
            }
        } else if (complete) {
            err << "  " << file << "  " << humanSize(total) << "  ok\n" << Qt::flush;
        }
        if (complete)
            done.insert(file);
    });
    QObject::connect(&downloader, &lab::MnistDownloader::finished, &loop, [&](const QString &folderDone) {
        if (terminal && !lastLine.isEmpty())
            err << '\n';
        out << QDir::toNativeSeparators(folderDone) << '\n';
        exitCode = 0;
        loop.quit();
    });
    QObject::connect(&downloader, &lab::MnistDownloader::failed, &loop, [&](const QString &message) {
        if (terminal && !lastLine.isEmpty())
            err << '\n';
        err << "mnist-lab-cli download: error: " << message << '\n';
        exitCode = 1;
        loop.quit();
    });
    downloader.start(target);
    loop.exec();
    return exitCode;
}

} // namespace cli
