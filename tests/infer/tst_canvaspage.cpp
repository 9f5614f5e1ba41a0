// The canvas page driven like a user: strokes drawn with mouse events change the
// predictions (a "1" reads as 1, a ring as 0), undo and clear work, a corrupt model file
// becomes a visible message, and drawings are saved to and evaluated on the personal set.

#include "ui/canvas/canvaspage.h"
#include "ui/canvas/digitpreview.h"
#include "ui/canvas/drawingcanvas.h"
#include "ui/canvas/modelpanel.h"
#include "ui/canvas/personalevaldialog.h"
#include "ui/canvas/probabilitybars.h"

#include "core/experiment/runstore.h"
#include "core/infer/defaultmodel.h"
#include "core/infer/personaltestset.h"

#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace lab;

namespace {

/** Drags the mouse through `points` with the left button held. */
void stroke(QWidget *w, const QVector<QPoint> &points)
{
    QTest::mousePress(w, Qt::LeftButton, Qt::NoModifier, points.first());
    for (int i = 1; i < points.size(); ++i)
        QTest::mouseMove(w, points[i]);
    QTest::mouseRelease(w, Qt::LeftButton, Qt::NoModifier, points.last());
}

QVector<QPoint> line(QPoint from, QPoint to, int steps = 12)
{
    QVector<QPoint> pts;
    for (int i = 0; i <= steps; ++i)
        pts << from + (to - from) * i / steps;
    return pts;
}

QVector<QPoint> ellipse(QPoint centre, int rx, int ry, int steps = 40)
{
    QVector<QPoint> pts;
    for (int i = 0; i <= steps; ++i) {
        const double a = 2 * M_PI * i / steps;
        pts << centre + QPoint(int(rx * std::cos(a)), int(ry * std::sin(a)));
    }
    return pts;
}

double distance(const std::array<float, 10> &a, const std::array<float, 10> &b)
{
    double d = 0;
    for (size_t k = 0; k < 10; ++k)
        d += std::abs(double(a[k]) - double(b[k]));
    return d;
}

} // namespace

