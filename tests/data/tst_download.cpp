// MnistDownloader against a local HTTP server on 127.0.0.1: good mirrors, 404s, redirects,
// silent servers, corrupted files, resuming after a failure, and the real MNIST files with
// the built-in checksums.

#include "localhttpserver.h"
#include "testdata.h"

#include "core/data/dataset.h"
#include "core/data/idxfile.h"
#include "core/data/mnistdownloader.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using lab::MnistDownloader;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString md5Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

QStringList entries(const QString &folder)
{
    // Hidden files too: a leftover QSaveFile temporary must show up here.
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

struct Outcome
{
    bool finished = false;
    bool failed = false;
    QString message;
    QString folder;
};

// Runs the downloader to its end (or `timeoutMs`) in the test's event loop.
Outcome runDownload(MnistDownloader &downloader, const QString &target, int timeoutMs = 30000)
{
    QSignalSpy finished(&downloader, &MnistDownloader::finished);
    QSignalSpy failed(&downloader, &MnistDownloader::failed);
    downloader.start(target);
    QElapsedTimer timer;
    timer.start();
    while (finished.isEmpty() && failed.isEmpty() && timer.elapsed() < timeoutMs)
        QTest::qWait(10);
    Outcome outcome;
    outcome.finished = !finished.isEmpty();
    outcome.failed = !failed.isEmpty();
    if (outcome.failed)
        outcome.message = failed.first().first().toString();
    if (outcome.finished)
        outcome.folder = finished.first().first().toString();
    return outcome;
}

// A download into the empty folder `target` that must fail with a message naming `file`
// and leave nothing behind.
bool failsNamingAndLeavesNothing(MnistDownloader &downloader, const QString &target, const QString &file,
                                 int timeoutMs = 30000)
{
    const Outcome outcome = runDownload(downloader, target, timeoutMs);
    const bool ok = outcome.failed && outcome.message.contains(file) && entries(target).isEmpty();
    if (!ok)
        qWarning("failed %d, message \"%s\", left %s", outcome.failed, qPrintable(outcome.message),
                 qPrintable(entries(target).join(u',')));
    return ok;
}

} // namespace

class TestDownload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void builtInCatalogueMatchesPublishedChecksums();
    void downloadsAllFilesAndVerifiesThem();
    void notFoundFallsThroughToNextMirror();
    void redirectIsFollowed();
    void silentMirrorTimesOutAndNextIsUsed();
    void corruptedFileIsRejectedAndLeavesNothing();
    void droppedOrOversizedTransfersFallThrough();
    void earlierGoodFilesSurviveAndOnlyMissingAreFetched();
    void verifiedFilesAreNotFetchedAgain();
    void corruptFileInTargetIsReplaced();
    void recompressedCopyIsAcceptedByContent();
    void everyMirrorFailingNamesFileAndReasons();
    void cancelLeavesNoFileAndEmitsNothing();
    void realMnistWithBuiltInChecksums();
    void realMnistCorruptedIsRejected();
    void cliDownloadsAndReportsCorruption();

private:
    QString freshTarget();
    /** Downloads into `target` from the good mirror; true when it finished and fetched only the t10k files. */
    bool fetchesOnlyTheTestFiles(const QString &target);

    QTemporaryDir m_work;
    QString m_source;                       // the synthetic files the server serves
    QList<MnistDownloader::FileInfo> m_files;
    LocalHttpServer m_server;
    QByteArray m_corruptT10kImages;
    int m_targets = 0;
};

static const QStringList kNames = {
    QStringLiteral("train-images-idx3-ubyte.gz"), QStringLiteral("train-labels-idx1-ubyte.gz"),
    QStringLiteral("t10k-images-idx3-ubyte.gz"), QStringLiteral("t10k-labels-idx1-ubyte.gz")};

