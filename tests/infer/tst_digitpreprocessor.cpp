// DigitPreprocessor on synthetic pictures: where the ink lands, how big it gets, which
// polarity is detected, and that a blank picture is "no ink" rather than a guess.

#include "core/infer/digitpreprocessor.h"

#include <QtTest>

#include <cmath>

using lab::DigitPreprocessor;
using lab::GrayImage;
using lab::PreparedDigit;

namespace {

GrayImage blank(int w, int h, float background)
{
    GrayImage img;
    img.width = w;
    img.height = h;
    img.values.assign(size_t(w) * h, background);
    return img;
}

void fillRect(GrayImage &img, int x0, int y0, int w, int h, float value)
{
    for (int y = y0; y < y0 + h; ++y)
        for (int x = x0; x < x0 + w; ++x)
            img.values[size_t(y) * img.width + x] = value;
}

// A thick ring (a "0"-like shape) or, with `open`, a hook that is heavier on one side so the
// centre of mass is far from the centre of its bounding box.
void drawShape(GrayImage &img, double cx, double cy, double rx, double ry, double thickness, float ink, bool lopsided)
{
    for (int y = 0; y < img.height; ++y) {
        for (int x = 0; x < img.width; ++x) {
            const double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
            const double r = std::sqrt(dx * dx + dy * dy);
            const double t = thickness / std::min(rx, ry);
            bool on = std::abs(r - 1.0) < t / 2;
            if (lopsided && x + 0.5 > cx && y + 0.5 > cy - ry / 3)
                on = on || (r < 1.0 && dx > 0.3);   // fill the lower right: mass off-centre
            if (on)
                img.values[size_t(y) * img.width + x] = ink;
        }
    }
}

void comOf(const PreparedDigit &d, double *cx, double *cy)
{
    double m = 0, sx = 0, sy = 0;
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) {
            const double v = d.pixels[size_t(y) * 28 + x];
            m += v;
            sx += v * x;
            sy += v * y;
        }
    *cx = sx / m;
    *cy = sy / m;
}

// Extent of the pixels carrying any ink along one axis.
int extent(const PreparedDigit &d, bool horizontal)
{
    int lo = 28, hi = -1;
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            if (d.pixels[size_t(y) * 28 + x] > 1e-4f) {
                const int c = horizontal ? x : y;
                lo = std::min(lo, c);
                hi = std::max(hi, c);
            }
    return hi < 0 ? 0 : hi - lo + 1;
}

} // namespace

