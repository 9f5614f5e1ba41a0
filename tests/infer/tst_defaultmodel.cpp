// The bundled default model on real MNIST: its test accuracy, and how it reads digits that
// look drawn rather than scanned — enlarged 5–10×, off-centre on a big light canvas, dark
// ink — after going through the canvas's own preprocessing.

#include "core/common/laberror.h"
#include "core/data/dataset.h"
#include "core/infer/defaultmodel.h"
#include "core/infer/digitpreprocessor.h"
#include "core/infer/predictor.h"
#include "testdata.h"

#include <QtTest>

#include <random>

using namespace lab;

namespace {

/**
 * One MNIST digit as a user might draw it: bilinearly enlarged by `scale`, placed at
 * (`left`, `top`) on a `width`×`height` canvas of light paper, ink dark.
 */
GrayImage drawnLike(const std::uint8_t *digit, double scale, int width, int height, int left, int top)
{
    GrayImage img;
    img.width = width;
    img.height = height;
    img.values.assign(size_t(width) * size_t(height), 1.0f);
    const int side = int(std::lround(28 * scale));
    auto src = [digit](int x, int y) -> double {
        if (x < 0 || y < 0 || x >= 28 || y >= 28)
            return 0.0;
        return digit[y * 28 + x] / 255.0;
    };
    for (int v = 0; v < side; ++v) {
        const double sy = (v + 0.5) / scale - 0.5;
        const int y0 = int(std::floor(sy));
        const double fy = sy - y0;
        for (int u = 0; u < side; ++u) {
            const double sx = (u + 0.5) / scale - 0.5;
            const int x0 = int(std::floor(sx));
            const double fx = sx - x0;
            const double ink = (1 - fx) * (1 - fy) * src(x0, y0) + fx * (1 - fy) * src(x0 + 1, y0)
                             + (1 - fx) * fy * src(x0, y0 + 1) + fx * fy * src(x0 + 1, y0 + 1);
            const int x = left + u, y = top + v;
            if (x >= 0 && y >= 0 && x < width && y < height)
                img.values[size_t(y) * width + x] = float(1.0 - ink);
        }
    }
    return img;
}

} // namespace

class TestDefaultModel : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Predictor> m_predictor;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(DefaultModel::isAvailable(), "the build has no bundled model (resources/models/default.mnlm)");
        m_predictor = std::make_unique<Predictor>(DefaultModel::load(), DefaultModel::resourcePath());
        QCOMPARE(m_predictor->model().spec.layers.last().units, 10);
    }

    void reachesTheAdvertisedTestAccuracy()
    {
        MNIST_FOLDER_OR_SKIP(folder);
        const auto data = Dataset::load(folder);
        const Evaluation e = m_predictor->evaluate(data->test);
        qInfo("default model: %.2f%% on the %d MNIST test images", e.accuracy, data->test.count);
        QVERIFY2(e.accuracy >= 98.5, qPrintable(QString::number(e.accuracy)));
        QCOMPARE(e.confusion.total(), qint64(data->test.count));
    }

    void readsDrawnLikeDigits()
    {
        MNIST_FOLDER_OR_SKIP(folder);
        const auto data = Dataset::load(folder);
        std::mt19937 rng(2024);
        std::uniform_real_distribution<double> scaleDist(5.0, 10.0);
        const int samples = 1000;
        int correct = 0;
        int noInk = 0;
        for (int k = 0; k < samples; ++k) {
            const int index = (k * 10 + k % 10) % data->test.count;   // spread over the whole set
            const double scale = scaleDist(rng);
            const int side = int(std::lround(28 * scale));
            // A large canvas with room to spare on every side; the digit anywhere in it.
            const int width = side + std::uniform_int_distribution<int>(60, 400)(rng);
            const int height = side + std::uniform_int_distribution<int>(60, 400)(rng);
            const int left = std::uniform_int_distribution<int>(0, width - side)(rng);
            const int top = std::uniform_int_distribution<int>(0, height - side)(rng);
            const GrayImage img = drawnLike(data->test.image(index), scale, width, height, left, top);

            const PreparedDigit prepared = DigitPreprocessor::prepareAuto(img);
            if (!prepared.hasInk) {
                ++noInk;
                continue;
            }
            QVERIFY(prepared.inverted);   // dark ink on light paper was recognised as such
            const auto p = m_predictor->predict(prepared.pixels);
            const int guess = int(std::max_element(p.begin(), p.end()) - p.begin());
            correct += guess == int(data->test.labels[size_t(index)]);
        }
        const double accuracy = 100.0 * correct / samples;
        qInfo("drawn-like digits: %d of %d correct (%.1f%%)", correct, samples, accuracy);
        QCOMPARE(noInk, 0);
        QVERIFY2(accuracy >= 97.0, qPrintable(QString::number(accuracy)));
    }
};

QTEST_GUILESS_MAIN(TestDefaultModel)
#include "tst_defaultmodel.moc"