void TestDownload::initTestCase()
{
    QVERIFY(m_work.isValid());
    m_source = m_work.filePath(QStringLiteral("source"));
    TestData::writeSyntheticMnist(m_source, 300, 100, /*gzip=*/true);

    for (const QString &name : kNames) {
        const QByteArray gz = readAll(m_source + u'/' + name);
        QVERIFY2(!gz.isEmpty(), qPrintable(name));
        MnistDownloader::FileInfo info;
        info.name = name;
        info.gzMd5 = md5Of(gz);
        info.rawMd5 = md5Of(lab::IdxFile::gunzip(gz, name, 64 << 20));
        info.gzSize = gz.size();
        m_files << info;
    }

    QVERIFY(m_server.listen());
    m_server.serveFolder(QStringLiteral("good"), m_source);
    m_server.serveFolder(QStringLiteral("corrupt"), m_source);
    m_server.serveFolder(QStringLiteral("corrupt2"), m_source);
    // One byte flipped in the middle of a file: same size, wrong checksum.
    m_corruptT10kImages = readAll(m_source + QStringLiteral("/t10k-images-idx3-ubyte.gz"));
    m_corruptT10kImages[m_corruptT10kImages.size() / 2] = char(~m_corruptT10kImages[m_corruptT10kImages.size() / 2]);
    LocalHttpServer::Response corrupt;
    corrupt.body = m_corruptT10kImages;
    m_server.setRoute(QStringLiteral("/corrupt/t10k-images-idx3-ubyte.gz"), corrupt);
    m_server.setRoute(QStringLiteral("/corrupt2/t10k-images-idx3-ubyte.gz"), corrupt);
    for (const QString &name : kNames) {
        LocalHttpServer::Response redirect;
        redirect.status = 302;
        redirect.location = QStringLiteral("/good/%1").arg(name).toLatin1();
        m_server.setRoute(QStringLiteral("/redirect/") + name, redirect);
        LocalHttpServer::Response stall;
        stall.stall = true;
        m_server.setRoute(QStringLiteral("/stall/") + name, stall);
    }
}

bool TestDownload::fetchesOnlyTheTestFiles(const QString &target)
{
    m_server.clearRequests();
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    const Outcome outcome = runDownload(downloader, target);
    const QStringList expected{QStringLiteral("/good/t10k-images-idx3-ubyte.gz"), QStringLiteral("/good/t10k-labels-idx1-ubyte.gz")};
    if (!outcome.finished || m_server.requests() != expected) {
        qWarning("finished %d (%s), requests %s", outcome.finished, qPrintable(outcome.message),
                 qPrintable(m_server.requests().join(u',')));
        return false;
    }
    return true;
}

QString TestDownload::freshTarget()
{
    return m_work.filePath(QStringLiteral("target%1").arg(++m_targets));
}

void TestDownload::builtInCatalogueMatchesPublishedChecksums()
{
    // The md5s of the official files (../shared/data/README.md); a typo here would make
    // every user's download fail.
    const QHash<QString, QString> expected = {
        {QStringLiteral("train-images-idx3-ubyte.gz"), QStringLiteral("f68b3c2dcbeaaa9fbdd348bbdeb94873")},
        {QStringLiteral("train-labels-idx1-ubyte.gz"), QStringLiteral("d53e105ee54ea40749a09fcbcd1e9432")},
        {QStringLiteral("t10k-images-idx3-ubyte.gz"), QStringLiteral("9fb629c4189551a2d022fa330f9573f3")},
        {QStringLiteral("t10k-labels-idx1-ubyte.gz"), QStringLiteral("ec29112dd5afa0611ce80d1b7f02629c")}};
    const auto files = MnistDownloader::files();
    QCOMPARE(files.size(), 4);
    for (const auto &info : files) {
        QVERIFY2(expected.contains(info.name), qPrintable(info.name));
        QCOMPARE(info.gzMd5, expected.value(info.name));
        QCOMPARE(info.rawMd5.size(), 32);
        QVERIFY(info.gzSize > 0);
    }
    const QStringList mirrors = MnistDownloader::defaultMirrors();
    QVERIFY(mirrors.size() >= 2);
    QVERIFY(mirrors.first().startsWith(QStringLiteral("https://")));
    MnistDownloader downloader;
    QCOMPARE(downloader.mirrors(), mirrors);
}

