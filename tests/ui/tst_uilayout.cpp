// The main window at 1024×700, a small laptop screen: every page (and every tab inside a
// page) is shown with a stored run on it, and nothing a user reads is cut: no label,
// button, check box, group-box title or tab text is elided or clipped by its widget, no
// chart title, axis title or label is elided or leaves its chart, the published-result
// labels of the test-error chart do not overlap, and the window did not have to grow.
#include "ui/appsettings.h"
#include "ui/canvas/canvaspage.h"
#include "ui/charts/chartwidget.h"
#include "ui/charts/testerrorchart.h"
#include "ui/mainwindow.h"
#include "ui/runs/runspage.h"
#include "ui/train/trainpage.h"
#include "core/experiment/runrecord.h"
#include "core/experiment/runstore.h"
#include "core/infer/defaultmodel.h"
#include "testdata.h"
#include "textprobe.h"
#include "uitestsupport.h"

#include <QAbstractButton>
#include <QChartView>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QCheckBox>
#include <QGroupBox>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QToolButton>

using namespace lab;

namespace {

const QSize kScreen(1024, 700);

/** A readable name for a widget in a failure message: its class, object name and text. */
QString describe(const QWidget *w, const QString &text)
{
    return QStringLiteral("%1 \"%2\" (%3, %4x%5)")
        .arg(QString::fromLatin1(w->metaObject()->className()), text.left(60), w->objectName())
        .arg(w->width()).arg(w->height());
}

/** Width the text of `label` needs on one line, whether plain or rich. */
qreal textWidth(const QLabel *label)
{
    if (Qt::mightBeRichText(label->text()) && label->textFormat() != Qt::PlainText) {
        QTextDocument doc;
        doc.setDefaultFont(label->font());
        doc.setDocumentMargin(0);
        doc.setHtml(label->text());
        return doc.idealWidth();
    }
    qreal widest = 0;
    for (const QString &line : label->text().split(u'\n'))
        widest = qMax(widest, QFontMetricsF(label->font()).horizontalAdvance(line));
    return widest;
}

/** What is cut on `label`: its text wider than its room, or wrapped taller than its room. */
QString labelProblem(const QLabel *label)
{
    if (label->text().isEmpty() || label->pixmap().isNull() == false)
        return QString();
    const QRect room = label->contentsRect().adjusted(label->margin(), label->margin(), -label->margin(), -label->margin());
    if (label->wordWrap()) {
        const int needed = label->heightForWidth(label->width());
        if (needed > label->height() + 1)
            return describe(label, label->text()) + QStringLiteral(": wrapped text needs %1 px height").arg(needed);
        return QString();
    }
    const qreal needed = textWidth(label);
    if (needed > room.width() + 1)
        return describe(label, label->text()) + QStringLiteral(": text needs %1 px width").arg(needed, 0, 'f', 0);
    const int lines = int(label->text().count(u'\n')) + 1;
    if (QFontMetrics(label->font()).height() * lines > room.height() + 2 && !Qt::mightBeRichText(label->text()))
        return describe(label, label->text()) + QStringLiteral(": text is taller than the label");
    return QString();
}

QString buttonProblem(const QAbstractButton *button)
{
    if (button->text().isEmpty())
        return QString();
    // Buttons, check boxes and tool buttons all measure what they need in sizeHint().
    const QSize hint = button->sizeHint();
    if (hint.width() > button->width() + 1)
        return describe(button, button->text()) + QStringLiteral(": needs %1 px width").arg(hint.width());
    if (qobject_cast<const QCheckBox *>(button) || qobject_cast<const QRadioButton *>(button)) {
        if (QFontMetrics(button->font()).height() > button->height() + 1)
            return describe(button, button->text()) + QStringLiteral(": text is taller than the box");
    }
    return QString();
}

QString groupBoxProblem(const QGroupBox *box)
{
    if (box->title().isEmpty())
        return QString();
    // The title sits in the frame with a few pixels of indent on each side.
    const qreal needed = QFontMetricsF(box->font()).horizontalAdvance(QString(box->title()).remove(u'&')) + 16;
    if (needed > box->width())
        return describe(box, box->title()) + QStringLiteral(": title needs %1 px width").arg(needed, 0, 'f', 0);
    return QString();
}

QStringList tabBarProblems(const QTabBar *bar)
{
    QStringList out;
    const QFontMetricsF fm(bar->font());
    for (int i = 0; i < bar->count(); ++i) {
        const QString text = QString(bar->tabText(i)).remove(QStringLiteral("&&")).remove(u'&');
        const QRect r = bar->tabRect(i);
        if (!bar->rect().contains(r))
            out << describe(bar, text) + QStringLiteral(": tab %1 lies outside the tab bar (scrolled away)").arg(i);
        else if (fm.horizontalAdvance(text) > r.width() - 8)
            out << describe(bar, text) + QStringLiteral(": tab %1 is %2 px for %3 px of text").arg(i).arg(r.width())
                                             .arg(fm.horizontalAdvance(text), 0, 'f', 0);
    }
    return out;
}

/**
 * Every text of the chart as shown: the Qt Charts ones (title, axis titles, tick labels,
 * legend, the published-result labels) as the scene holds them now, inside the view and
 * not elided; the others (confusion matrix, weights) as they paint at the widget's size.
 */
QStringList chartProblems(ChartWidget *chart)
{
    QStringList out;
    const QString where = QStringLiteral("chart %1 at %2x%3: ").arg(chart->exportName()).arg(chart->width()).arg(chart->height());
    if (QChartView *view = chart->findChild<QChartView *>()) {
        const QRectF shown = QRectF(view->viewport()->rect()).adjusted(-0.5, -0.5, 0.5, 0.5);
        for (QGraphicsItem *item : view->scene()->items()) {
            QString text;
            if (auto *t = dynamic_cast<QGraphicsTextItem *>(item))
                text = t->toPlainText();
            else if (auto *t = dynamic_cast<QGraphicsSimpleTextItem *>(item))
                text = t->text();
            if (text.isEmpty() || !item->isVisible())
                continue;
            // Text items carry a few pixels of document margin: the glyphs are inside that.
            QRectF box = item->sceneBoundingRect();
            if (dynamic_cast<QGraphicsTextItem *>(item))
                box.adjust(4, 4, -4, -4);
            const QRectF onView = view->mapFromScene(box).boundingRect();
            // Qt Charts shortens what does not fit with "..." (not "…").
            if (text.contains(QChar(0x2026)) || text.contains(QStringLiteral("...")))
                out << where + QStringLiteral("\"%1\" is elided").arg(text);
            else if (!shown.contains(onView))
                out << where + QStringLiteral("\"%1\" is cut by the view's edge").arg(text);
        }
        return out;
    }
    const QSize size = chart->size();
    TextProbe::Device probe(size);
    {
        QPainter painter(&probe);
        chart->renderTo(painter, size);
    }
    for (const QString &p : TextProbe::problems(probe.texts(), size))
        out << where + p;
    return out;
}

/** What is cut among the visible widgets of `root`. */
QStringList problemsIn(QWidget *root)
{
    QStringList out;
    for (QWidget *w : root->findChildren<QWidget *>()) {
        if (!w->isVisible() || w->width() <= 0 || w->height() <= 0)
            continue;
        QString p;
        if (auto *label = qobject_cast<QLabel *>(w))
            p = labelProblem(label);
        else if (auto *button = qobject_cast<QAbstractButton *>(w))
            p = buttonProblem(button);
        else if (auto *box = qobject_cast<QGroupBox *>(w))
            p = groupBoxProblem(box);
        else if (auto *bar = qobject_cast<QTabBar *>(w))
            out << tabBarProblems(bar);
        else if (auto *chart = qobject_cast<ChartWidget *>(w))
            out << chartProblems(chart);
        if (!p.isEmpty())
            out << p;
    }
    if (auto *box = qobject_cast<QGroupBox *>(root))
        out << groupBoxProblem(box);
    out.removeAll(QString());
    return out;
}

} // namespace

