#include "core/data/mnistdownloader.h"

#include "core/common/laberror.h"
#include "core/data/idxfile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>
#include <QUrl>

namespace lab {

namespace {

// Nothing we fetch is anywhere near this; a server streaming more is broken or hostile.
constexpr qint64 maxUnknownSize = qint64(256) << 20;

struct Catalogue
{
    QStringList mirrors;
    QList<MnistDownloader::FileInfo> files;
};

// data/mirrors.json is compiled in (core/CMakeLists.txt), so it cannot be missing at run
// time; a broken copy is a build mistake and says so.
const Catalogue &catalogue()
{
    static const Catalogue cat = [] {
        Catalogue c;
        QFile file(QStringLiteral(":/data/mirrors.json"));
        if (!file.open(QIODevice::ReadOnly))
            throw LabError(QStringLiteral(":/data/mirrors.json: missing from the build"));
        QJsonParseError error{};
        const QJsonObject root = QJsonDocument::fromJson(file.readAll(), &error).object();
        if (error.error != QJsonParseError::NoError)
            throw LabError(QStringLiteral(":/data/mirrors.json: %1").arg(error.errorString()));
        for (const QJsonValue &mirror : root.value(QStringLiteral("mirrors")).toArray())
            c.mirrors << mirror.toString();
        for (const QJsonValue &value : root.value(QStringLiteral("files")).toArray()) {
            const QJsonObject o = value.toObject();
            MnistDownloader::FileInfo info;
            info.name = o.value(QStringLiteral("name")).toString();
            info.gzMd5 = o.value(QStringLiteral("gz_md5")).toString().toLower();
            info.rawMd5 = o.value(QStringLiteral("raw_md5")).toString().toLower();
            info.gzSize = qint64(o.value(QStringLiteral("gz_size")).toDouble(-1));
            info.rawSize = qint64(o.value(QStringLiteral("raw_size")).toDouble(-1));
            c.files << info;
        }
        return c;
    }();
    return cat;
}

QString md5Hex(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Md5).toHex());
}

qint64 sizeCap(qint64 declared)
{
    return declared > 0 ? declared * 2 + 4096 : maxUnknownSize;
}

// True when `bytes` (as named by `name`) is the published file: its own md5 matches the
// .gz's, or, for a mirror that recompressed the data (Debian does), the inflated content's.
bool matches(const QByteArray &bytes, const QString &name, const MnistDownloader::FileInfo &info)
{
    const QString md5 = md5Hex(bytes);
    if (!info.gzMd5.isEmpty() && md5 == info.gzMd5)
        return true;
    if (info.rawMd5.isEmpty())
        return false;
    if (!name.endsWith(QStringLiteral(".gz")))
        return md5 == info.rawMd5;
    try {
        const QByteArray raw = IdxFile::gunzip(bytes, name, sizeCap(info.rawSize));
        return md5Hex(raw) == info.rawMd5;
    } catch (const LabError &) {
        return false;
    }
}

} // namespace

struct MnistDownloader::Private
{
    QNetworkAccessManager *network = nullptr;
    QStringList mirrors;
    QList<FileInfo> files;
    int timeoutMs = 30000;

    // State of the current run.
    bool running = false;
    quint64 generation = 0;     // bumps on every start/cancel so stale queued calls do nothing
    QString folder;
    int fileIndex = -1;
    int mirrorIndex = 0;
    QPointer<QNetworkReply> reply;
    QByteArray buffer;
    QTimer deadline;            // caps a whole transfer; the request's own timeout caps silence
    bool timedOut = false;
    bool tooLarge = false;
    QStringList failures;       // "url: reason" for each mirror tried for the current file
    QStringList mismatches;     // "md5 (url)" for each mirror that served wrong bytes

    void dropReply()
    {
        deadline.stop();
        if (reply) {
            QObject::disconnect(reply, nullptr, nullptr, nullptr);
            reply->abort();
            reply->deleteLater();
        }
        reply = nullptr;
        buffer.clear();
    }
};