void TestDownload::downloadsAllFilesAndVerifiesThem()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    QSignalSpy progress(&downloader, &MnistDownloader::progress);
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    QCOMPARE(outcome.folder, QDir(target).absolutePath());
    QStringList sortedNames = kNames;
    sortedNames.sort();
    QCOMPARE(entries(target), sortedNames);
    for (const QString &name : kNames)
        QCOMPARE(readAll(target + u'/' + name), readAll(m_source + u'/' + name));
    QVERIFY(lab::Dataset::looksComplete(target));
    QCOMPARE(lab::Dataset::loadUncached(target)->train.count, 300);

    // Progress names every file and ends each at its full size.
    QSet<QString> completed;
    for (const auto &args : progress) {
        if (args.at(0).toLongLong() == args.at(1).toLongLong())
            completed.insert(args.at(2).toString());
    }
    QCOMPARE(completed.size(), 4);
}

void TestDownload::notFoundFallsThroughToNextMirror()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("missing")), m_server.baseUrl(QStringLiteral("good"))});
    m_server.clearRequests();
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    QStringList expectedRequests;
    for (const QString &name : kNames)
        expectedRequests << QStringLiteral("/missing/") + name << QStringLiteral("/good/") + name;
    QCOMPARE(m_server.requests(), expectedRequests);
    QCOMPARE(entries(target).size(), 4);
}

void TestDownload::redirectIsFollowed()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("redirect"))});
    m_server.clearRequests();
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    QVERIFY(m_server.requests().contains(QStringLiteral("/redirect/train-images-idx3-ubyte.gz")));
    QVERIFY(m_server.requests().contains(QStringLiteral("/good/train-images-idx3-ubyte.gz")));
    for (const QString &name : kNames)
        QCOMPARE(readAll(target + u'/' + name), readAll(m_source + u'/' + name));
}

void TestDownload::silentMirrorTimesOutAndNextIsUsed()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files.mid(0, 1));
    downloader.setTimeout(300);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("stall")), m_server.baseUrl(QStringLiteral("good"))});
    const QString target = freshTarget();
    QElapsedTimer timer;
    timer.start();
    const Outcome outcome = runDownload(downloader, target, 15000);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(entries(target), QStringList{QStringLiteral("train-images-idx3-ubyte.gz")});

    // A silent server alone is a failure that says it timed out, not a hang.
    MnistDownloader alone;
    alone.setFiles(m_files.mid(0, 1));
    alone.setTimeout(300);
    alone.setMirrors({m_server.baseUrl(QStringLiteral("stall"))});
    QVERIFY(failsNamingAndLeavesNothing(alone, freshTarget(), QStringLiteral("train-images-idx3-ubyte.gz"), 15000));
}

void TestDownload::corruptedFileIsRejectedAndLeavesNothing()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("corrupt")), m_server.baseUrl(QStringLiteral("corrupt2"))});
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY(!outcome.finished);
    QVERIFY(outcome.failed);
    const QString expectedMd5 = m_files.at(2).gzMd5;
    const QString actualMd5 = md5Of(m_corruptT10kImages);
    QVERIFY2(outcome.message.startsWith(QStringLiteral("t10k-images-idx3-ubyte.gz: checksum mismatch")), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(expectedMd5), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(actualMd5), qPrintable(outcome.message));
    QVERIFY(!outcome.message.contains(u'\n'));
    // The two files fetched before it are kept; nothing of the bad one, not even a temporary.
    QCOMPARE(entries(target), (QStringList{QStringLiteral("train-images-idx3-ubyte.gz"),
                                           QStringLiteral("train-labels-idx1-ubyte.gz")}));
    QVERIFY(MnistDownloader::verifyFile(target + QStringLiteral("/train-images-idx3-ubyte.gz"), m_files.at(0)));
    QVERIFY(!MnistDownloader::verifyFile(m_work.filePath(QStringLiteral("nope")), m_files.at(0)));
}

