// CTest fixture `fetch_mnist` (FIXTURES_SETUP mnist_data; every lab_add_test requires it).
// When no folder TestData::realMnistFolder() looks in holds MNIST, it runs the app's own
// `mnist-lab-cli download` once (into $MNIST_LAB_DATA, else the user's data folder), so the
// real-data tests of a fresh clone have the data. If that fails too it passes with a
// warning and those tests report "skipped: no MNIST" — except in CI (CI=true), where
// missing data fails here and CTest does not run the tests that need it.

#include "testdata.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);

    QString folder = TestData::realMnistFolder();
    if (!folder.isEmpty()) {
        out << "fetch_mnist: MNIST found in " << folder << '\n';
        return 0;
    }

    const QString cli = QStringLiteral(MNIST_LAB_CLI);
    out << "fetch_mnist: " << TestData::missingMnistMessage() << "\nfetch_mnist: running "
        << cli << " download\n" << Qt::flush;
    int exitCode = -1;
    if (QFileInfo(cli).isExecutable()) {
        QProcess download;
        download.setProcessChannelMode(QProcess::ForwardedChannels);
        download.start(cli, {QStringLiteral("download")});
        // Bounded: ~11 MB; the downloader's own timeouts end a dead mirror much sooner.
        if (download.waitForFinished(20 * 60 * 1000) && download.exitStatus() == QProcess::NormalExit)
            exitCode = download.exitCode();
        else
            download.kill();
    } else {
        err << "fetch_mnist: " << cli << " is not built\n";
    }

    folder = TestData::realMnistFolder();
    if (!folder.isEmpty()) {
        out << "fetch_mnist: MNIST downloaded to " << folder << '\n';
        return 0;
    }
    if (TestData::inCi()) {
        err << "fetch_mnist: FAILED: no MNIST in CI (download exit code " << exitCode << "); "
            << TestData::missingMnistMessage() << '\n';
        return 1;
    }
    err << "fetch_mnist: WARNING: no MNIST and the download failed (exit code " << exitCode
        << "); the real-data tests will report \"skipped: no MNIST\"\n";
    return 0;
}
