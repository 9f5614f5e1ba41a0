// A write that fails must leave the earlier file exactly as it was, and no temporary file
// behind, for every writer the lab uses (AtomicFile itself, model files, run records, idx
// files). The failures are real ones that also happen as root: the disk "fills up" in the
// middle of the write (RLIMIT_FSIZE), no file can be opened (RLIMIT_NOFILE), the target's
// folder cannot be created, or the target name is taken by a folder.
#include "core/common/atomicfile.h"
#include "core/common/laberror.h"
#include "core/data/idxfile.h"
#include "core/experiment/runrecord.h"
#include "core/model/modelfile.h"
#include "core/model/networkspec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

enum class Writer { Atomic, Model, Record, Idx };
enum class Failure { FileTooLarge, NoFileDescriptors, TargetIsFolder };

/** Lowers one soft resource limit for its lifetime (the hard limit stays, so it can be restored). */
class SoftLimit
{
public:
    SoftLimit(int resource, rlim_t value)
        : m_resource(resource)
    {
        getrlimit(resource, &m_saved);
        rlimit lowered = m_saved;
        lowered.rlim_cur = value;
        m_ok = setrlimit(resource, &lowered) == 0;
    }
    ~SoftLimit() { setrlimit(m_resource, &m_saved); }
    bool ok() const { return m_ok; }

private:
    int m_resource;
    rlimit m_saved{};
    bool m_ok = false;
};

/** The lowest free descriptor number: with RLIMIT_NOFILE set to it, every open() fails. */
rlim_t lowestFreeDescriptor()
{
    const int fd = ::dup(0);
    ::close(fd);
    return rlim_t(fd);
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

lab::NetworkSpec mlp(const QString &shorthand)
{
    lab::NetworkSpec spec = lab::NetworkSpec::fromShorthand(shorthand, QStringLiteral("relu"));
    spec.name = shorthand;
    return spec;
}

// Writes a small ("old") or a large ("new", well over the 64 KiB limit used below) file.
void writeWith(Writer writer, const QString &path, bool large)
{
    switch (writer) {
    case Writer::Atomic:
        lab::AtomicFile::write(path, large ? QByteArray(1 << 20, 'n') : QByteArrayLiteral("old content\n"));
        break;
    case Writer::Model: {
        lab::ModelFile model;
        model.spec = mlp(large ? QStringLiteral("784-10") : QStringLiteral("784-10"));
        model.summary.insert(QStringLiteral("model_type"), large ? QStringLiteral("new") : QStringLiteral("old"));
        // The weights are opaque bytes to the file format; size is what matters here.
        model.weights = large ? QByteArray(1 << 20, 'w') : QByteArray(64, 'o');
        model.save(path);
        break;
    }
    case Writer::Record: {
        lab::RunRecord record;
        record.modelType = large ? QStringLiteral("new") : QStringLiteral("old");
        record.spec = mlp(QStringLiteral("784-50-10"));
        record.status = lab::RunStatus::Finished;
        if (large)
            record.batchLosses = QVector<double>(20000, 0.123456789);
        record.save(path);
        break;
    }
    case Writer::Idx: {
        lab::IdxFile idx;
        const int count = large ? 2000 : 3;
        idx.dims = {count, 28, 28};
        idx.bytes = QByteArray(qsizetype(count) * 784, large ? '\x7f' : '\x01');
        idx.write(path);   // raw (no .gz): the size stays large
        break;
    }
    }
}

} // namespace

Q_DECLARE_METATYPE(Writer)
Q_DECLARE_METATYPE(Failure)