void TestDownload::droppedOrOversizedTransfersFallThrough()
{
    // A connection that drops half way, and a server that sends far more than the file's
    // published size: neither may reach the folder; the next mirror provides the file.
    const QString name = QStringLiteral("train-images-idx3-ubyte.gz");
    const QByteArray good = readAll(m_source + u'/' + name);
    LocalHttpServer::Response dropped;
    dropped.body = good;
    dropped.truncateAt = int(good.size() / 2);
    m_server.setRoute(QStringLiteral("/dropped/") + name, dropped);
    LocalHttpServer::Response huge;
    huge.body = good + QByteArray(good.size() * 3, 'x');
    m_server.setRoute(QStringLiteral("/huge/") + name, huge);

    MnistDownloader downloader;
    downloader.setFiles(m_files.mid(0, 1));
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("dropped")), m_server.baseUrl(QStringLiteral("huge"))});
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY(outcome.failed);
    QVERIFY2(outcome.message.contains(QStringLiteral("/dropped/") + name), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(QStringLiteral("larger than expected")), qPrintable(outcome.message));
    QVERIFY(entries(target).isEmpty());

    downloader.setMirrors({m_server.baseUrl(QStringLiteral("dropped")), m_server.baseUrl(QStringLiteral("huge")),
                           m_server.baseUrl(QStringLiteral("good"))});
    const Outcome recovered = runDownload(downloader, target);
    QVERIFY2(recovered.finished, qPrintable(recovered.message));
    QCOMPARE(readAll(target + u'/' + name), good);
}

void TestDownload::earlierGoodFilesSurviveAndOnlyMissingAreFetched()
{
    const QString target = freshTarget();
    {
        MnistDownloader downloader;
        downloader.setFiles(m_files);
        downloader.setMirrors({m_server.baseUrl(QStringLiteral("corrupt"))});
        QVERIFY(runDownload(downloader, target).failed);
    }
    const QByteArray before = readAll(target + QStringLiteral("/train-images-idx3-ubyte.gz"));
    QVERIFY(!before.isEmpty());

    QVERIFY(fetchesOnlyTheTestFiles(target));
    QCOMPARE(readAll(target + QStringLiteral("/train-images-idx3-ubyte.gz")), before);
    QVERIFY(lab::Dataset::looksComplete(target));
}

void TestDownload::verifiedFilesAreNotFetchedAgain()
{
    const QString target = freshTarget();
    QDir().mkpath(target);
    // A good .gz, and an inflated copy standing in for another .gz: both count as present.
    QVERIFY(QFile::copy(m_source + QStringLiteral("/train-images-idx3-ubyte.gz"), target + QStringLiteral("/train-images-idx3-ubyte.gz")));
    lab::IdxFile::read(m_source + QStringLiteral("/train-labels-idx1-ubyte.gz")).write(target + QStringLiteral("/train-labels-idx1-ubyte"));
    QVERIFY(fetchesOnlyTheTestFiles(target));

    // Once complete, a second run asks for nothing, even from a mirror that would corrupt.
    m_server.clearRequests();
    MnistDownloader again;
    again.setFiles(m_files);
    again.setMirrors({m_server.baseUrl(QStringLiteral("corrupt"))});
    const Outcome second = runDownload(again, target);
    QVERIFY2(second.finished, qPrintable(second.message));
    QVERIFY(m_server.requests().isEmpty());
    QCOMPARE(readAll(target + QStringLiteral("/train-images-idx3-ubyte.gz")),
             readAll(m_source + QStringLiteral("/train-images-idx3-ubyte.gz")));
}