class TestDigitPreprocessor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void centreOfMassLandsAtCentre_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<double>("cx");
        QTest::addColumn<double>("cy");
        QTest::addColumn<double>("rx");
        QTest::addColumn<double>("ry");
        QTest::addColumn<bool>("lopsided");
        QTest::addColumn<bool>("darkInk");

        QTest::newRow("small ring, top-left") << 300 << 300 << 40.0 << 50.0 << 12.0 << 20.0 << false << true;
        QTest::newRow("big ring, centre") << 300 << 300 << 150.0 << 150.0 << 90.0 << 120.0 << false << true;
        QTest::newRow("lopsided near right edge") << 400 << 280 << 330.0 << 140.0 << 50.0 << 100.0 << true << true;
        QTest::newRow("lopsided wide, bottom") << 500 << 500 << 250.0 << 420.0 << 150.0 << 60.0 << true << false;
        QTest::newRow("tiny, upscaled") << 64 << 64 << 20.0 << 40.0 << 3.0 << 5.0 << true << false;
        QTest::newRow("28x28 already") << 28 << 28 << 12.0 << 13.0 << 6.0 << 9.0 << true << false;
    }

    void centreOfMassLandsAtCentre()
    {
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(double, cx);
        QFETCH(double, cy);
        QFETCH(double, rx);
        QFETCH(double, ry);
        QFETCH(bool, lopsided);
        QFETCH(bool, darkInk);

        GrayImage img = blank(width, height, darkInk ? 1.0f : 0.0f);
        drawShape(img, cx, cy, rx, ry, std::max(1.5, std::min(rx, ry) / 3), darkInk ? 0.0f : 1.0f, lopsided);
        const PreparedDigit d = DigitPreprocessor::prepareAuto(img);
        QVERIFY(d.hasInk);
        QCOMPARE(d.inverted, darkInk);
        QCOMPARE(d.pixels.size(), size_t(784));
        double mx = 0, my = 0;
        comOf(d, &mx, &my);
        QVERIFY2(std::abs(mx - 14.0) < 0.5 && std::abs(my - 14.0) < 0.5,
                 qPrintable(QStringLiteral("centre of mass at (%1, %2)").arg(mx).arg(my)));
        // The refinement should do much better than the required half pixel.
        QVERIFY2(std::abs(mx - 14.0) < 0.15 && std::abs(my - 14.0) < 0.15,
                 qPrintable(QStringLiteral("centre of mass at (%1, %2)").arg(mx).arg(my)));
        for (float v : d.pixels)
            QVERIFY(v >= 0.0f && v <= 1.0f);
    }

    void longerSideBecomesTwenty_data()
    {
        QTest::addColumn<int>("boxW");
        QTest::addColumn<int>("boxH");
        QTest::newRow("tall 40x200") << 40 << 200;
        QTest::newRow("wide 300x60") << 300 << 60;
        QTest::newRow("square 100") << 100 << 100;
        QTest::newRow("small 5x10 (upscaled)") << 5 << 10;
        QTest::newRow("odd 37x81") << 37 << 81;
    }

    void longerSideBecomesTwenty()
    {
        QFETCH(int, boxW);
        QFETCH(int, boxH);
        GrayImage img = blank(boxW + 120, boxH + 90, 0.0f);
        fillRect(img, 70, 25, boxW, boxH, 1.0f);
        const PreparedDigit d = DigitPreprocessor::prepare(img, true);
        QVERIFY(d.hasInk);

        // A solid block keeps its area exactly under area averaging: total ink = 20 × short side.
        const double longer = std::max(boxW, boxH), shorter = std::min(boxW, boxH);
        double mass = 0;
        for (float v : d.pixels)
            mass += v;
        QVERIFY2(std::abs(mass - 20.0 * 20.0 * shorter / longer) < 0.02 * mass + 0.5,
                 qPrintable(QStringLiteral("ink mass %1").arg(mass)));

        // Along the longer axis, the ink of the middle line adds up to exactly 20 pixels
        // (the two end pixels are partly covered when the block sits at a fractional offset),
        // and the pixels touched by ink span 20 or 21.
        const bool wide = boxW >= boxH;
        double middleLine = 0;
        for (int i = 0; i < 28; ++i)
            middleLine += wide ? d.pixels[size_t(14) * 28 + i] : d.pixels[size_t(i) * 28 + 14];
        QVERIFY2(std::abs(middleLine - 20.0) < 0.05, qPrintable(QStringLiteral("longer side %1 px").arg(middleLine)));
        const int along = extent(d, wide), across = extent(d, !wide);
        QVERIFY2(along == 20 || along == 21, qPrintable(QStringLiteral("longer side spans %1 px").arg(along)));
        const double expectedAcross = 20.0 * shorter / longer;
        QVERIFY2(across >= std::floor(expectedAcross) && across <= std::ceil(expectedAcross) + 1,
                 qPrintable(QStringLiteral("shorter side %1 px, expected %2").arg(across).arg(expectedAcross)));
    }

    void antiAliasedWhenShrinking()
    {
        // A one-pixel line on a big canvas becomes a thin grey line, not a dotted one.
        GrayImage img = blank(400, 400, 1.0f);
        for (int y = 50; y < 350; ++y)
            for (int x = 150; x < 153; ++x)
                img.values[size_t(y) * 400 + x] = 0.0f;
        for (int y = 50; y < 53; ++y)
            for (int x = 150; x < 250; ++x)
                img.values[size_t(y) * 400 + x] = 0.0f;
        const PreparedDigit d = DigitPreprocessor::prepare(img, false);
        QVERIFY(d.hasInk);
        // Every row the vertical stroke passes through must carry some ink.
        int rowsWithInk = 0;
        for (int y = 0; y < 28; ++y) {
            double row = 0;
            for (int x = 0; x < 28; ++x)
                row += d.pixels[size_t(y) * 28 + x];
            if (row > 0.05)
                ++rowsWithInk;
        }
        QVERIFY2(rowsWithInk >= 20, qPrintable(QString::number(rowsWithInk)));
        float peak = 0;
        for (float v : d.pixels)
            peak = std::max(peak, v);
        QCOMPARE(peak, 1.0f);   // contrast brought up to MNIST's full ink
    }

    void polarityIsDetected_data()
    {
        QTest::addColumn<float>("background");
        QTest::addColumn<float>("ink");
        QTest::addColumn<bool>("expectBright");
        QTest::newRow("black on white") << 1.0f << 0.0f << false;
        QTest::newRow("white on black") << 0.0f << 1.0f << true;
        QTest::newRow("pencil on grey paper") << 0.8f << 0.35f << false;
        QTest::newRow("chalk on slate") << 0.2f << 0.75f << true;
    }

    void polarityIsDetected()
    {
        QFETCH(float, background);
        QFETCH(float, ink);
        QFETCH(bool, expectBright);
        GrayImage img = blank(120, 90, background);
        // A stroke that touches the border must not fool the detector.
        fillRect(img, 0, 40, 120, 6, ink);
        fillRect(img, 50, 10, 10, 70, ink);
        QCOMPARE(DigitPreprocessor::detectInkIsBright(img), expectBright);
        const PreparedDigit d = DigitPreprocessor::prepareAuto(img);
        QVERIFY(d.hasInk);
        QCOMPARE(d.inverted, !expectBright);
        // The ink, not the paper, ends up bright: the centre column is the vertical stroke.
        QVERIFY(d.pixels[size_t(14) * 28 + 14] > 0.5f);
        QVERIFY(d.pixels[0] < 0.01f);
    }

    void blankGivesNoInk_data()
    {
        QTest::addColumn<float>("background");
        QTest::addColumn<float>("noise");
        QTest::newRow("white canvas") << 1.0f << 0.0f;
        QTest::newRow("black canvas") << 0.0f << 0.0f;
        QTest::newRow("noisy grey paper") << 0.85f << 0.05f;
    }

    void blankGivesNoInk()
    {
        QFETCH(float, background);
        QFETCH(float, noise);
        GrayImage img = blank(200, 150, background);
        unsigned s = 12345;
        for (float &v : img.values) {
            s = s * 1103515245u + 12345u;
            v = std::clamp(v + noise * (float((s >> 8) % 1000) / 500.0f - 1.0f), 0.0f, 1.0f);
        }
        const PreparedDigit d = DigitPreprocessor::prepareAuto(img);
        QVERIFY(!d.hasInk);
        QCOMPARE(d.pixels.size(), size_t(784));
        for (float v : d.pixels)
            QCOMPARE(v, 0.0f);
    }

    void emptyImageGivesNoInk()
    {
        const PreparedDigit d = DigitPreprocessor::prepareAuto(GrayImage{});
        QVERIFY(!d.hasInk);
        GrayImage broken;
        broken.width = 10;
        broken.height = 10;   // values missing: must not read out of bounds
        QVERIFY(!DigitPreprocessor::prepare(broken, true).hasInk);
    }

    void sameDigitAnywhereGivesSameImage()
    {
        // Drawn small in a corner or large in the middle, the model sees nearly the same thing.
        GrayImage a = blank(280, 280, 1.0f);
        drawShape(a, 60, 60, 20, 30, 6, 0.0f, true);
        GrayImage b = blank(280, 280, 1.0f);
        drawShape(b, 150, 150, 80, 120, 24, 0.0f, true);
        const PreparedDigit da = DigitPreprocessor::prepareAuto(a);
        const PreparedDigit db = DigitPreprocessor::prepareAuto(b);
        double diff = 0, total = 0;
        for (int i = 0; i < 784; ++i) {
            diff += std::abs(da.pixels[size_t(i)] - db.pixels[size_t(i)]);
            total += db.pixels[size_t(i)];
        }
        QVERIFY2(diff < 0.2 * total, qPrintable(QStringLiteral("diff %1 of %2").arg(diff).arg(total)));
    }

    // The one QImage → GrayImage conversion (canvas and `predict`): 0xAARRGGBB rows in.
    void argbConversionFlattensTransparency_data()
    {
        QTest::addColumn<quint32>("ink");
        QTest::addColumn<float>("expectedInk");
        QTest::addColumn<float>("expectedBackground");
        QTest::newRow("black ink on transparent: white behind") << quint32(0xff000000) << 0.0f << 1.0f;
        QTest::newRow("white ink on transparent: black behind") << quint32(0xffffffff) << 1.0f << 0.0f;
        QTest::newRow("opaque dark grey keeps its luminance") << quint32(0xff606060) << float(96 / 255.0) << 1.0f;
    }
    void argbConversionFlattensTransparency()
    {
        QFETCH(quint32, ink);
        QFETCH(float, expectedInk);
        QFETCH(float, expectedBackground);
        // 4x2: the left half ink, the right half fully transparent with an arbitrary colour
        // stored under alpha 0 (here red), which must not show through.
        const int width = 4, height = 2;
        std::vector<quint32> pixels(width * height, 0x00ff0000);
        for (int y = 0; y < height; ++y)
            for (int x = 0; x < 2; ++x)
                pixels[y * width + x] = ink;
        const GrayImage gray = GrayImage::fromArgb32(reinterpret_cast<const uchar *>(pixels.data()), width, height,
                                                     width * int(sizeof(quint32)));
        QCOMPARE(gray.width, width);
        QCOMPARE(gray.height, height);
        QVERIFY(qAbs(gray.at(0, 1) - expectedInk) < 1e-6f);
        QVERIFY(qAbs(gray.at(3, 0) - expectedBackground) < 1e-6f);
    }
};

QTEST_GUILESS_MAIN(TestDigitPreprocessor)
#include "tst_digitpreprocessor.moc"
