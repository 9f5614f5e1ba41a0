#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

QT_BEGIN_NAMESPACE
class QNetworkAccessManager;
class QNetworkReply;
QT_END_NAMESPACE

namespace lab {

/**
 * Fetches the four MNIST .gz files into a folder, asynchronously (needs a running event
 * loop). For each file the mirrors are tried in order; a file is accepted only when its
 * md5 matches the published one, and it reaches the target folder atomically (QSaveFile),
 * so the folder never holds a half-written or corrupted file. Files already present with
 * the right checksum are kept and not fetched again.
 *
 * Exactly one of finished() or failed() is emitted per start(), unless cancel() is
 * called first (then neither is emitted).
 */
class MnistDownloader : public QObject
{
    Q_OBJECT

public:
    /** One of the four files and its published checksums. */
    struct FileInfo
    {
        QString name;         ///< e.g. "train-images-idx3-ubyte.gz"
        QString gzMd5;        ///< md5 of the .gz as published, lowercase hex
        QString rawMd5;       ///< md5 of the inflated content, lowercase hex
        qint64 gzSize = -1;   ///< bytes of the .gz as published (-1: unknown)
        qint64 rawSize = -1;  ///< bytes once inflated (-1: unknown)
    };

    explicit MnistDownloader(QObject *parent = nullptr);
    ~MnistDownloader() override;

    /** The mirror base URLs from the built-in data/mirrors.json, in order of preference. */
    static QStringList defaultMirrors();
    /** The four files with their md5s, from the built-in data/mirrors.json. */
    static QList<FileInfo> files();
    /** True when `path` exists and its md5 matches `info` (the .gz or the inflated content). */
    static bool verifyFile(const QString &path, const FileInfo &info);

    /** Replaces the mirror list (base URLs; the file name is appended after a '/'). */
    void setMirrors(const QStringList &baseUrls);
    QStringList mirrors() const;
    /** Replaces the list of files to fetch (default: files()); for tests and other idx sets. */
    void setFiles(const QList<FileInfo> &files);

    /**
     * Per-request limit: a transfer with no data for this long is abandoned and the next
     * mirror is tried (default 30 s). The whole file is also capped at 10× this.
     */
    void setTimeout(int milliseconds);

    /** Starts fetching into `targetFolder` (created if needed). Ignored while running. */
    void start(const QString &targetFolder);
    /** Aborts the current transfer; no file is left half-written. Emits nothing. */
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    /** Bytes of `file` received so far; `total` is -1 when the server did not say. */
    void progress(qint64 received, qint64 total, QString file);
    /** All four files are in `folder` with correct checksums. */
    void finished(QString folder);
    /** One-line reason, naming the file (and expected/actual md5 on a checksum mismatch). */
    void failed(QString message);

private:
    void nextFile();
    void tryMirror();
    void onReplyFinished();
    void fail(const QString &message);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace lab
