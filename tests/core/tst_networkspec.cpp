// Layer-stack specs: the shorthand, JSON, and shape inference with a reason at the first bad layer.
#include "core/common/laberror.h"
#include "core/experiment/preset.h"
#include "core/model/networkspec.h"
#include "core/model/shapeinference.h"

#include <QJsonArray>
#include <QTest>

using lab::LabError;
using lab::LayerSpec;
using lab::NetworkSpec;
using lab::Preset;
using lab::ShapeReport;

Q_DECLARE_METATYPE(NetworkSpec)

class TestNetworkSpec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shorthandBuildsTheBlogStack()
    {
        const NetworkSpec spec = NetworkSpec::fromShorthand(QStringLiteral("784-50-50-10"), QStringLiteral("relu"));
        QCOMPARE(spec.layers.size(), 6);   // Flatten, Linear, ReLU, Linear, ReLU, Linear
        QCOMPARE(spec.layers[0].type, LayerSpec::Type::Flatten);
        QCOMPARE(spec.layers[1].units, 50);
        QCOMPARE(spec.layers[2].type, LayerSpec::Type::ReLU);
        QCOMPARE(spec.layers[5].units, 10);
        QCOMPARE(spec.shorthand(), QStringLiteral("784-50-50-10 relu"));
        QCOMPARE(spec.shortName(), spec.shorthand());
        const ShapeReport report = ShapeReport::infer(spec);
        QVERIFY(report.ok());
        QCOMPARE(report.parameters, qint64(784 * 50 + 50 + 50 * 50 + 50 + 50 * 10 + 10));   // 42310
    }

    void badShorthand_data()
    {
        QTest::addColumn<QString>("layers");
        QTest::addColumn<QString>("activation");
        QTest::addColumn<QString>("expected");
        QTest::newRow("one number") << QStringLiteral("784") << QStringLiteral("relu") << QStringLiteral("widths");
        QTest::newRow("not a number") << QStringLiteral("784-fifty-10") << QStringLiteral("relu") << QStringLiteral("\"fifty\"");
        QTest::newRow("zero width") << QStringLiteral("784-0-10") << QStringLiteral("relu") << QStringLiteral("\"0\"");
        QTest::newRow("wrong input") << QStringLiteral("100-50-10") << QStringLiteral("relu") << QStringLiteral("784");
        QTest::newRow("bad activation") << QStringLiteral("784-50-10") << QStringLiteral("swish") << QStringLiteral("swish");
    }

    void badShorthand()
    {
        QFETCH(QString, layers);
        QFETCH(QString, activation);
        QFETCH(QString, expected);
        try {
            NetworkSpec::fromShorthand(layers, activation);
            QFAIL("accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(expected), qPrintable(e.message()));
        }
    }

    void jsonRoundTrip()
    {
        NetworkSpec spec;
        spec.name = QStringLiteral("cnn");
        spec.init = lab::InitKind::Xavier;
        spec.layers = {LayerSpec::conv(32, 5, 1, 2), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                       LayerSpec::batchNorm(), LayerSpec::flatten(), LayerSpec::dropout(0.25), LayerSpec::linear(10)};
        const NetworkSpec back = NetworkSpec::fromJson(spec.toJson(), QStringLiteral("test"));
        QVERIFY(back == spec);
        QVERIFY(back.shorthand().isEmpty());
        QCOMPARE(back.shortName(), QStringLiteral("7 layers"));   // what tables and summaries show
    }

    void badJsonNamesTheLayer()
    {
        const QJsonObject json{{QStringLiteral("layers"),
                                QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("Flatten")}},
                                           QJsonObject{{QStringLiteral("type"), QStringLiteral("Lineer")}}}}};
        try {
            NetworkSpec::fromJson(json, QStringLiteral("spec.json"));
            QFAIL("accepted");
        } catch (const LabError &e) {
            QVERIFY2(e.message().contains(QStringLiteral("spec.json: layers[1]")), qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("Lineer")), qPrintable(e.message()));
        }
    }

    void shapes_data()
    {
        QTest::addColumn<NetworkSpec>("spec");
        QTest::addColumn<int>("errorLayer");   // -2: valid
        QTest::addColumn<QString>("expected");

        auto make = [](QList<LayerSpec> layers) {
            NetworkSpec s;
            s.layers = layers;
            return s;
        };
        using T = LayerSpec::Type;
        QTest::newRow("lenet-like") << make({LayerSpec::conv(6, 5, 1, 2), LayerSpec::activation(T::ReLU), LayerSpec::maxPool(2),
                                             LayerSpec::conv(16, 5), LayerSpec::activation(T::ReLU), LayerSpec::maxPool(2),
                                             LayerSpec::flatten(), LayerSpec::linear(120), LayerSpec::activation(T::ReLU),
                                             LayerSpec::linear(10)})
                                    << -2 << QString();
        QTest::newRow("linear before flatten") << make({LayerSpec::linear(50), LayerSpec::linear(10)}) << 0
                                               << QStringLiteral("add Flatten");
        QTest::newRow("conv after flatten") << make({LayerSpec::flatten(), LayerSpec::conv(8, 3), LayerSpec::linear(10)}) << 1
                                            << QStringLiteral("before Flatten");
        QTest::newRow("kernel too large") << make({LayerSpec::conv(8, 29), LayerSpec::flatten(), LayerSpec::linear(10)}) << 0
                                          << QStringLiteral("does not fit");
        QTest::newRow("pool shrinks to nothing") << make({LayerSpec::maxPool(2), LayerSpec::maxPool(2), LayerSpec::maxPool(2),
                                                          LayerSpec::maxPool(2), LayerSpec::maxPool(2), LayerSpec::flatten(),
                                                          LayerSpec::linear(10)})
                                                 << 4 << QStringLiteral("does not fit");
        QTest::newRow("wrong output width") << make({LayerSpec::flatten(), LayerSpec::linear(50)}) << 1
                                            << QStringLiteral("must give 10");
        QTest::newRow("dropout p=1") << make({LayerSpec::flatten(), LayerSpec::dropout(1.0), LayerSpec::linear(10)}) << 1
                                     << QStringLiteral("p is 1");
        QTest::newRow("zero units") << make({LayerSpec::flatten(), LayerSpec::linear(0), LayerSpec::linear(10)}) << 1
                                    << QStringLiteral("units is 0");
        QTest::newRow("empty") << make({}) << -1 << QStringLiteral("no layers");
        QTest::newRow("too large for memory") << make({LayerSpec::flatten(), LayerSpec::linear(100000), LayerSpec::linear(100000),
                                                       LayerSpec::linear(10)})
                                              << 2 << QStringLiteral("10078600000 parameters (37.5 GB of weights");
    }

    void shapes()
    {
        QFETCH(NetworkSpec, spec);
        QFETCH(int, errorLayer);
        QFETCH(QString, expected);
        const ShapeReport report = ShapeReport::infer(spec);
        if (errorLayer == -2) {
            QVERIFY2(report.ok(), qPrintable(report.error));
            QCOMPARE(report.layers.size(), spec.layers.size());
            QVERIFY(report.parameters > 0 && report.macsPerSample > 0);
            return;
        }
        QVERIFY(!report.ok());
        QCOMPARE(report.errorLayer, errorLayer);
        QVERIFY2(report.error.contains(expected), qPrintable(report.error));
    }

    // A preset is one click in the GUI and one flag in the CLI: a typo in its JSON (a layer
    // stack that does not fit 28x28, an out-of-range setting) would only show when someone
    // clicks it, so every built-in one is checked here.
    void everyPresetIsATrainableDesign()
    {
        QVERIFY(Preset::all().size() >= 17);   // 14 blog runs + the lab's own
        for (const Preset &preset : Preset::all()) {
            const ShapeReport report = ShapeReport::infer(preset.spec);
            QVERIFY2(report.ok(), qPrintable(preset.name + QStringLiteral(": ") + report.error));
            QCOMPARE(report.layers.last().output.elements(), qint64(10));
            const QStringList problems = preset.config.validate();
            QVERIFY2(problems.isEmpty(), qPrintable(preset.name + QStringLiteral(": ") + problems.join(QStringLiteral("; "))));
            QVERIFY2(!preset.description.isEmpty(), qPrintable(preset.name));
        }
    }
};

QTEST_GUILESS_MAIN(TestNetworkSpec)
#include "tst_networkspec.moc"