void TestDownload::corruptFileInTargetIsReplaced()
{
    const QString target = freshTarget();
    QDir().mkpath(target);
    {
        QFile broken(target + QStringLiteral("/train-labels-idx1-ubyte.gz"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("half a file");
    }
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    QCOMPARE(readAll(target + QStringLiteral("/train-labels-idx1-ubyte.gz")),
             readAll(m_source + QStringLiteral("/train-labels-idx1-ubyte.gz")));
    QCOMPARE(entries(target).size(), 4);

    // A bad .gz beside a good inflated copy is replaced too: the loader would read the .gz.
    lab::IdxFile::read(m_source + QStringLiteral("/t10k-labels-idx1-ubyte.gz")).write(target + QStringLiteral("/t10k-labels-idx1-ubyte"));
    {
        QFile broken(target + QStringLiteral("/t10k-labels-idx1-ubyte.gz"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("garbage");
    }
    const Outcome again = runDownload(downloader, target);
    QVERIFY2(again.finished, qPrintable(again.message));
    QCOMPARE(readAll(target + QStringLiteral("/t10k-labels-idx1-ubyte.gz")),
             readAll(m_source + QStringLiteral("/t10k-labels-idx1-ubyte.gz")));
}

void TestDownload::recompressedCopyIsAcceptedByContent()
{
    // A mirror that recompressed the data (as Debian did) serves different .gz bytes; the
    // inflated content's md5 is what decides.
    QList<MnistDownloader::FileInfo> files = m_files;
    for (auto &info : files)
        info.gzMd5 = QStringLiteral("00000000000000000000000000000000");
    MnistDownloader downloader;
    downloader.setFiles(files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    const QString target = freshTarget();
    QVERIFY2(runDownload(downloader, target).finished, "content md5 should accept the file");

    // ...and a wrong content md5 rejects it.
    files[1].rawMd5 = QStringLiteral("11111111111111111111111111111111");
    MnistDownloader strict;
    strict.setFiles(files.mid(1, 1));
    strict.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    QVERIFY(failsNamingAndLeavesNothing(strict, freshTarget(), QStringLiteral("train-labels-idx1-ubyte.gz")));
}

void TestDownload::everyMirrorFailingNamesFileAndReasons()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("missing")), QStringLiteral("not a url at all"),
                           QStringLiteral("http://127.0.0.1:1/")});
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY(outcome.failed);
    QVERIFY2(outcome.message.startsWith(QStringLiteral("train-images-idx3-ubyte.gz: could not be downloaded")), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(QStringLiteral("404")), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(QStringLiteral("127.0.0.1:1")), qPrintable(outcome.message));
    QVERIFY(entries(target).isEmpty());

    MnistDownloader none;
    none.setMirrors({});
    const Outcome noMirrors = runDownload(none, freshTarget());
    QVERIFY(noMirrors.failed);
    QVERIFY(noMirrors.message.contains(QStringLiteral("mirror")));
}

void TestDownload::cancelLeavesNoFileAndEmitsNothing()
{
    MnistDownloader downloader;
    downloader.setFiles(m_files);
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("stall"))});
    QSignalSpy finished(&downloader, &MnistDownloader::finished);
    QSignalSpy failed(&downloader, &MnistDownloader::failed);
    m_server.clearRequests();
    const QString target = freshTarget();
    downloader.start(target);
    QTRY_VERIFY(!m_server.requests().isEmpty());
    QVERIFY(downloader.isRunning());
    downloader.cancel();
    QVERIFY(!downloader.isRunning());
    QTest::qWait(300);
    QVERIFY(finished.isEmpty());
    QVERIFY(failed.isEmpty());
    QVERIFY(entries(target).isEmpty());

    // It can be started again afterwards.
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("good"))});
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
}

void TestDownload::realMnistWithBuiltInChecksums()
{
    MNIST_FOLDER_OR_SKIP(mnist);
    if (!QFileInfo::exists(mnist + QStringLiteral("/train-images-idx3-ubyte.gz")))
        QSKIP("the MNIST folder holds inflated files; the mirrors serve .gz");
    m_server.serveFolder(QStringLiteral("real"), mnist);
    MnistDownloader downloader;   // built-in files and checksums
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("missing")), m_server.baseUrl(QStringLiteral("real"))});
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target, 60000);
    QVERIFY2(outcome.finished, qPrintable(outcome.message));
    for (const auto &info : MnistDownloader::files()) {
        QCOMPARE(md5Of(readAll(target + u'/' + info.name)), info.gzMd5);
        QCOMPARE(md5Of(lab::IdxFile::gunzip(readAll(target + u'/' + info.name), info.name, 64 << 20)), info.rawMd5);
    }
    QCOMPARE(entries(target).size(), 4);
    const auto data = lab::Dataset::loadUncached(target);
    QCOMPARE(data->train.count, 60000);
    QCOMPARE(data->test.count, 10000);
}

