// mnist-lab-cli download [--data DIR] [--mirror URL]... [--timeout SECONDS]
// Fetches the four MNIST files into the data folder, verified and written atomically.

#include "commands.h"
#include "clisupport.h"

#include "core/data/datalocator.h"
#include "core/data/mnistdownloader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QEventLoop>
#include <QElapsedTimer>
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
    // A file counts as done (verified and written) once the next one starts or all finish;
    // progress reaching 100% only means its bytes arrived.
    QString current;
    qint64 currentSize = 0;
    QString lastLine;
    QElapsedTimer sinceDraw;
    sinceDraw.start();
    auto endLine = [&] {
        if (terminal && !lastLine.isEmpty())
            err << '\n' << Qt::flush;
        lastLine.clear();
    };
    auto fileDone = [&] {
        if (current.isEmpty())
            return;
        if (terminal) {
            const QString line = QStringLiteral("  %1  %2  ok").arg(current, humanSize(currentSize));
            err << '\r' << line.leftJustified(lastLine.size()) << '\n' << Qt::flush;
            lastLine.clear();
        } else {
            err << "  " << current << "  " << humanSize(currentSize) << "  ok\n" << Qt::flush;
        }
    };
    QObject::connect(&downloader, &lab::MnistDownloader::progress, &loop,
                     [&](qint64 received, qint64 total, const QString &file) {
        if (file != current) {
            fileDone();
            current = file;
        }
        currentSize = total > 0 ? total : received;
        // One line rewritten in place, at most ~10 times a second; padded so a shorter
        // line hides the longer one.
        if (!terminal || sinceDraw.elapsed() < 100)
            return;
        sinceDraw.restart();
        QString line = QStringLiteral("  %1  %2 / %3").arg(file, humanSize(received),
                                                           total > 0 ? humanSize(total) : QStringLiteral("?"));
        if (total > 0)
            line += QStringLiteral("  %1%").arg(int(100 * received / total));
        err << '\r' << line.leftJustified(lastLine.size()) << Qt::flush;
        lastLine = line;
    });
    QObject::connect(&downloader, &lab::MnistDownloader::finished, &loop, [&](const QString &folderDone) {
        fileDone();
        out << QDir::toNativeSeparators(folderDone) << '\n';
        exitCode = 0;
        loop.quit();
    });
    QObject::connect(&downloader, &lab::MnistDownloader::failed, &loop, [&](const QString &message) {
        endLine();
        err << "mnist-lab-cli download: error: " << message << '\n';
        exitCode = 1;
        loop.quit();
    });
    downloader.start(target);
    loop.exec();
    return exitCode;
}

} // namespace cli