class TestCanvasPage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<CanvasPage> m_page;
    DrawingCanvas *m_canvas = nullptr;

    ProbabilityBars *firstBars() const
    {
        const auto panels = m_page->findChildren<ModelPanel *>();
        return panels.isEmpty() ? nullptr : panels.first()->bars();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY2(DefaultModel::isAvailable(), "the build has no bundled model");
        m_page = std::make_unique<CanvasPage>();
        m_page->setPersonalSetFolder(m_dir.filePath(QStringLiteral("personal")));
        m_page->setRunsFolder(m_dir.filePath(QStringLiteral("runs")));
        m_page->resize(1000, 760);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        m_canvas = m_page->findChild<DrawingCanvas *>(QStringLiteral("drawingCanvas"));
        QVERIFY(m_canvas);
        QVERIFY(m_canvas->width() >= 200 && m_canvas->height() >= 200);
        QCOMPARE(m_page->modelCount(), 1);   // the bundled model is there on first start
    }

    void emptyCanvasIsNoGuess()
    {
        QVERIFY(firstBars());
        QVERIFY(!firstBars()->hasProbabilities());
        QCOMPARE(firstBars()->topGuess(), -1);
        QVERIFY(m_page->findChild<DigitPreview *>()->image().isNull());
    }

    void strokesChangeThePrediction()
    {
        ProbabilityBars *bars = firstBars();
        const int cx = m_canvas->width() / 2, h = m_canvas->height();
        // A "1": one vertical stroke.
        stroke(m_canvas, line(QPoint(cx, h / 6), QPoint(cx, h * 5 / 6)));
        QTRY_VERIFY(bars->hasProbabilities());
        const auto asOne = bars->probabilities();
        QCOMPARE(bars->topGuess(), 1);
        QVERIFY(!m_page->findChild<DigitPreview *>()->image().isNull());

        // Clear, then a ring: a "0".
        QTest::mouseClick(m_canvas, Qt::RightButton);
        QTRY_VERIFY(!bars->hasProbabilities());
        stroke(m_canvas, ellipse(QPoint(cx, h / 2), m_canvas->width() / 6, h / 3));
        QTRY_VERIFY(bars->hasProbabilities());
        QCOMPARE(bars->topGuess(), 0);
        QVERIFY(distance(bars->probabilities(), asOne) > 1.0);

        // Undo the ring: back to the empty canvas; undo the clear: the "1" again.
        m_canvas->undo();
        QTRY_VERIFY(!bars->hasProbabilities());
        m_canvas->undo();
        QTRY_VERIFY(bars->hasProbabilities());
        QVERIFY(distance(bars->probabilities(), asOne) < 1e-4);
    }

    void predictionFollowsWhileDrawing()
    {
        // Without releasing the button, the prediction still updates (timer-coalesced).
        m_canvas->clear();
        ProbabilityBars *bars = firstBars();
        QTRY_VERIFY(!bars->hasProbabilities());
        const int cx = m_canvas->width() / 2, h = m_canvas->height();
        QTest::mousePress(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(cx, h / 6));
        for (const QPoint &p : line(QPoint(cx, h / 6), QPoint(cx, h * 5 / 6)))
            QTest::mouseMove(m_canvas, p);
        QTRY_VERIFY_WITH_TIMEOUT(bars->hasProbabilities(), 2000);
        QTest::mouseRelease(m_canvas, Qt::LeftButton, Qt::NoModifier, QPoint(cx, h * 5 / 6));
    }

    // "Show why": a saliency overlay on the preview for the first model's answer, coloured
    // only where there is ink, with a caption naming the digit; off again, no overlay.
    // "No ink…" and the caption have a fixed place: the buttons below never move.
    void showWhyColoursTheInk()
    {
        auto *preview = m_page->findChild<DigitPreview *>();
        auto *toggle = m_page->findChild<QCheckBox *>(QStringLiteral("explainToggle"));
        auto *note = m_page->findChild<QLabel *>(QStringLiteral("previewNote"));
        auto *save = m_page->findChild<QPushButton *>(QStringLiteral("saveDrawingButton"));
        QVERIFY(preview && toggle && note && save);
        QTest::mouseClick(m_canvas, Qt::RightButton);   // clear
        QTRY_VERIFY(preview->image().isNull());
        QVERIFY(note->text().startsWith(QStringLiteral("No ink")));
        const int saveTop = save->mapTo(m_page.get(), QPoint(0, 0)).y();

        toggle->setChecked(true);
        QVERIFY(!preview->hasSaliency());   // nothing drawn, nothing to explain
        const int cx = m_canvas->width() / 2, h = m_canvas->height();
        stroke(m_canvas, line(QPoint(cx, h / 6), QPoint(cx, h * 5 / 6)));
        QTRY_VERIFY(preview->hasSaliency());
        QVERIFY2(note->text().contains(QStringLiteral("says 1")), qPrintable(note->text()));
        QCOMPARE(save->mapTo(m_page.get(), QPoint(0, 0)).y(), saveTop);

        const QImage ink = preview->image();
        const QImage overlay = preview->saliencyImage();
        int coloured = 0;
        for (int y = 0; y < 28; ++y) {
            for (int x = 0; x < 28; ++x) {
                if (qAlpha(overlay.pixel(x, y)) == 0)
                    continue;
                ++coloured;
                QVERIFY2(qGray(ink.pixel(x, y)) > 0, qPrintable(QStringLiteral("colour off the ink at %1,%2").arg(x).arg(y)));
            }
        }
        QVERIFY(coloured > 10);
        // Not a check: MNIST_LAB_SALIENCY_SCREENSHOT=file.png keeps a picture of a "7" for the docs.
        if (const QString shot = qEnvironmentVariable("MNIST_LAB_SALIENCY_SCREENSHOT"); !shot.isEmpty()) {
            QTest::mouseClick(m_canvas, Qt::RightButton);
            const int w = m_canvas->width();
            stroke(m_canvas, line(QPoint(w / 2 - h / 4, h / 5), QPoint(w / 2 + h / 4, h / 5)));
            stroke(m_canvas, line(QPoint(w / 2 + h / 4, h / 5), QPoint(w / 2 - h / 12, h * 5 / 6)));
            QTRY_VERIFY(note->text().contains(QStringLiteral("says")));
            QVERIFY(m_page->grab().save(shot));
        }

        toggle->setChecked(false);
        QVERIFY(!preview->hasSaliency());
        QTest::mouseClick(m_canvas, Qt::RightButton);
        QTRY_VERIFY(preview->image().isNull());
    }

    void corruptModelFileShowsAnError()
    {
        const QString path = m_dir.filePath(QStringLiteral("corrupt.mnlm"));
        {
            QFile good(DefaultModel::resourcePath());
            QVERIFY(good.open(QIODevice::ReadOnly));
            QByteArray bytes = good.readAll();
            bytes.truncate(bytes.size() / 2);   // a download cut short
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(bytes);
        }
        const int before = m_page->modelCount();
        QVERIFY(!m_page->addModelFile(path));
        QCOMPARE(m_page->modelCount(), before);
        auto *error = m_page->findChild<QLabel *>(QStringLiteral("canvasError"));
        QVERIFY(error);
        QVERIFY(error->isVisibleTo(m_page.get()));
        QVERIFY2(error->text().contains(QStringLiteral("corrupt.mnlm")), qPrintable(error->text()));

        // A picture renamed to .mnlm is refused the same way.
        const QString foreign = m_dir.filePath(QStringLiteral("photo.mnlm"));
        QFile f(foreign);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromHex("ffd8ffe000104a464946"));
        f.close();
        QVERIFY(!m_page->addModelFile(foreign));
        QVERIFY2(error->text().contains(QStringLiteral("photo.mnlm")), qPrintable(error->text()));
        QCOMPARE(m_page->modelCount(), before);
    }

    void modelsSideBySide()
    {
        // A run folder holding a copy of the bundled model, as the run store lays it out.
        const QString run = m_dir.filePath(QStringLiteral("runs/20260101-000000-copy"));
        QVERIFY(QDir().mkpath(run));
        QVERIFY(QFile::copy(DefaultModel::resourcePath(), RunStore::modelPath(run)));
        const int before = m_page->modelCount();
        m_page->useRunModel(run);
        QCOMPARE(m_page->modelCount(), before + 1);
        m_page->useRunModel(run);   // the same run again replaces its panel
        QCOMPARE(m_page->modelCount(), before + 1);

        // Both panels answer for the same drawing, identically (same weights).
        m_canvas->clear();
        const int cx = m_canvas->width() / 2, h = m_canvas->height();
        stroke(m_canvas, line(QPoint(cx, h / 6), QPoint(cx, h * 5 / 6)));
        QTRY_COMPARE(m_page->findChildren<ModelPanel *>().size(), 2);
        const auto panels = m_page->findChildren<ModelPanel *>();
        QTRY_VERIFY(panels[0]->bars()->hasProbabilities() && panels[1]->bars()->hasProbabilities());
        QVERIFY(distance(panels[0]->bars()->probabilities(), panels[1]->bars()->probabilities()) < 1e-5);
    }

    // What the window remembers across restarts: the open models' sources, restored in
    // order on a new page; a file deleted since is skipped without a message, and the
    // bundled model removed last time stays removed.
    void modelSourcesRoundTrip()
    {
        const QString kept = m_dir.filePath(QStringLiteral("kept.mnlm"));
        const QString gone = m_dir.filePath(QStringLiteral("gone.mnlm"));
        QVERIFY(QFile::copy(DefaultModel::resourcePath(), kept));
        QVERIFY(QFile::copy(DefaultModel::resourcePath(), gone));
        QStringList sources;
        {
            CanvasPage page;
            QSignalSpy changed(&page, &CanvasPage::modelsChanged);
            QVERIFY(page.addModelFile(kept));
            QVERIFY(page.addModelFile(gone));
            QCOMPARE(changed.count(), 2);
            sources = page.modelSources();
            QCOMPARE(sources, QStringList({DefaultModel::resourcePath(), QFileInfo(kept).absoluteFilePath(),
                                           QFileInfo(gone).absoluteFilePath()}));
        }
        QVERIFY(QFile::remove(gone));
        CanvasPage next;
        next.show();
        QSignalSpy changed(&next, &CanvasPage::modelsChanged);
        next.setModelSources(sources);
        QCOMPARE(next.modelSources(), sources.mid(0, 2));
        QCOMPARE(next.modelCount(), 2);
        QVERIFY(!next.findChild<QWidget *>(QStringLiteral("canvasErrorBar"))->isVisible());
        QVERIFY(changed.count() >= 1);
        next.setModelSources({sources.at(1)});
        QCOMPARE(next.modelSources(), QStringList{sources.at(1)});
        QTRY_COMPARE(next.findChildren<ModelPanel *>().size(), 1);
    }

    void saveAndEvaluatePersonalSet()
    {
        const int cx = m_canvas->width() / 2, h = m_canvas->height();
        auto *label = m_page->findChild<QSpinBox *>();
        auto *save = m_page->findChild<QPushButton *>(QStringLiteral("saveDrawingButton"));
        QVERIFY(label && save);

        const PersonalTestSet set(m_dir.filePath(QStringLiteral("personal")));
        m_canvas->clear();
        stroke(m_canvas, line(QPoint(cx, h / 6), QPoint(cx, h * 5 / 6)));
        QTRY_VERIFY(save->isEnabled());
        label->setValue(1);
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(set.count(), 1);
        QVERIFY(m_canvas->isBlank());   // cleared for the next drawing

        stroke(m_canvas, ellipse(QPoint(cx, h / 2), m_canvas->width() / 6, h / 3));
        QTRY_VERIFY(save->isEnabled());
        label->setValue(7);   // a wrong label on purpose: the evaluation must show the miss
        QTest::mouseClick(save, Qt::LeftButton);
        QCOMPARE(set.count(), 2);
        const ImageSet saved = set.load();
        QCOMPARE(saved.labels, (std::vector<std::int64_t>{1, 7}));

        auto *evaluate = m_page->findChild<QPushButton *>(QStringLiteral("evaluateSetButton"));
        QTest::mouseClick(evaluate, Qt::LeftButton);
        PersonalEvalDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = m_page->findChild<PersonalEvalDialog *>()) != nullptr);
        const auto summaries = dialog->findChildren<QLabel *>(QStringLiteral("evalSummary"));
        QCOMPARE(summaries.size(), m_page->modelCount());
        QVERIFY2(summaries.first()->text().contains(QStringLiteral("50.0%")), qPrintable(summaries.first()->text()));
        dialog->close();
    }
};

QTEST_MAIN(TestCanvasPage)
#include "tst_canvaspage.moc"