class TestAtomicWrite : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Exceeding RLIMIT_FSIZE raises SIGXFSZ, which would kill the test; ignored, the
        // write fails with EFBIG like on a full disk.
        std::signal(SIGXFSZ, SIG_IGN);
    }

    void failedWriteKeepsOldFile_data()
    {
        QTest::addColumn<Writer>("writer");
        QTest::addColumn<Failure>("failure");
        QTest::addColumn<QString>("fileName");
        const struct { Writer w; const char *name; const char *file; } writers[] = {
            {Writer::Atomic, "AtomicFile", "data.bin"},
            {Writer::Model, "ModelFile::save", "model.mnlm"},
            {Writer::Record, "RunRecord::save", "record.json"},
            {Writer::Idx, "IdxFile::write", "train-images-idx3-ubyte"},
        };
        const struct { Failure f; const char *name; } failures[] = {
            {Failure::FileTooLarge, "disk full mid-write"},
            {Failure::NoFileDescriptors, "no file descriptors"},
            {Failure::TargetIsFolder, "target replaced by a folder"},
        };
        for (const auto &w : writers)
            for (const auto &f : failures)
                QTest::addRow("%s, %s", w.name, f.name) << w.w << f.f << QString::fromLatin1(w.file);
    }

    void failedWriteKeepsOldFile()
    {
        QFETCH(Writer, writer);
        QFETCH(Failure, failure);
        QFETCH(QString, fileName);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(fileName);
        writeWith(writer, path, false);
        const QByteArray before = fileHash(path);
        QVERIFY2(!before.isEmpty(), "the first (small) write did not produce a file");
        const QStringList entriesBefore = QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);

        QString error;
        bool threw = false;
        if (failure == Failure::TargetIsFolder) {
            // The reader keeps the old file open elsewhere; here the old file is moved aside
            // and a folder takes its name, so the rename at the end of the write must fail.
            const QString aside = path + QStringLiteral(".aside");
            QVERIFY(QFile::rename(path, aside));
            QVERIFY(QDir().mkpath(path + QStringLiteral("/child")));
            try {
                writeWith(writer, path, true);
            } catch (const lab::LabError &e) {
                threw = true;
                error = e.message();
            }
            QVERIFY2(threw, "writing over a folder did not throw LabError");
            QVERIFY2(QFileInfo(path).isDir(), "the folder in the way was replaced");
            QVERIFY(QFileInfo::exists(path + QStringLiteral("/child")));
            QCOMPARE(fileHash(aside), before);
            QVERIFY(QDir().rmpath(path + QStringLiteral("/child")) || QDir(path).removeRecursively());
            QVERIFY(QFile::rename(aside, path));
        } else {
            const int resource = failure == Failure::FileTooLarge ? RLIMIT_FSIZE : RLIMIT_NOFILE;
            const rlim_t value = failure == Failure::FileTooLarge ? rlim_t(64 * 1024) : lowestFreeDescriptor();
            {
                SoftLimit limit(resource, value);
                QVERIFY2(limit.ok(), "cannot lower the resource limit");
                try {
                    writeWith(writer, path, true);
                } catch (const lab::LabError &e) {
                    threw = true;
                    error = e.message();
                }
            }
            QVERIFY2(threw, "the failing write did not throw LabError");
        }

        QVERIFY2(error.contains(fileName), qPrintable(QStringLiteral("the error does not name the file: ") + error));
        QCOMPARE(fileHash(path), before);
        // Nothing half-written left beside it (QSaveFile's temporary files, *.tmp …).
        const QStringList entriesAfter = QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
        QCOMPARE(entriesAfter, entriesBefore);

        // And the old file still reads back as what was written first.
        switch (writer) {
        case Writer::Model:
            QCOMPARE(lab::ModelFile::load(path).summary.value(QStringLiteral("model_type")).toString(), QStringLiteral("old"));
            break;
        case Writer::Record:
            QCOMPARE(lab::RunRecord::load(path).modelType, QStringLiteral("old"));
            break;
        case Writer::Idx:
            QCOMPARE(lab::IdxFile::read(path).count(), 3);
            break;
        case Writer::Atomic:
            break;
        }
    }

    void parentIsARegularFile_data()
    {
        QTest::addColumn<Writer>("writer");
        QTest::newRow("AtomicFile") << Writer::Atomic;
        QTest::newRow("ModelFile::save") << Writer::Model;
        QTest::newRow("RunRecord::save") << Writer::Record;
        QTest::newRow("IdxFile::write") << Writer::Idx;
    }

    void parentIsARegularFile()
    {
        QFETCH(Writer, writer);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString blocker = dir.filePath(QStringLiteral("not-a-folder"));
        lab::AtomicFile::write(blocker, QByteArrayLiteral("I am a file"));
        const QString path = blocker + QStringLiteral("/sub/target.bin");
        QVERIFY_THROWS_EXCEPTION(lab::LabError, writeWith(writer, path, false));
        QCOMPARE(QFileInfo(blocker).isFile(), true);
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArrayLiteral("I am a file"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("not-a-folder")});
    }

    void successfulWriteReplacesAndLeavesNoTemporary()
    {
        // The other half of the contract: when nothing fails, the new content is there.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("data.bin"));
        lab::AtomicFile::write(path, QByteArrayLiteral("one"));
        lab::AtomicFile::write(path, QByteArrayLiteral("two"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArrayLiteral("two"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
                 QStringList{QStringLiteral("data.bin")});
    }
};

QTEST_GUILESS_MAIN(TestAtomicWrite)
#include "tst_atomicwrite.moc"
