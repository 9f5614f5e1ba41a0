// The personal test set: drawings appended one by one come back in order with their
// labels, bad input is refused with a message naming the file, and a half-finished
// earlier write (one file longer than the other) does not poison later appends.

#include "core/common/laberror.h"
#include "core/data/idxfile.h"
#include "core/infer/personaltestset.h"
#include "testdata.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace lab;

namespace {

std::vector<std::uint8_t> drawing(int seed)
{
    std::vector<std::uint8_t> px(784);
    for (size_t i = 0; i < px.size(); ++i)
        px[i] = std::uint8_t((i * 7 + size_t(seed) * 31) % 256);
    return px;
}

} // namespace

class TestPersonalTestSet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyFolderIsAnEmptySet()
    {
        QTemporaryDir dir;
        const PersonalTestSet set(dir.filePath(QStringLiteral("personal")));
        QCOMPARE(set.count(), 0);
        QCOMPARE(set.load().count, 0);
    }

    void appendsComeBackInOrder()
    {
        QTemporaryDir dir;
        const PersonalTestSet set(dir.filePath(QStringLiteral("personal")));
        set.append(drawing(1), 7);
        set.append(drawing(2), 0);
        std::vector<float> floats(784, 0.0f);
        floats[100] = 1.0f;
        floats[101] = 0.5f;
        set.append(floats, 9);
        QCOMPARE(set.count(), 3);

        const ImageSet loaded = set.load();
        QCOMPARE(loaded.count, 3);
        QCOMPARE(loaded.rows, 28);
        QCOMPARE(loaded.cols, 28);
        QCOMPARE(loaded.labels, (std::vector<std::int64_t>{7, 0, 9}));
        const auto first = drawing(1), second = drawing(2);
        QVERIFY(std::equal(first.begin(), first.end(), loaded.image(0)));
        QVERIFY(std::equal(second.begin(), second.end(), loaded.image(1)));
        QCOMPARE(int(loaded.image(2)[100]), 255);
        QCOMPARE(int(loaded.image(2)[101]), 128);
        QCOMPARE(int(loaded.image(2)[102]), 0);
        // The files are ordinary idx files with MNIST's test-split names.
        QCOMPARE(IdxFile::read(set.imagesPath()).dims, (QVector<int>{3, 28, 28}));
        QVERIFY(set.imagesPath().endsWith(QStringLiteral("t10k-images-idx3-ubyte")));
    }

    void badInputIsRefused_data()
    {
        QTest::addColumn<int>("pixels");
        QTest::addColumn<int>("label");
        QTest::newRow("label 10") << 784 << 10;
        QTest::newRow("label -1") << 784 << -1;
        QTest::newRow("too few pixels") << 783 << 3;
        QTest::newRow("no pixels") << 0 << 3;
    }

    void badInputIsRefused()
    {
        QFETCH(int, pixels);
        QFETCH(int, label);
        QTemporaryDir dir;
        const PersonalTestSet set(dir.filePath(QStringLiteral("personal")));
        set.append(drawing(1), 1);
        try {
            set.append(std::vector<std::uint8_t>(size_t(pixels), 9), label);
            QFAIL("bad input was accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(set.folder()), qPrintable(e.message()));
        }
        QCOMPARE(set.count(), 1);   // the set is unchanged
    }

    void halfWrittenAppendIsRepaired()
    {
        QTemporaryDir dir;
        const PersonalTestSet set(dir.filePath(QStringLiteral("personal")));
        set.append(drawing(1), 4);
        set.append(drawing(2), 5);
        // Simulate a crash between the two writes: images has a third drawing, labels not.
        IdxFile images = IdxFile::read(set.imagesPath());
        images.dims[0] = 3;
        const auto extra = drawing(3);
        images.bytes.append(reinterpret_cast<const char *>(extra.data()), 784);
        images.write(set.imagesPath());

        set.append(drawing(4), 6);
        const ImageSet loaded = set.load();
        QCOMPARE(loaded.count, 3);
        QCOMPARE(loaded.labels, (std::vector<std::int64_t>{4, 5, 6}));
        const auto fourth = drawing(4);
        QVERIFY(std::equal(fourth.begin(), fourth.end(), loaded.image(2)));
    }

    void damagedFileIsALabError()
    {
        QTemporaryDir dir;
        const PersonalTestSet set(dir.filePath(QStringLiteral("personal")));
        set.append(drawing(1), 1);
        QFile f(set.labelsPath());
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("garbage");
        f.close();
        try {
            set.load();
            QFAIL("a damaged label file was accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(set.labelsPath()), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestPersonalTestSet)
#include "tst_personaltestset.moc"
