// Fashion-MNIST (Debian's dataset-fashion-mnist) loads through the same Dataset path as
// MNIST: same idx format and file names, Debian-recompressed .gz files.

#include "testdata.h"

#include "core/data/dataset.h"
#include "core/data/mnistdownloader.h"

#include <QDir>
#include <QFileInfo>
#include <QtTest>

#include <array>

namespace {

QString fashionFolder()
{
    const QString fromEnv = qEnvironmentVariable("MNIST_LAB_FASHION_DATA");
    return fromEnv.isEmpty() ? QStringLiteral("/usr/share/datasets/fashion-mnist") : fromEnv;
}

} // namespace

class TestFashionMnist : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void loadsThroughDatasetLoad();
    void isNotMistakenForMnist();

private:
    QString m_folder;
};

void TestFashionMnist::init()
{
    m_folder = fashionFolder();
    if (!lab::Dataset::looksComplete(m_folder)) {
        const QString why = QStringLiteral("Fashion-MNIST not found in %1 (apt-get install dataset-fashion-mnist, "
                                           "or set MNIST_LAB_FASHION_DATA)").arg(m_folder);
        if (TestData::inCi())
            QFAIL(qPrintable(why));
        QSKIP(qPrintable(QStringLiteral("skipped: ") + why));
    }
}

void TestFashionMnist::loadsThroughDatasetLoad()
{
    const auto data = lab::Dataset::load(m_folder);
    QVERIFY(data);
    qInfo("Fashion-MNIST loaded and normalised in %.2f s", data->loadSeconds);
    QCOMPARE(data->folder, QDir(m_folder).absolutePath());
    QCOMPARE(data->train.count, 60000);
    QCOMPARE(data->test.count, 10000);
    QCOMPARE(data->train.rows, 28);
    QCOMPARE(data->train.cols, 28);
    QCOMPARE(qsizetype(data->train.raw.size()), qsizetype(60000) * 784);
    QCOMPARE(qsizetype(data->test.raw.size()), qsizetype(10000) * 784);

    // Fashion-MNIST is exactly balanced: 6000 training and 1000 test images per class.
    std::array<int, 10> trainCounts{}, testCounts{};
    for (auto label : data->train.labels)
        ++trainCounts.at(size_t(label));
    for (auto label : data->test.labels)
        ++testCounts.at(size_t(label));
    for (int k = 0; k < 10; ++k) {
        QCOMPARE(trainCounts[size_t(k)], 6000);
        QCOMPARE(testCounts[size_t(k)], 1000);
    }

    // Its own statistics (mean ~0.286, std ~0.353), not MNIST's 0.1307/0.3081: the norm is
    // computed from the data, not assumed.
    QVERIFY2(qAbs(data->norm.mean - 0.2860f) < 0.002f, qPrintable(QString::number(data->norm.mean)));
    QVERIFY2(qAbs(data->norm.std - 0.3530f) < 0.002f, qPrintable(QString::number(data->norm.std)));

    // The z-scored training pixels have mean ~0 and std ~1.
    const TestData::Moments moments = TestData::normalizedMoments(data->train, data->norm);
    QVERIFY(qAbs(moments.mean) < 1e-3);
    QVERIFY(qAbs(moments.std - 1.0) < 1e-3);

    // Cached: a second load is the same object.
    QCOMPARE(lab::Dataset::load(m_folder).get(), data.get());
}

void TestFashionMnist::isNotMistakenForMnist()
{
    // The MNIST checksums must not accept Fashion-MNIST files (same names, other data):
    // the downloader would otherwise keep them as "already downloaded".
    for (const auto &info : lab::MnistDownloader::files())
        QVERIFY2(!lab::MnistDownloader::verifyFile(QDir(m_folder).filePath(info.name), info), qPrintable(info.name));
}

QTEST_GUILESS_MAIN(TestFashionMnist)
#include "tst_fashionmnist.moc"
