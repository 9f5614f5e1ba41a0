// First-layer weights for the GUI's weight tiles: an MLP gives one 28×28 tile per hidden
// unit, a CNN one kernel per output channel, and the numbers are the model's (their L2
// norm is the weight norm the trainer recorded for that layer). Broken inputs are LabErrors.
// Also the built-in published reference figures the test-error chart draws.

#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/experiment/referenceresults.h"
#include "core/infer/firstlayerweights.h"
#include "core/model/modelfile.h"
#include "core/model/networkspec.h"
#include "testdata.h"
#include "core/train/trainconfig.h"
#include "core/train/trainer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace lab;

namespace {

double l2(const std::vector<float> &v)
{
    double s = 0;
    for (float x : v)
        s += double(x) * x;
    return std::sqrt(s);
}

/** `units` single-channel square tiles of side `tile`, with all their values. */
bool hasShape(const FirstLayerWeights &w, FirstLayerWeights::Kind kind, int units, int tile)
{
    const bool ok = w.kind == kind && w.units == units && w.channels == 1 && w.tileHeight == tile
        && w.tileWidth == tile && w.values.size() == size_t(units) * size_t(tile * tile);
    if (!ok)
        qWarning("weights: %d units, %d channels, %dx%d tiles, %zu values", w.units, w.channels, w.tileHeight,
                 w.tileWidth, w.values.size());
    return ok;
}

} // namespace

