// Limits decided up front, each a clear message (issue 12, findings 8, 9, 11 and 12):
// an idx gzip bomb stops at the size its header declares, pooling and convolution
// parameters that would overflow or loop for hours are refused by shape inference, a sweep
// file cannot plan 10^9 runs or 10^12 seeds, sweep names cannot leave the run store,
// --threads is clamped to the hardware.
#include "core/common/laberror.h"
#include "testdata.h"
#include "core/data/idxfile.h"
#include "core/experiment/sweep.h"
#include "core/model/networkspec.h"
#include "core/model/shapeinference.h"
#include "core/train/trainconfig.h"
#include "sanitizers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <thread>
#include <zlib.h>

namespace {

using TestData::errorOf;

long peakRssKb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/** A gzip file of an idx header declaring `dims`, followed by `payload` zero bytes (streamed: never in memory). */
QByteArray gzipBomb(const QVector<quint32> &dims, qint64 payload)
{
    z_stream stream{};
    deflateInit2(&stream, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    QByteArray header;
    header.append(char(0)).append(char(0)).append(char(8)).append(char(dims.size()));
    for (quint32 d : dims) {
        char be[4];
        qToBigEndian<quint32>(d, be);
        header.append(be, 4);
    }
    QByteArray out;
    QByteArray chunk(1 << 20, '\0');
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    auto pump = [&](const QByteArray &in, int flush) {
        stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.constData()));
        stream.avail_in = uInt(in.size());
        do {
            stream.next_out = reinterpret_cast<Bytef *>(buffer.data());
            stream.avail_out = uInt(buffer.size());
            deflate(&stream, flush);
            out.append(buffer.constData(), buffer.size() - qsizetype(stream.avail_out));
        } while (stream.avail_out == 0);
    };
    pump(header, Z_NO_FLUSH);
    for (qint64 left = payload; left > 0; left -= chunk.size())
        pump(left >= chunk.size() ? chunk : chunk.left(left), Z_NO_FLUSH);
    pump(QByteArray(), Z_FINISH);
    deflateEnd(&stream);
    return out;
}

lab::NetworkSpec specFromJson(const char *layers)
{
    const QJsonObject json{{QStringLiteral("input"), QJsonArray{1, 28, 28}},
                           {QStringLiteral("layers"), QJsonDocument::fromJson(layers).array()}};
    return lab::NetworkSpec::fromJson(json, QStringLiteral("test spec"));
}

QJsonObject sweepJson(const QString &name, const QJsonValue &seeds, const QJsonArray &axes)
{
    QJsonObject json{{QStringLiteral("name"), name},
                     {QStringLiteral("base"), QJsonObject{{QStringLiteral("layers"), QStringLiteral("784-20-10")}}},
                     {QStringLiteral("axes"), axes}};
    if (!seeds.isUndefined())
        json.insert(QStringLiteral("seeds"), seeds);
    return json;
}

QJsonArray widthAxis(int values)
{
    QJsonArray list;
    for (int i = 0; i < values; ++i)
        list.append(10 + i);
    return QJsonArray{QJsonObject{{QStringLiteral("parameter"), QStringLiteral("width")}, {QStringLiteral("values"), list}}};
}

} // namespace