class TestUiLayout : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_data;
    QTemporaryDir m_runs;
    QString m_runFolder;

private Q_SLOTS:
    void initTestCase()
    {
        UiTestSupport::isolateSettings(QStringLiteral("tst_uilayout"));
        QVERIFY(m_data.isValid() && m_runs.isValid());
        TestData::writeSyntheticMnist(m_data.path(), 1000, 200);
        // One finished run, so the Train page shows curves, a confusion matrix and weights,
        // the Runs page lists it and Draw & test has its model.
        TrainPage page;
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QVERIFY(page.startRun(UiTestSupport::smallMlpRun(QStringLiteral("2_HL_NN_v1"), QStringLiteral("784-32-10"), 3, 20,
                                                         m_data.path(), m_runs.path())));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        const RunRecord record = ended.first().at(0).value<RunRecord>();
        QCOMPARE(record.status, RunStatus::Finished);
        m_runFolder = record.folder;
        AppSettings settings;
        settings.setDataFolder(m_data.path());
        settings.setRunsFolder(m_runs.path());
        settings.setLastTrainRun(m_runFolder);
        // Two model cards on Draw & test: the bundled model and the run's (a long name).
        settings.setCanvasModels({DefaultModel::resourcePath(), RunStore::modelPath(m_runFolder)});
    }

    void everyPageFits1024x700()
    {
        MainWindow window;
        window.resize(kScreen);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.trainPage()->runFolder(), m_runFolder);   // the stored run is on the Train page
        QCOMPARE(qobject_cast<CanvasPage *>(window.canvasPage())->modelCount(), 2);
        window.runsPage()->selectRuns({m_runFolder});   // the overlays show it, with its legend
        auto *pages = window.findChild<QTabWidget *>(QStringLiteral("pageTabs"));
        QVERIFY(pages);
        QStringList problems;
        const QString shots = qEnvironmentVariable("MNIST_LAB_UI_SHOTS");
        for (int i = 0; i < pages->count(); ++i) {
            pages->setCurrentIndex(i);
            QWidget *page = pages->currentWidget();
            // Every tab inside the page too (the Train page's Diagnostics, weights…).
            QList<QTabWidget *> inner = page->findChildren<QTabWidget *>();
            const int combinations = inner.isEmpty() ? 1 : int(inner.size());
            for (int t = 0; t < combinations; ++t) {
                const int count = inner.isEmpty() ? 1 : inner.at(t)->count();
                for (int k = 0; k < count; ++k) {
                    if (!inner.isEmpty())
                        inner.at(t)->setCurrentIndex(k);
                    QTest::qWait(30);   // layouts and charts settle
                    const QString where = QStringLiteral("[%1%2] ").arg(QString(pages->tabText(i)).remove(u'&'),
                        inner.isEmpty() ? QString() : QStringLiteral(" / ") + inner.at(t)->tabText(k).remove(u'&'));
                    for (const QString &p : problemsIn(page))
                        problems << where + p;
                    if (!shots.isEmpty())
                        window.grab().save(QStringLiteral("%1/layout-%2-%3-%4.png").arg(shots).arg(i).arg(t).arg(k));
                }
            }
        }
        problems << tabBarProblems(pages->tabBar());
        problems.removeDuplicates();
        // Nothing made the window grow, and no page asks for more than the screen (a page's
        // minimum decides the window's: the message lists them).
        QStringList needs;
        for (int i = 0; i < pages->count(); ++i)
            needs << QStringLiteral("%1 %2x%3").arg(QString(pages->tabText(i)).remove(u'&'))
                         .arg(pages->widget(i)->minimumSizeHint().width()).arg(pages->widget(i)->minimumSizeHint().height());
        QVERIFY2(window.size() == kScreen, qPrintable(QStringLiteral("window %1x%2; the pages need at least: %3 (the page area is %4x%5)")
                                                         .arg(window.width()).arg(window.height()).arg(needs.join(QStringLiteral(", ")))
                                                         .arg(pages->currentWidget()->width()).arg(pages->currentWidget()->height())));
        QVERIFY2(window.minimumSizeHint().width() <= kScreen.width() && window.minimumSizeHint().height() <= kScreen.height(),
                 qPrintable(QStringLiteral("minimum %1x%2").arg(window.minimumSizeHint().width()).arg(window.minimumSizeHint().height())));
        QVERIFY2(problems.isEmpty(), qPrintable(QStringLiteral("\n") + problems.join(u'\n')));
    }

    // The published-result labels on the Train page's test-error chart, at the size it
    // has at 1024×700: inside the plot and never on top of each other.
    void publishedLabelsDoNotOverlapAt1024x700()
    {
        MainWindow window;
        window.resize(kScreen);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QTabWidget *>(QStringLiteral("pageTabs"))->setCurrentWidget(window.trainPage());
        QTest::qWait(30);
        TestErrorChart *chart = window.trainPage()->testErrorChart();
        QVERIFY(chart->isVisible() && chart->referencesVisible());
        chart->refreshNow();
        const QList<QRectF> rects = chart->referenceLabelRects();
        QVERIFY2(rects.size() >= 3, qPrintable(QStringLiteral("%1 labels at %2x%3").arg(rects.size())
                                                   .arg(chart->width()).arg(chart->height())));
        for (int i = 0; i < rects.size(); ++i)
            for (int j = i + 1; j < rects.size(); ++j)
                QVERIFY2(!rects.at(i).intersects(rects.at(j)), qPrintable(QStringLiteral("labels %1 and %2 overlap").arg(i).arg(j)));
    }

    // First start, before any window size was saved: the window opens no larger than the
    // screen's free area (only the layouts' minimum may ask for more), so no panel or
    // status bar starts off screen on a small laptop. The offscreen screen is 800x600.
    void firstStartWindowFitsTheScreen()
    {
        AppSettings().setWindowGeometry(QByteArray());
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QSize available = window.screen()->availableGeometry().size();
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(available.width() < 1280 && available.height() < 820, "the test needs a screen smaller than the roomy default");
        QVERIFY2(window.width() <= qMax(available.width(), minimum.width())
                     && window.height() <= qMax(available.height(), minimum.height()),
                 qPrintable(QStringLiteral("window %1x%2 on a %3x%4 screen (minimum %5x%6)")
                                .arg(window.width()).arg(window.height()).arg(available.width()).arg(available.height())
                                .arg(minimum.width()).arg(minimum.height())));
    }
};

QTEST_MAIN(TestUiLayout)
#include "tst_uilayout.moc"
