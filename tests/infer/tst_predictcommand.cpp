// `mnist-lab-cli predict` run as a user would: real files of different sizes, formats and
// polarities, plus unreadable ones, checked through its JSON lines and exit code.

#include "core/data/dataset.h"
#include "processrun.h"
#include "testdata.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct CliResult
{
    int exitCode = -1;
    QList<QJsonObject> lines;
    QString stdErr;
};

CliResult runCli(const QStringList &args)
{
    const ProcessResult run = runProcess(QStringLiteral(MNIST_LAB_CLI), QStringList{QStringLiteral("predict")} + args,
                                         QProcessEnvironment::systemEnvironment(), 120000);
    CliResult r;
    r.exitCode = run.exitCode;
    r.stdErr = run.err;
    const QList<QByteArray> out = run.out.toUtf8().split('\n');
    for (const QByteArray &line : out) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject())
            qWarning("not a JSON line: %s", line.constData());
        r.lines.append(doc.object());
    }
    return r;
}

/** An MNIST digit enlarged `scale`× (smoothly) onto a `canvas` of the given colours. */
QImage drawnDigit(const std::uint8_t *digit, int scale, QSize canvas, QPoint at, bool darkInk)
{
    QImage small(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            small.scanLine(y)[x] = uchar(darkInk ? 255 - digit[y * 28 + x] : digit[y * 28 + x]);
    QImage out(canvas, QImage::Format_RGB32);
    out.fill(darkInk ? QColor(250, 248, 240) : QColor(10, 10, 10));
    QPainter p(&out);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(QRect(at, QSize(28 * scale, 28 * scale)), small);
    p.end();
    return out;
}

void checkProbabilities(const QJsonObject &line)
{
    const QJsonArray p = line.value(QStringLiteral("probabilities")).toArray();
    QCOMPARE(p.size(), 10);
    double sum = 0;
    int best = 0;
    for (int k = 0; k < 10; ++k) {
        sum += p[k].toDouble();
        if (p[k].toDouble() > p[best].toDouble())
            best = k;
    }
    QVERIFY2(std::abs(sum - 1.0) < 1e-3, qPrintable(QString::number(sum)));
    QCOMPARE(line.value(QStringLiteral("digit")).toInt(-1), best);
}

} // namespace

class TestPredictCommand : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo::exists(QStringLiteral(MNIST_LAB_CLI)), MNIST_LAB_CLI);
    }

    void readsRealDigitsInAnyFormat()
    {
        MNIST_FOLDER_OR_SKIP(folder);
        const auto data = lab::Dataset::load(folder);
        // Three digits: a big dark-on-light PNG near a corner, a light-on-dark JPEG, a small
        // dark-on-transparent PNG (the colour under transparent pixels is black).
        const int a = 0, b = 1, c = 2;
        const std::uint8_t *raw = data->test.image(0);
        const QString pngPath = m_dir.filePath(QStringLiteral("dark-on-light.png"));
        QVERIFY(drawnDigit(raw + a * 784, 9, QSize(500, 420), QPoint(10, 150), true).save(pngPath));
        const QString jpgPath = m_dir.filePath(QStringLiteral("light on dark.jpg"));
        QVERIFY(drawnDigit(raw + b * 784, 6, QSize(300, 300), QPoint(120, 40), false).save(jpgPath, "JPEG", 90));
        QImage transparent(140, 140, QImage::Format_ARGB32);
        transparent.fill(Qt::transparent);
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x)
                for (int dy = 0; dy < 4; ++dy)
                    for (int dx = 0; dx < 4; ++dx)
                        transparent.setPixel(20 + 4 * x + dx, 10 + 4 * y + dy, qRgba(0, 0, 0, raw[c * 784 + y * 28 + x]));
        const QString alphaPath = m_dir.filePath(QStringLiteral("transparent.png"));
        QVERIFY(transparent.save(alphaPath));

        const CliResult r = runCli({pngPath, jpgPath, alphaPath});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.lines.size(), 3);
        const QStringList files{pngPath, jpgPath, alphaPath};
        const int indices[] = {a, b, c};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(r.lines[i].value(QStringLiteral("file")).toString(), files[i]);
            checkProbabilities(r.lines[i]);
            QCOMPARE(r.lines[i].value(QStringLiteral("digit")).toInt(-1), int(data->test.labels[size_t(indices[i])]));
        }
    }

    void unreadableImagesDoNotStopTheOthers()
    {
        // A readable picture of a thick vertical stroke, a blank one, and two unreadable files.
        QImage one(200, 300, QImage::Format_Grayscale8);
        one.fill(255);
        QPainter p(&one);
        p.fillRect(QRect(90, 40, 24, 220), Qt::black);
        p.end();
        const QString onePath = m_dir.filePath(QStringLiteral("one.png"));
        QVERIFY(one.save(onePath));
        QImage blank(64, 64, QImage::Format_Grayscale8);
        blank.fill(255);
        const QString blankPath = m_dir.filePath(QStringLiteral("blank.png"));
        QVERIFY(blank.save(blankPath));
        const QString notAnImage = m_dir.filePath(QStringLiteral("notes.png"));
        {
            QFile f(notAnImage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not a picture\n");
        }
        const QString missing = m_dir.filePath(QStringLiteral("missing.jpg"));

        const CliResult r = runCli({notAnImage, onePath, missing, blankPath});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.lines.size(), 2);
        QCOMPARE(r.lines[0].value(QStringLiteral("file")).toString(), onePath);
        checkProbabilities(r.lines[0]);
        QCOMPARE(r.lines[1].value(QStringLiteral("file")).toString(), blankPath);
        QVERIFY(r.lines[1].value(QStringLiteral("digit")).isNull());   // no ink: no guess
        QVERIFY2(r.stdErr.contains(notAnImage) && r.stdErr.contains(missing), qPrintable(r.stdErr));
        QCOMPARE(r.stdErr.count(QStringLiteral("cannot read image")), 2);   // one error line per bad image
    }

    void badModelFileIsAnError()
    {
        const QString model = m_dir.filePath(QStringLiteral("broken.mnlm"));
        {
            QFile f(model);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("MNISTLAB\0\0\0\1", 12);
        }
        QImage img(50, 50, QImage::Format_Grayscale8);
        img.fill(0);
        const QString imgPath = m_dir.filePath(QStringLiteral("x.png"));
        QVERIFY(img.save(imgPath));
        const CliResult r = runCli({QStringLiteral("--model"), model, imgPath});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.lines.isEmpty());
        QVERIFY2(r.stdErr.contains(model), qPrintable(r.stdErr));
    }

    void noImagesIsAUsageError()
    {
        QCOMPARE(runCli({}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestPredictCommand)
#include "tst_predictcommand.moc"