void TestDownload::realMnistCorruptedIsRejected()
{
    MNIST_FOLDER_OR_SKIP(mnist);
    if (!QFileInfo::exists(mnist + QStringLiteral("/t10k-labels-idx1-ubyte.gz")))
        QSKIP("the MNIST folder holds inflated files; the mirrors serve .gz");
    QByteArray labels = readAll(mnist + QStringLiteral("/t10k-labels-idx1-ubyte.gz"));
    labels[100] = char(labels[100] ^ 0x40);
    LocalHttpServer::Response corrupt;
    corrupt.body = labels;
    m_server.setRoute(QStringLiteral("/realbad/t10k-labels-idx1-ubyte.gz"), corrupt);
    MnistDownloader downloader;
    downloader.setFiles(MnistDownloader::files().mid(3, 1));
    downloader.setMirrors({m_server.baseUrl(QStringLiteral("realbad"))});
    const QString target = freshTarget();
    const Outcome outcome = runDownload(downloader, target);
    QVERIFY(outcome.failed);
    QVERIFY2(outcome.message.contains(QStringLiteral("t10k-labels-idx1-ubyte.gz")), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(QStringLiteral("ec29112dd5afa0611ce80d1b7f02629c")), qPrintable(outcome.message));
    QVERIFY2(outcome.message.contains(md5Of(labels)), qPrintable(outcome.message));
    QVERIFY(entries(target).isEmpty());
}

void TestDownload::cliDownloadsAndReportsCorruption()
{
    MNIST_FOLDER_OR_SKIP(mnist);
    const QString cli = QStringLiteral(MNIST_LAB_CLI);
    if (!QFileInfo(cli).isExecutable())
        QSKIP(qPrintable(QStringLiteral("skipped: %1 not built").arg(cli)));
    if (!QFileInfo::exists(mnist + QStringLiteral("/t10k-labels-idx1-ubyte.gz")))
        QSKIP("the MNIST folder holds inflated files; the mirrors serve .gz");
    m_server.serveFolder(QStringLiteral("real"), mnist);
    QByteArray images = readAll(mnist + QStringLiteral("/t10k-images-idx3-ubyte.gz"));
    images[images.size() / 3] = char(images[images.size() / 3] ^ 0x01);
    LocalHttpServer::Response corrupt;
    corrupt.body = images;
    m_server.setRoute(QStringLiteral("/cli-bad/t10k-images-idx3-ubyte.gz"), corrupt);
    m_server.serveFolder(QStringLiteral("cli-bad"), mnist);
    m_server.setRoute(QStringLiteral("/cli-bad/t10k-images-idx3-ubyte.gz"), corrupt);

    // The server lives in this process, so the CLI runs without blocking our event loop.
    auto runCli = [&](const QStringList &args, int *exitCode, QByteArray *out, QByteArray *err) {
        QProcess process;
        process.start(cli, args);
        QVERIFY(process.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 60000);
        *exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        *out = process.readAllStandardOutput();
        *err = process.readAllStandardError();
    };

    const QString bad = freshTarget();
    int code = 0;
    QByteArray out, err;
    runCli({QStringLiteral("download"), QStringLiteral("--data"), bad, QStringLiteral("--mirror"),
            m_server.baseUrl(QStringLiteral("cli-bad"))}, &code, &out, &err);
    QVERIFY2(code == 1, err.constData());
    const QList<QByteArray> errLines = err.trimmed().split('\n');
    QVERIFY2(errLines.last().startsWith("mnist-lab-cli download: error: t10k-images-idx3-ubyte.gz: checksum mismatch"), err.constData());
    QVERIFY2(errLines.last().contains("9fb629c4189551a2d022fa330f9573f3"), err.constData());
    QVERIFY(!QFileInfo::exists(bad + QStringLiteral("/t10k-images-idx3-ubyte.gz")));

    const QString good = freshTarget();
    runCli({QStringLiteral("download"), QStringLiteral("--data=") + good, QStringLiteral("--mirror"),
            m_server.baseUrl(QStringLiteral("missing")), QStringLiteral("--mirror"),
            m_server.baseUrl(QStringLiteral("real"))}, &code, &out, &err);
    QVERIFY2(code == 0, err.constData());
    QCOMPARE(QString::fromLocal8Bit(out.trimmed()), QDir::toNativeSeparators(QDir(good).absolutePath()));
    QVERIFY(lab::Dataset::looksComplete(good));

    runCli({QStringLiteral("download"), QStringLiteral("--bogus")}, &code, &out, &err);
    QCOMPARE(code, 2);
    QVERIFY2(err.contains("bogus"), err.constData());
}

QTEST_GUILESS_MAIN(TestDownload)
#include "tst_download.moc"