class TestLimits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void gzipBombStopsAtTheDeclaredSize()
    {
        // Finding 9: a 2.2 MB bomb made the reader inflate 2 GB before refusing it. Here a
        // header declaring 10 labels followed by 512 MB of zeros (about 0.5 MB of gzip).
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t10k-labels-idx1-ubyte.gz"));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(gzipBomb({10}, qint64(512) << 20));
        }
        const long before = peakRssKb();
        QElapsedTimer timer;
        timer.start();
        const QString error = errorOf([&] { lab::IdxFile::read(path); });
        const qint64 ms = timer.elapsed();
        const long grownMb = (peakRssKb() - before) / 1024;
        qInfo("refused after %lld ms, peak RSS grew by %ld MB: %s", ms, grownMb, qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("18 bytes its idx header declares")), qPrintable(error));
        QVERIFY2(error.contains(path), qPrintable(error));
        // The limit is the header's 18 bytes, not 2 GB: no large buffer was ever filled.
        QVERIFY2(grownMb < 64, qPrintable(QStringLiteral("peak RSS grew by %1 MB").arg(grownMb)));

        // A file whose data matches its header is still read (the bound is exact, not tight).
        lab::IdxFile ok;
        ok.dims = {3, 28, 28};
        ok.bytes = QByteArray(3 * 784, '\x42');
        ok.write(dir.filePath(QStringLiteral("ok-idx3-ubyte.gz")));
        QCOMPARE(lab::IdxFile::read(dir.filePath(QStringLiteral("ok-idx3-ubyte.gz"))).bytes, ok.bytes);
    }

    void poolingAndConvolutionParametersThatOverflow_data()
    {
        QTest::addColumn<QByteArray>("layers");
        QTest::addColumn<QString>("expected");
        // Finding 8: passed shape inference, then sat in max_pool2d for good.
        QTest::newRow("MaxPool2d kernel 2^31-1, padding 2^30-1")
            << QByteArray(R"([{"type": "MaxPool2d", "kernel": 2147483647, "padding": 1073741823},
                             {"type": "Flatten"}, {"type": "Linear", "units": 10}])")
            << QStringLiteral("padding 1073741823 is larger than the 28×28 input");
        QTest::newRow("Conv2d padding past the image")
            << QByteArray(R"([{"type": "Conv2d", "units": 4, "kernel": 2147483647, "padding": 1073741823},
                             {"type": "Flatten"}, {"type": "Linear", "units": 10}])")
            << QStringLiteral("padding 1073741823 must be smaller than the kernel");
        // Finding 12: "-4.1 TB of weights" (the count wrapped around).
        QTest::newRow("Conv2d channels overflowing the parameter count")
            << QByteArray(R"([{"type": "Conv2d", "units": 2147483647, "kernel": 28},
                             {"type": "Conv2d", "units": 2147483647, "kernel": 1},
                             {"type": "Flatten"}, {"type": "Linear", "units": 10}])")
            << QStringLiteral("parameters");
        QTest::newRow("Linear wider than the parameter count")
            << QByteArray(R"([{"type": "Flatten"}, {"type": "Linear", "units": 2147483647},
                             {"type": "Linear", "units": 2147483647}, {"type": "Linear", "units": 10}])")
            << QStringLiteral("parameters");
    }

    void poolingAndConvolutionParametersThatOverflow()
    {
        QFETCH(QByteArray, layers);
        QFETCH(QString, expected);
        const lab::ShapeReport report = lab::ShapeReport::infer(specFromJson(layers.constData()));
        QVERIFY2(!report.ok(), "an absurd design passed shape inference");
        QVERIFY2(report.error.contains(expected), qPrintable(report.error));
        // No size in the message is negative (a wrapped count).
        QVERIFY2(!QRegularExpression(QStringLiteral("-\\d")).match(report.error).hasMatch(), qPrintable(report.error));
        QVERIFY(report.parameters >= 0);
    }

    void sweepSeedsMustBeAWholeNumberInRange_data()
    {
        QTest::addColumn<QJsonValue>("seeds");
        QTest::addColumn<QString>("expected");
        // Finding 12: 1e12 silently became 1.
        QTest::newRow("1e12") << QJsonValue(1e12) << QStringLiteral("seeds is 1000000000000");
        QTest::newRow("2.5") << QJsonValue(2.5) << QStringLiteral("seeds is 2.5");
        QTest::newRow("0") << QJsonValue(0) << QStringLiteral("seeds is 0");
        QTest::newRow("\"3\"") << QJsonValue(QStringLiteral("3")) << QStringLiteral("seeds is \"3\"");
    }

    void sweepSeedsMustBeAWholeNumberInRange()
    {
        QFETCH(QJsonValue, seeds);
        QFETCH(QString, expected);
        const QString error = errorOf([&] { lab::Sweep::fromJson(sweepJson(QStringLiteral("s"), seeds, widthAxis(2)), QStringLiteral("sweep.json")); });
        QVERIFY2(error.contains(expected) && error.contains(QStringLiteral("sweep.json")), qPrintable(error));
        QCOMPARE(lab::Sweep::fromJson(sweepJson(QStringLiteral("s"), 3, widthAxis(2)), QStringLiteral("sweep.json")).seeds, 3);
        QCOMPARE(lab::Sweep::fromJson(sweepJson(QStringLiteral("s"), QJsonValue(QJsonValue::Undefined), widthAxis(2)), QStringLiteral("sweep.json")).seeds, 1);
    }

    void hugeSweepIsRefusedBeforeBuildingIt()
    {
        // Finding 9: a 72 KB file planning 10^9 runs took 8 GB and 44 s with no output.
        QJsonArray axes = widthAxis(20000);
        axes.append(QJsonObject{{QStringLiteral("parameter"), QStringLiteral("learning_rate")},
                                {QStringLiteral("values"), widthAxis(50000)[0].toObject().value(QStringLiteral("values"))}});
        lab::Sweep sweep = lab::Sweep::fromJson(sweepJson(QStringLiteral("huge"), 1, axes), QStringLiteral("huge.json"));
        QCOMPARE(sweep.plannedRuns(), qint64(1000000000));
        const long before = peakRssKb();
        QElapsedTimer timer;
        timer.start();
        sweep.force = true;   // not even with --force
        const QString error = errorOf([&] { sweep.points(); });
        QVERIFY2(error.contains(QStringLiteral("1000000000 runs planned")) && error.contains(QStringLiteral("even with --force")),
                 qPrintable(error));
        QVERIFY(timer.elapsed() < 2000);
        QVERIFY((peakRssKb() - before) / 1024 < 64);

        // Above the everyday cap: refused without --force, run with it.
        lab::Sweep large = lab::Sweep::fromJson(sweepJson(QStringLiteral("large"), 2, widthAxis(501)), QStringLiteral("large.json"));
        QCOMPARE(large.plannedRuns(), qint64(1002));
        const QString capError = errorOf([&] { large.points(); });
        QVERIFY2(capError.contains(QStringLiteral("1002 runs planned")) && capError.contains(QStringLiteral("--force")),
                 qPrintable(capError));
        large.force = true;
        QCOMPARE(large.points().size(), 1002);
    }

    void sweepNamesStayInsideTheStore_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("a/b") << QStringLiteral("a/b");
        QTest::newRow("../../x") << QStringLiteral("../../x");
        QTest::newRow("..") << QStringLiteral("..");
        QTest::newRow("empty") << QString();
        QTest::newRow("backslash") << QStringLiteral("a\\b");
    }

    void sweepNamesStayInsideTheStore()
    {
        QFETCH(QString, name);
        const QString error = errorOf([&] { lab::Sweep::fromJson(sweepJson(name, 1, widthAxis(2)), QStringLiteral("s.json")); });
        QVERIFY2(error.contains(QStringLiteral("s.json: name")), qPrintable(error));
        QVERIFY(lab::Sweep::nameProblem(QStringLiteral("width-2026_v1.5")).isEmpty());
    }

    void threadsAreClampedToTheHardware()
    {
        // Finding 9: --threads 1000 was accepted and trained 20× slower.
        const int hardware = int(qMax(1u, std::thread::hardware_concurrency()));
        lab::TrainConfig config;
        config.threads = 1000;
        QCOMPARE(config.effectiveThreads(), hardware);
        config.threads = 1;
        QCOMPARE(config.effectiveThreads(), 1);
        config.threads = 0;
        QCOMPARE(config.effectiveThreads(), hardware);
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