MnistDownloader::MnistDownloader(QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->network = new QNetworkAccessManager(this);
    d->mirrors = defaultMirrors();
    d->files = files();
    d->deadline.setSingleShot(true);
    connect(&d->deadline, &QTimer::timeout, this, [this] {
        d->timedOut = true;
        if (d->reply)
            d->reply->abort();
    });
}

MnistDownloader::~MnistDownloader()
{
    d->dropReply();
}

QStringList MnistDownloader::defaultMirrors()
{
    return catalogue().mirrors;
}

QList<MnistDownloader::FileInfo> MnistDownloader::files()
{
    return catalogue().files;
}

bool MnistDownloader::verifyFile(const QString &path, const FileInfo &info)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > sizeCap(qMax(info.gzSize, info.rawSize)))
        return false;
    return matches(file.readAll(), QFileInfo(path).fileName(), info);
}

void MnistDownloader::setMirrors(const QStringList &baseUrls)
{
    d->mirrors = baseUrls;
}

QStringList MnistDownloader::mirrors() const
{
    return d->mirrors;
}

void MnistDownloader::setFiles(const QList<FileInfo> &files)
{
    d->files = files;
}

void MnistDownloader::setTimeout(int milliseconds)
{
    d->timeoutMs = qMax(1, milliseconds);
}

bool MnistDownloader::isRunning() const
{
    return d->running;
}

void MnistDownloader::start(const QString &targetFolder)
{
    if (d->running)
        return;
    d->running = true;
    const quint64 generation = ++d->generation;
    d->folder = QDir(targetFolder).absolutePath();
    d->fileIndex = -1;
    // Queued, so finished()/failed() never fire before start() returns to the caller's loop.
    QMetaObject::invokeMethod(this, [this, generation] {
        if (generation != d->generation || !d->running)
            return;
        if (d->mirrors.isEmpty())
            return fail(QStringLiteral("no download mirrors given"));
        if (!QDir().mkpath(d->folder) || !QFileInfo(d->folder).isWritable())
            return fail(QStringLiteral("%1: cannot create or write to the data folder")
                            .arg(QDir::toNativeSeparators(d->folder)));
        nextFile();
    }, Qt::QueuedConnection);
}

void MnistDownloader::cancel()
{
    if (!d->running)
        return;
    d->running = false;
    ++d->generation;
    d->dropReply();
}

void MnistDownloader::nextFile()
{
    while (++d->fileIndex < d->files.size()) {
        const FileInfo &info = d->files.at(d->fileIndex);
        const QDir dir(d->folder);
        // Keep what is already there and right: the .gz itself, or an inflated copy when
        // there is no .gz (a bad .gz would shadow a good inflated copy: the loader prefers .gz).
        QString present = dir.filePath(info.name);
        if (QFileInfo::exists(present)) {
            if (!verifyFile(present, info))
                present.clear();
        } else {
            QString inflated = present;
            if (inflated.endsWith(QStringLiteral(".gz")))
                inflated.chop(3);
            present = inflated != present && verifyFile(inflated, info) ? inflated : QString();
        }
        if (present.isEmpty()) {
            d->mirrorIndex = 0;
            d->failures.clear();
            d->mismatches.clear();
            tryMirror();
            return;
        }
        const qint64 size = QFileInfo(present).size();
        Q_EMIT progress(size, size, info.name);
    }
    d->running = false;
    Q_EMIT finished(d->folder);
}

