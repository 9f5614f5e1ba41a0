// Replays the fuzzers' inputs in the ordinary build: every seed in fuzz/corpus/<target>/
// and every input a fuzzer once crashed on (fuzz/regressions/<target>/). The file name
// says what must happen: "valid-*" is accepted (".gz" ones after gunzip), "bad-*" is
// refused with a LabError, "any-*" may go either way; nothing else may escape (no other
// exception, no crash, no sanitizer report when built with scripts/sanitize.sh).
#include "core/common/laberror.h"
#include "core/data/idxfile.h"
#include "core/model/modelfile.h"

#include <QDir>
#include <QFile>
#include <QtTest>

#include <sys/resource.h>

#include "sanitizers.h"

namespace {

// The limit IdxFile::read() gives gunzip for .gz files (2 GiB of payload + header).
constexpr qsizetype readLimit = (qsizetype(1) << 31) + 64;

QByteArray readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.readAll();
}

void addInputRows(const QString &target)
{
    QTest::addColumn<QString>("path");
    const QDir fuzzDir(QStringLiteral(MNIST_LAB_FUZZ_DIR));
    int rows = 0;
    for (const QString &kind : {QStringLiteral("corpus"), QStringLiteral("regressions")}) {
        const QDir dir(fuzzDir.filePath(kind + u'/' + target));
        for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
            QTest::newRow(qPrintable(kind + u'/' + name)) << dir.filePath(name);
            ++rows;
        }
    }
    if (rows == 0)
        QTest::newRow("missing") << fuzzDir.filePath(QStringLiteral("corpus/") + target);
}

enum class Outcome { Accepted, Refused };

} // namespace

class TestFuzzRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void idxInputs_data() { addInputRows(QStringLiteral("fuzz_idx")); }

    void idxInputs()
    {
        QFETCH(QString, path);
        QVERIFY2(QFileInfo(path).isFile(), qPrintable(path + QStringLiteral(": no fuzz inputs found")));
        const QString name = QFileInfo(path).fileName();
        const QByteArray bytes = readAll(path);
        const bool gz = name.endsWith(QStringLiteral(".gz"));

        // Both paths the fuzzer drives: the bytes as a raw idx, and the bytes gunzipped.
        Outcome raw = Outcome::Refused;
        Outcome inflated = Outcome::Refused;
        lab::IdxFile parsed;
        try {
            parsed = lab::IdxFile::parse(bytes, name);
            raw = Outcome::Accepted;
        } catch (const lab::LabError &e) {
            QVERIFY2(e.message().contains(name), qPrintable(QStringLiteral("the error does not name the input: ") + e.message()));
        }
        try {
            parsed = lab::IdxFile::parse(lab::IdxFile::gunzip(bytes, name, readLimit), name);
            inflated = Outcome::Accepted;
        } catch (const lab::LabError &e) {
            QVERIFY2(e.message().contains(name), qPrintable(QStringLiteral("the error does not name the input: ") + e.message()));
        }

        if (name.startsWith(QStringLiteral("valid-"))) {
            QCOMPARE(gz ? inflated : raw, Outcome::Accepted);
            QVERIFY(!parsed.dims.isEmpty());
            qsizetype total = 1;
            for (int d : parsed.dims)
                total *= d;
            QCOMPARE(parsed.bytes.size(), total);
        } else if (name.startsWith(QStringLiteral("bad-"))) {
            QCOMPARE(raw, Outcome::Refused);
            QCOMPARE(inflated, Outcome::Refused);
        }
    }

    void modelFileInputs_data() { addInputRows(QStringLiteral("fuzz_modelfile")); }

    void modelFileInputs()
    {
        QFETCH(QString, path);
        QVERIFY2(QFileInfo(path).isFile(), qPrintable(path + QStringLiteral(": no fuzz inputs found")));
        const QString name = QFileInfo(path).fileName();
        Outcome outcome = Outcome::Refused;
        QString error;
        try {
            const lab::ModelFile model = lab::ModelFile::deserialize(readAll(path), name);
            outcome = Outcome::Accepted;
            // An accepted file survives a write/read cycle unchanged.
            const QByteArray once = model.serialize();
            QCOMPARE(lab::ModelFile::deserialize(once, name).serialize(), once);
        } catch (const lab::LabError &e) {
            error = e.message();
            QVERIFY2(error.contains(name), qPrintable(QStringLiteral("the error does not name the input: ") + error));
        }
        if (name.startsWith(QStringLiteral("valid-")))
            QVERIFY2(outcome == Outcome::Accepted, qPrintable(error));
        else if (name.startsWith(QStringLiteral("bad-")))
            QCOMPARE(outcome, Outcome::Refused);
    }

    void gunzipDoesNotTrustTheTrailer()
    {
        // fuzz_idx: a 16-byte input whose last four bytes (gzip's ISIZE) read as ~2 GB made
        // gunzip allocate 2 GB before looking at the data. With the address space capped
        // a little above what the process uses, such an allocation would throw bad_alloc.
        QByteArray bytes = readAll(QStringLiteral(MNIST_LAB_FUZZ_DIR "/regressions/fuzz_idx/bad-gunzip-trailer-claims-2gib"));
        QCOMPARE(bytes.size(), 16);
#ifdef LAB_UNDER_ASAN
        QSKIP("ASan reserves its shadow memory as address space; RLIMIT_AS cannot be used here");
#else
        QFile status(QStringLiteral("/proc/self/status"));
        QVERIFY(status.open(QIODevice::ReadOnly));
        qint64 vmSizeKb = 0;
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("VmSize:"))
                vmSizeKb = line.mid(7).trimmed().split(' ').first().toLongLong();
        QVERIFY(vmSizeKb > 0);
        rlimit saved{};
        getrlimit(RLIMIT_AS, &saved);
        rlimit capped = saved;
        capped.rlim_cur = rlim_t(vmSizeKb + 512 * 1024) * 1024;   // 512 MiB of headroom
        QVERIFY(setrlimit(RLIMIT_AS, &capped) == 0);
        bool refused = false;
        QString other;
        try {
            lab::IdxFile::gunzip(bytes, QStringLiteral("claims-2gib.gz"), readLimit);
        } catch (const lab::LabError &) {
            refused = true;
        } catch (const std::exception &e) {
            other = QString::fromLocal8Bit(e.what());
        }
        setrlimit(RLIMIT_AS, &saved);
        QVERIFY2(other.isEmpty(), qPrintable(QStringLiteral("gunzip tried a huge allocation: ") + other));
        QVERIFY(refused);
#endif
    }
};

QTEST_GUILESS_MAIN(TestFuzzRegressions)
#include "tst_fuzzregressions.moc"
