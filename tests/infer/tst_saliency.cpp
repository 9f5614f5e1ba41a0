// Predictor::explain, the saliency behind Draw & test's "Show why": gradient × input
// against a blank canvas. Checked by what must hold for any such map, on models trained
// briefly on a small synthetic set.
#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/model/networkspec.h"
#include "core/train/trainer.h"
#include "testdata.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <numeric>

using namespace lab;

class TestSaliency : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Dataset> m_data;

    ModelFile train(const NetworkSpec &spec) { return TestData::trainBriefly(spec, m_data, 15).first; }

    /** Test image `index` as the canvas hands it over: 784 values in [0,1]. */
    std::vector<float> image(int index) const
    {
        const ImageSet &test = m_data->test;
        std::vector<float> pixels(784);
        for (int i = 0; i < 784; ++i)
            pixels[size_t(i)] = test.image(index)[i] / 255.0f;
        return pixels;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = TestData::syntheticDataset(m_dir.filePath(QStringLiteral("synthetic")), 400, 50);
    }

    // For a linear model the map is exact: what it adds up to for digit a minus what it adds
    // up to for digit b is how much the drawing (over a blank canvas) moved the log-odds of a
    // against b — read off the model's own probabilities.
    void linearModelMapAddsUpToTheLogOdds()
    {
        const Predictor predictor(train(NetworkSpec::fromShorthand(QStringLiteral("784-10"), QStringLiteral("relu"))));
        const std::vector<float> drawing = image(0);
        const std::vector<float> blank(784, 0.0f);
        const auto p = predictor.predict(drawing);
        const auto p0 = predictor.predict(blank);
        for (const auto &[a, b] : {std::pair{0, 1}, std::pair{3, 7}, std::pair{9, 2}}) {
            const std::vector<float> mapA = predictor.explain(drawing, a);
            const std::vector<float> mapB = predictor.explain(drawing, b);
            const double sumA = std::accumulate(mapA.cbegin(), mapA.cend(), 0.0);
            const double sumB = std::accumulate(mapB.cbegin(), mapB.cend(), 0.0);
            const double logOdds = std::log(double(p[a]) / p[b]) - std::log(double(p0[a]) / p0[b]);
            QVERIFY2(std::abs((sumA - sumB) - logOdds) < 1e-3 * std::max(1.0, std::abs(logOdds)),
                     qPrintable(QStringLiteral("%1 vs %2: map %3, log-odds %4").arg(a).arg(b).arg(sumA - sumB).arg(logOdds)));
        }
    }

    // Pixels the user did not ink carry nothing, whatever the model (here a CNN with ReLU);
    // inked pixels do.
    void onlyInkCarriesWeight()
    {
        NetworkSpec cnn;
        cnn.layers = {LayerSpec::conv(4, 5), LayerSpec::activation(LayerSpec::Type::ReLU), LayerSpec::maxPool(2),
                      LayerSpec::flatten(), LayerSpec::linear(10)};
        const Predictor predictor(train(cnn));
        const std::vector<float> drawing = image(1);
        const auto p = predictor.predict(drawing);
        const int top = int(std::max_element(p.cbegin(), p.cend()) - p.cbegin());
        const std::vector<float> map = predictor.explain(drawing, top);
        QCOMPARE(int(map.size()), 784);
        int inked = 0, nonzeroOnInk = 0;
        for (size_t i = 0; i < 784; ++i) {
            if (drawing[i] == 0.0f) {
                QCOMPARE(map[i], 0.0f);
            } else {
                ++inked;
                nonzeroOnInk += map[i] != 0.0f;
            }
        }
        QVERIFY(inked > 0);
        QVERIFY2(nonzeroOnInk > inked / 2, qPrintable(QStringLiteral("%1 of %2").arg(nonzeroOnInk).arg(inked)));
    }

    void badRequestsAreRefused()
    {
        const Predictor predictor(train(NetworkSpec::fromShorthand(QStringLiteral("784-10"), QStringLiteral("relu"))));
        QVERIFY_THROWS_EXCEPTION(LabError, predictor.explain(std::vector<float>(783, 0.5f), 1));
        QVERIFY_THROWS_EXCEPTION(LabError, predictor.explain(image(0), 10));
        QVERIFY_THROWS_EXCEPTION(LabError, predictor.explain(image(0), -1));
    }
};

QTEST_GUILESS_MAIN(TestSaliency)
#include "tst_saliency.moc"