void MnistDownloader::tryMirror()
{
    const FileInfo &info = d->files.at(d->fileIndex);
    if (d->mirrorIndex >= d->mirrors.size()) {
        if (!d->mismatches.isEmpty() && d->mismatches.size() == d->failures.size()) {
            const QString expected = info.gzMd5.isEmpty() ? info.rawMd5 : info.gzMd5;
            return fail(QStringLiteral("%1: checksum mismatch on every mirror: expected md5 %2, got %3")
                            .arg(info.name, expected, d->mismatches.join(QStringLiteral(", "))));
        }
        return fail(QStringLiteral("%1: could not be downloaded from any mirror: %2")
                        .arg(info.name, d->failures.join(QStringLiteral("; "))));
    }

    QString base = d->mirrors.at(d->mirrorIndex).trimmed();
    if (!base.endsWith(u'/'))
        base += u'/';
    const QUrl url(base + info.name);
    if (!url.isValid() || url.scheme().isEmpty()) {
        d->failures << QStringLiteral("%1: not a valid URL").arg(base);
        ++d->mirrorIndex;
        return tryMirror();
    }

    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(10);
    request.setTransferTimeout(d->timeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("mnist-lab/" MNIST_LAB_VERSION));

    d->buffer.clear();
    d->timedOut = false;
    d->tooLarge = false;
    QNetworkReply *reply = d->network->get(request);
    d->reply = reply;
    d->deadline.start(d->timeoutMs * 10);
    const QString name = info.name;
    const qint64 expectedSize = info.gzSize;
    const qint64 cap = sizeCap(info.gzSize);
    connect(reply, &QNetworkReply::readyRead, this, [this, reply, cap] {
        d->buffer += reply->readAll();
        if (d->buffer.size() > cap) {
            d->tooLarge = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::downloadProgress, this, [this, reply, name, expectedSize](qint64 received, qint64 total) {
        // The body of a 404 page or a redirect is not progress on the file.
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (status.isValid() && status.toInt() != 200)
            return;
        Q_EMIT progress(received, total > 0 ? total : expectedSize, name);
    });
    connect(reply, &QNetworkReply::finished, this, &MnistDownloader::onReplyFinished);
}

void MnistDownloader::onReplyFinished()
{
    QNetworkReply *reply = d->reply;
    if (!reply || reply != sender())
        return;
    d->deadline.stop();
    QObject::disconnect(reply, nullptr, this, nullptr);
    reply->deleteLater();
    d->reply = nullptr;

    const FileInfo &info = d->files.at(d->fileIndex);
    const QString url = reply->url().toDisplayString();
    QByteArray bytes = d->buffer;
    if (reply->isOpen())   // an aborted reply is closed; reading it only warns
        bytes += reply->readAll();
    d->buffer.clear();

    QString problem;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (d->timedOut) {
        problem = QStringLiteral("timed out after %1 s").arg(d->timeoutMs * 10 / 1000.0);
    } else if (d->tooLarge) {
        problem = QStringLiteral("more than %1 bytes, far larger than expected").arg(sizeCap(info.gzSize));
    } else if (reply->error() == QNetworkReply::OperationCanceledError
               || reply->error() == QNetworkReply::TimeoutError) {
        // Only the request's transfer timeout cancels a reply we still listen to.
        problem = QStringLiteral("no data for %1 s").arg(d->timeoutMs / 1000.0);
    } else if (reply->error() != QNetworkReply::NoError) {
        problem = status.isValid()
            ? QStringLiteral("HTTP %1 %2").arg(status.toInt())
                  .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
                  .trimmed()
            : reply->errorString();
    } else if (status.isValid() && status.toInt() != 200) {
        problem = QStringLiteral("HTTP %1 (expected 200)").arg(status.toInt());
    }
    if (!problem.isEmpty()) {
        d->failures << url + QStringLiteral(": ") + problem;
        ++d->mirrorIndex;
        return tryMirror();
    }

    if (!matches(bytes, info.name, info)) {
        const QString actual = md5Hex(bytes);
        d->mismatches << QStringLiteral("%1 from %2").arg(actual, url);
        d->failures << QStringLiteral("%1: md5 %2, expected %3").arg(url, actual, info.gzMd5);
        ++d->mirrorIndex;
        return tryMirror();
    }

    // Only verified bytes reach the folder, and only through a rename.
    const QString path = QDir(d->folder).filePath(info.name);
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit())
        return fail(QStringLiteral("%1: cannot write: %2").arg(QDir::toNativeSeparators(path), out.errorString()));
    nextFile();
}

void MnistDownloader::fail(const QString &message)
{
    d->running = false;
    ++d->generation;
    d->dropReply();
    Q_EMIT failed(message);
}

} // namespace lab
