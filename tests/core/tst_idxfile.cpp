// The idx reader: every malformed-file class gives an error naming the file and the fault.
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/data/idxfile.h"
#include "testdata.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

using lab::IdxFile;
using lab::LabError;

namespace {

QByteArray header(quint8 type, QVector<quint32> dims)
{
    QByteArray h;
    h.append(char(0)).append(char(0)).append(char(type)).append(char(dims.size()));
    for (quint32 d : dims) {
        char be[4];
        qToBigEndian(d, be);
        h.append(be, 4);
    }
    return h;
}

void writeRaw(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

} // namespace

class TestIdxFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("fileName");
        QTest::newRow("raw") << QStringLiteral("x-idx3-ubyte");
        QTest::newRow("gzip") << QStringLiteral("x-idx3-ubyte.gz");
    }

    void roundTrip()
    {
        QFETCH(QString, fileName);
        QTemporaryDir dir;
        IdxFile file;
        file.dims = {3, 28, 28};
        file.bytes = QByteArray(3 * 784, '\0');
        for (int i = 0; i < file.bytes.size(); ++i)
            file.bytes[i] = char(i % 251);
        const QString path = dir.filePath(fileName);
        file.write(path);
        const IdxFile back = IdxFile::read(path);
        QCOMPARE(back.dims, file.dims);
        QCOMPARE(back.bytes, file.bytes);
        QCOMPARE(back.count(), 3);
        QCOMPARE(back.itemSize(), qsizetype(784));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");   // a fragment of the message

        const QByteArray fiveLabels = header(0x08, {5}) + QByteArray(5, '\1');
        QTest::newRow("empty") << QByteArray() << QStringLiteral("truncated");
        QTest::newRow("wrong magic") << QByteArray("\x12\x34\x08\x01\0\0\0\1x", 9) << QStringLiteral("wrong magic");
        QTest::newRow("float type") << header(0x0D, {5}) + QByteArray(20, '\0') << QStringLiteral("element type");
        QTest::newRow("zero rank") << header(0x08, {}) << QStringLiteral("dimensions");
        QTest::newRow("rank 9") << QByteArray("\0\0\x08\x09", 4) + QByteArray(36, '\1') << QStringLiteral("dimensions");
        QTest::newRow("truncated header") << header(0x08, {5, 28, 28}).left(9) << QStringLiteral("truncated header");
        QTest::newRow("truncated data") << fiveLabels.left(fiveLabels.size() - 2) << QStringLiteral("truncated");
        QTest::newRow("trailing bytes") << fiveLabels + "xx" << QStringLiteral("unexpected bytes");
        QTest::newRow("zero dimension") << header(0x08, {0}) << QStringLiteral("dimension 0 is 0");
        // A header that claims 4 GB must be refused without allocating it.
        QTest::newRow("huge declared size") << header(0x08, {60000, 65536, 65536}) + QByteArray(10, '\0')
                                            << QStringLiteral("more than");
    }

    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad-idx1-ubyte"));
        writeRaw(path, bytes);
        try {
            IdxFile::read(path);
            QFAIL("a malformed file was accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(path), qPrintable(e.message()));
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        }
    }

    void corruptGzip()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("good.gz"));
        IdxFile file;
        file.dims = {1000};
        file.bytes = QByteArray(1000, '\3');
        file.write(good);
        QFile f(good);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray gz = f.readAll();

        const QString truncated = dir.filePath(QStringLiteral("truncated.gz"));
        writeRaw(truncated, gz.left(gz.size() / 2));
        QVERIFY_THROWS_EXCEPTION(LabError, IdxFile::read(truncated));

        QByteArray flipped = gz;
        flipped[12] = char(~flipped[12]);
        const QString corrupt = dir.filePath(QStringLiteral("corrupt.gz"));
        writeRaw(corrupt, flipped);
        try {
            IdxFile::read(corrupt);
            QFAIL("corrupt gzip accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(corrupt), qPrintable(e.message()));
        }

        const QString notGzip = dir.filePath(QStringLiteral("plain.gz"));
        writeRaw(notGzip, file.serialize());
        QVERIFY_THROWS_EXCEPTION(LabError, IdxFile::read(notGzip));

        // The gzip trailer's size is a claim: one that is off by a byte must not be believed
        // (libdeflate's one-call path uses it to size its buffer).
        QByteArray lyingSize = gz;
        lyingSize[lyingSize.size() - 4] = char(lyingSize[lyingSize.size() - 4] + 1);
        const QString lying = dir.filePath(QStringLiteral("lying.gz"));
        writeRaw(lying, lyingSize);
        try {
            IdxFile::read(lying);
            QFAIL("a gzip file whose trailer misstates its size was accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(lying), qPrintable(e.message()));
        }

        // An idx header that declares less than the file holds: refused by what the header says.
        IdxFile inconsistent;
        inconsistent.dims = {900};
        inconsistent.bytes = QByteArray(1000, '\3');   // write() does not check: 100 bytes too many
        const QString shortHeader = dir.filePath(QStringLiteral("short-header.gz"));
        inconsistent.write(shortHeader);
        try {
            IdxFile::read(shortHeader);
            QFAIL("a file holding more than its idx header declares was accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(shortHeader) && e.message().contains(QStringLiteral("its idx header declares")),
                     qPrintable(e.message()));
        }
    }

    void missingFileNamesIt()
    {
        try {
            IdxFile::read(QStringLiteral("/nonexistent/t10k-images-idx3-ubyte"));
            QFAIL("missing file accepted");
        } catch (const LabError &e) {
            QVERIFY(e.message().contains(QStringLiteral("/nonexistent/t10k-images-idx3-ubyte")));
            QVERIFY(e.message().contains(QStringLiteral("not found")));
        }
    }

    void datasetChecksPairs()
    {
        QTemporaryDir dir;
        TestData::writeSyntheticMnist(dir.path(), 200, 50, /*gzip=*/false);
        // Labels file with a different count than the images file.
        IdxFile labels;
        labels.dims = {49};
        labels.bytes = QByteArray(49, '\1');
        labels.write(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte")));
        try {
            lab::Dataset::loadUncached(dir.path());
            QFAIL("count mismatch accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("counts differ")), qPrintable(e.message()));
        }
        // A label outside 0-9.
        labels.dims = {50};
        labels.bytes = QByteArray(50, '\1');
        labels.bytes[17] = char(12);
        labels.write(dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte")));
        try {
            lab::Dataset::loadUncached(dir.path());
            QFAIL("label 12 accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("label 12 at index 17")), qPrintable(e.message()));
        }
    }

    void datasetNormalisesWithTrainStatistics()
    {
        QTemporaryDir dir;
        TestData::writeSyntheticMnist(dir.path(), 300, 100, /*gzip=*/true);
        const auto data = lab::Dataset::loadUncached(dir.path());
        QCOMPARE(data->train.count, 300);
        QCOMPARE(data->test.count, 100);
        const TestData::Moments moments = TestData::normalizedMoments(data->train, data->norm);
        QVERIFY(qAbs(moments.mean) < 1e-3);                                    // mean 0
        QVERIFY(qAbs(moments.std * moments.std - 1.0) < 1e-2);                 // std 1
        QVERIFY(data->norm.mean > 0 && data->norm.std > 0);
        // The test split uses the training split's statistics, not its own.
        const float expected = (data->test.image(0)[5] / 255.0f - data->norm.mean) / data->norm.std;
        float normalized[784];
        lab::Dataset::normalizeRange(data->test, 0, 1, data->norm, normalized);
        QVERIFY(qAbs(normalized[5] - expected) < 1e-4);
        // Picking images by index gives the same floats as the consecutive range.
        const std::int64_t picks[2] = {7, 3};
        std::vector<float> picked(2 * 784), range(8 * 784);
        lab::Dataset::normalizeImages(data->test, picks, 2, data->norm, picked.data());
        lab::Dataset::normalizeRange(data->test, 0, 8, data->norm, range.data());
        QVERIFY(std::equal(picked.begin(), picked.begin() + 784, range.begin() + 7 * 784));
        QVERIFY(std::equal(picked.begin() + 784, picked.end(), range.begin() + 3 * 784));
    }

    void missingFolderIsNamed()
    {
        try {
            lab::Dataset::loadUncached(QStringLiteral("/no/such/folder"));
            QFAIL("missing folder accepted");
        } catch (const LabError &e) {
            QVERIFY(e.message().contains(QStringLiteral("/no/such/folder")));
        }
    }
};

QTEST_GUILESS_MAIN(TestIdxFile)
#include "tst_idxfile.moc"
