// Model files: a trained model survives save → load → predict, and every kind of bad file
// (missing, truncated, foreign, other version, corrupted, weights for another design) is a
// LabError that names the file — never a crash or a silently wrong model.

#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/model/modelfile.h"
#include "core/infer/predictor.h"
#include "core/model/networkspec.h"
#include "testdata.h"
#include "core/train/trainconfig.h"
#include "core/train/trainer.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <numeric>

using namespace lab;

class TestModelFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ModelFile m_model;          ///< a small trained model
    QString m_path;             ///< m_model saved
    QByteArray m_bytes;         ///< its bytes

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    /** Loads `path` and builds a Predictor; returns the LabError message, or empty if it worked. */
    static QString loadError(const QString &path)
    {
        try {
            const ModelFile m = ModelFile::load(path);
            const Predictor p(m, path);
            p.predict(std::vector<float>(784, 0.0f));
        } catch (const LabError &e) {
            return e.message();
        }
        return QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString data = m_dir.filePath(QStringLiteral("synthetic"));
        TestData::writeSyntheticMnist(data, 600, 200);
        const auto set = Dataset::loadUncached(data);
        TrainConfig config;
        config.epochs = 2;
        config.batchSize = 20;
        config.threads = 1;
        config.diagnostics = false;
        Trainer trainer(NetworkSpec::fromShorthand(QStringLiteral("784-32-10"), QStringLiteral("relu")), config, set);
        const TrainHistory record = trainer.run(nullptr, nullptr);
        QCOMPARE(record.status, RunStatus::Finished);
        QVERIFY2(record.testAccuracy > 90, qPrintable(QString::number(record.testAccuracy)));
        m_model = trainer.model();
        m_model.summary.insert(QStringLiteral("test_accuracy"), record.testAccuracy);
        m_path = m_dir.filePath(QStringLiteral("good.mnlm"));
        m_model.save(m_path);
        QFile f(m_path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_bytes = f.readAll();
    }

    void roundTripPredictsTheSame()
    {
        const ModelFile loaded = ModelFile::load(m_path);
        QCOMPARE(loaded.spec, m_model.spec);
        QCOMPARE(loaded.norm.mean, m_model.norm.mean);
        QCOMPARE(loaded.norm.std, m_model.norm.std);
        QCOMPARE(loaded.summary, m_model.summary);
        QCOMPARE(loaded.weights, m_model.weights);

        // A synthetic "3": the class-3 bar. Both predictors agree and are confident.
        std::vector<float> pixels(784, 0.0f);
        for (int y = 4; y < 24; ++y)
            for (int x = 8; x < 12; ++x)
                pixels[size_t(y) * 28 + x] = 0.8f;
        const Predictor a(m_model, QStringLiteral("in memory"));
        const Predictor b(loaded, m_path);
        const auto pa = a.predict(pixels);
        const auto pb = b.predict(pixels);
        QCOMPARE(pa, pb);
        QVERIFY(std::abs(std::accumulate(pa.begin(), pa.end(), 0.0f) - 1.0f) < 1e-4f);
        QCOMPARE(int(std::max_element(pa.begin(), pa.end()) - pa.begin()), 3);
    }

    void saveIsAtomicAndReplaces()
    {
        const QString path = m_dir.filePath(QStringLiteral("replace.mnlm"));
        write(QStringLiteral("replace.mnlm"), QByteArrayLiteral("old content"));
        m_model.save(path);
        QCOMPARE(loadError(path), QString());
        // No temporary file is left beside it.
        const QStringList left = QDir(m_dir.path()).entryList({QStringLiteral("replace.mnlm*")}, QDir::Files | QDir::Hidden);
        QCOMPARE(left, QStringList{QStringLiteral("replace.mnlm")});
    }

    void badFilesNameTheFile_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");   // a word the message must contain

        const QByteArray good = m_bytes;
        QTest::newRow("empty") << "empty.mnlm" << QByteArray() << "not an MNIST Lab model";
        QTest::newRow("magic only") << "magic.mnlm" << good.left(8) << "truncated";
        QTest::newRow("cut in header") << "cut-header.mnlm" << good.left(40) << "truncated";
        QTest::newRow("cut in weights") << "cut-weights.mnlm" << good.left(good.size() / 2) << "truncated";
        QTest::newRow("last byte missing") << "cut-crc.mnlm" << good.left(good.size() - 1) << "truncated";
        QTest::newRow("png") << "picture.mnlm" << QByteArray::fromHex("89504e470d0a1a0a0000000d49484452") << "not an MNIST Lab model";
        QTest::newRow("json") << "spec.mnlm" << QByteArrayLiteral("{\"layers\": []}") << "not an MNIST Lab model";

        QByteArray newer = good;
        qToBigEndian<quint32>(ModelFile::formatVersion + 1, newer.data() + 8);
        QTest::newRow("newer version") << "newer.mnlm" << newer << "version";
        QByteArray older = good;
        qToBigEndian<quint32>(0, older.data() + 8);
        QTest::newRow("version 0") << "v0.mnlm" << older << "version";

        QByteArray flipped = good;
        flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x5a);
        QTest::newRow("flipped byte") << "flipped.mnlm" << flipped << "corrupt";
    }

    void badFilesNameTheFile()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString path = write(name, bytes);
        const QString message = loadError(path);
        QVERIFY2(!message.isEmpty(), "a bad file was accepted");
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(expected, Qt::CaseInsensitive), qPrintable(message));
    }

    void missingFileNamesTheFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("nowhere/none.mnlm"));
        const QString message = loadError(path);
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("not found")), qPrintable(message));
    }

    void weightsThatDoNotFitTheSpec_data()
    {
        QTest::addColumn<QString>("shorthand");
        QTest::newRow("wider hidden layer") << "784-64-10";
        QTest::newRow("extra layer") << "784-32-32-10";
        QTest::newRow("no hidden layer") << "784-10";
    }

    void weightsThatDoNotFitTheSpec()
    {
        QFETCH(QString, shorthand);
        // A valid file (checksum and all) whose weights belong to another design.
        ModelFile mismatched = m_model;
        mismatched.spec = NetworkSpec::fromShorthand(shorthand, QStringLiteral("relu"));
        const QString path = m_dir.filePath(QStringLiteral("mismatch-%1.mnlm").arg(shorthand));
        mismatched.save(path);
        const QString message = loadError(path);
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("weights"), Qt::CaseInsensitive), qPrintable(message));
    }

    void garbageWeightsWithValidChecksum()
    {
        ModelFile garbage = m_model;
        garbage.weights = QByteArray(4096, 'x');
        const QString path = m_dir.filePath(QStringLiteral("garbage-weights.mnlm"));
        garbage.save(path);
        const QString message = loadError(path);
        QVERIFY2(message.contains(path) && message.contains(QStringLiteral("weights"), Qt::CaseInsensitive),
                 qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_modelfile.moc"