class TestFirstLayerWeights : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Dataset> m_data;

    std::pair<ModelFile, TrainHistory> train(const NetworkSpec &spec) { return TestData::trainBriefly(spec, m_data, 10); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = TestData::syntheticDataset(m_dir.filePath(QStringLiteral("synthetic")), 400, 100);
    }

    void mlpGivesOneImageTilePerHiddenUnit()
    {
        const auto [model, record] = train(NetworkSpec::fromShorthand(QStringLiteral("784-24-10"), QStringLiteral("relu")));
        QCOMPARE(record.status, RunStatus::Finished);
        const QString path = m_dir.filePath(QStringLiteral("mlp.mnlm"));
        model.save(path);

        const FirstLayerWeights w = FirstLayerWeights::load(path);
        QVERIFY(hasShape(w, FirstLayerWeights::Kind::Linear, 24, 28));
        QCOMPARE(w.valuesPerUnit(), 784);
        // The very numbers of the trained layer: their norm is the recorded weight norm.
        QVERIFY(!record.epochs.isEmpty() && !record.epochs.last().layers.isEmpty());
        const double recorded = record.epochs.last().layers.first().weightNorm;
        QVERIFY2(std::abs(l2(w.values) - recorded) < 1e-3 * recorded,
                 qPrintable(QStringLiteral("%1 vs %2").arg(l2(w.values)).arg(recorded)));
        // at() addresses unit-major, row-major tiles; maxAbs is the symmetric colour scale.
        QCOMPARE(w.at(3, 0, 2, 5), w.values[3 * 784 + 2 * 28 + 5]);
        float m = 0;
        for (float v : w.values)
            m = std::max(m, std::abs(v));
        QCOMPARE(w.maxAbs(), m);
        QVERIFY(w.maxAbs(0) <= m && w.maxAbs(0) > 0);
        // The synthetic classes are bars: after training the units are not all alike.
        QVERIFY(w.values[0 * 784 + 400] != w.values[1 * 784 + 400]);
    }

    void cnnGivesItsKernels()
    {
        NetworkSpec spec;
        spec.name = QStringLiteral("tiny_cnn");
        spec.layers = {LayerSpec::conv(6, 5), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                       LayerSpec::flatten(), LayerSpec::linear(10)};
        const auto [model, record] = train(spec);
        QCOMPARE(record.status, RunStatus::Finished);
        const FirstLayerWeights w = FirstLayerWeights::fromModel(model, QStringLiteral("in memory"));
        QVERIFY(hasShape(w, FirstLayerWeights::Kind::Conv2d, 6, 5));
        const double recorded = record.epochs.last().layers.first().weightNorm;
        QVERIFY(std::abs(l2(w.values) - recorded) < 1e-3 * recorded);
    }

    void brokenModelsAreLabErrors()
    {
        const auto [model, record] = train(NetworkSpec::fromShorthand(QStringLiteral("784-16-10"), QStringLiteral("relu")));
        Q_UNUSED(record);

        // No Linear or Conv2d at all.
        ModelFile none = model;
        none.spec.layers = {LayerSpec::flatten(), LayerSpec::activation(LayerSpec::Type::ReLU)};
        try {
            FirstLayerWeights::fromModel(none, QStringLiteral("none.mnlm"));
            QFAIL("expected a LabError");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("none.mnlm")) && e.message().contains(QStringLiteral("no Linear or Conv2d")),
                     qPrintable(e.message()));
        }

        // Weights of another design.
        ModelFile other = model;
        other.spec = NetworkSpec::fromShorthand(QStringLiteral("784-30-10"), QStringLiteral("relu"));
        QVERIFY_THROWS_EXCEPTION(LabError, FirstLayerWeights::fromModel(other, QStringLiteral("other.mnlm")));

        // A missing file names the path.
        const QString missing = m_dir.filePath(QStringLiteral("missing.mnlm"));
        try {
            FirstLayerWeights::load(missing);
            QFAIL("expected a LabError");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(missing), qPrintable(e.message()));
        }
    }

    void builtInReferenceFigures()
    {
        const QVector<ReferenceResult> refs = ReferenceResults::builtIn();
        QCOMPARE(refs.size(), 8);
        auto find = [&](const QString &source, double error) {
            for (const ReferenceResult &r : refs)
                if (r.source == source && std::abs(r.testError - error) < 1e-9)
                    return r;
            return ReferenceResult();
        };
        QCOMPARE(find(QStringLiteral("Simard 2003"), 1.6).augmented, false);
        QCOMPARE(find(QStringLiteral("Srivastava 2014"), 1.06).model, QStringLiteral("dropout MLP + max-norm"));
        QCOMPARE(find(QStringLiteral("Cireşan 2010"), 0.35).augmented, true);
        QCOMPARE(find(QStringLiteral("the blog"), 1.68).augmented, false);
        QVERIFY(find(QStringLiteral("best single models"), 0.17).augmented);
        // Sorted from the largest error down.
        for (int i = 1; i < refs.size(); ++i)
            QVERIFY(refs[i - 1].testError >= refs[i].testError);
        QCOMPARE(find(QStringLiteral("Simard 2003"), 1.6).label(), QStringLiteral("Simard 2003: MLP 784-800-10, 1.6% (no augmentation)"));
    }

    void referenceParserNamesTheBadField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{") << QStringLiteral("not JSON");
        QTest::newRow("no array") << QByteArray("{}") << QStringLiteral("\"references\"");
        QTest::newRow("no source") << QByteArray(R"({"references":[{"model":"m","test_error":1,"augmented":false}]})")
                                   << QStringLiteral("references[0]");
        QTest::newRow("error text") << QByteArray(R"({"references":[{"source":"s","model":"m","test_error":"1","augmented":false}]})")
                                    << QStringLiteral("test_error");
        QTest::newRow("error range") << QByteArray(R"({"references":[{"source":"s","model":"m","test_error":0,"augmented":false}]})")
                                     << QStringLiteral("test_error");
        QTest::newRow("augmented") << QByteArray(R"({"references":[{"source":"s","model":"m","test_error":1}]})")
                                   << QStringLiteral("augmented");
    }

    void referenceParserNamesTheBadField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        try {
            ReferenceResults::fromJson(json, QStringLiteral("refs.json"));
            QFAIL("expected a LabError");
        } catch (const LabError &e) {
            QVERIFY2(e.message().startsWith(QStringLiteral("refs.json")) && e.message().contains(expected), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestFirstLayerWeights)
#include "tst_firstlayerweights.moc"
