#include "ui/charts/chartwidget.h"

#include "ui/appsettings.h"
#include "ui/charts/chartexportdialog.h"

#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QPainter>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSvgGenerator>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace lab {

ChartWidget::ChartWidget(const QString &exportName, QWidget *parent)
    : QWidget(parent), m_exportName(exportName)
{
    // No shortcut of its own: the window's Ctrl+E exports the chart under the mouse (one
    // shortcut, never ambiguous between the charts of a page).
    m_exportAction = new QAction(tr("Export image (PNG or SVG)…"), this);
    addAction(m_exportAction);
    connect(m_exportAction, &QAction::triggered, this, &ChartWidget::exportInteractive);
    setFocusPolicy(Qt::ClickFocus);
}

qreal ChartWidget::layoutScale(const QSize &size)
{
    // About the size of a chart on a laptop screen: text at its usual size reads well there.
    constexpr qreal layoutWidth = 1000, layoutHeight = 625;
    return qMax<qreal>(1.0, qMin(size.width() / layoutWidth, size.height() / layoutHeight));
}

void ChartWidget::renderTo(QPainter &painter, const QSize &size)
{
    const qreal scale = layoutScale(size);
    painter.save();
    painter.fillRect(QRect(QPoint(0, 0), size), Qt::white);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    painter.scale(scale, scale);
    paintContent(painter, QSizeF(size) / scale);
    painter.restore();
}

void ChartWidget::paintContent(QPainter &painter, const QSizeF &size)
{
    if (!m_chart || !m_chart->scene())
        return;
    // Lay the chart out at the export size (scaling the on-screen layout would leave the
    // rest of the image empty when the aspect ratios differ), paint, then put it back.
    const QSizeF shown = m_chart->size();
    auto layOut = [this](const QSizeF &s) {
        m_chart->resize(s);
        if (m_chart->layout())
            m_chart->layout()->activate();
        chartResized();
        if (m_chart->layout())
            m_chart->layout()->activate();   // new ranges or labels change the axes' widths
    };
    layOut(size);
    m_chart->scene()->render(&painter, QRectF(QPointF(0, 0), size), QRectF(m_chart->pos(), size), Qt::IgnoreAspectRatio);
    layOut(shown);
}

QImage ChartWidget::renderImage(const QSize &size)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    if (image.isNull())
        return image;
    image.fill(Qt::white);
    QPainter painter(&image);
    renderTo(painter, size);
    painter.end();
    return image;
}

QByteArray ChartWidget::renderSvg(const QSize &size)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    // The on-screen layout measured its text at 96 dpi (as QImage does); the SVG must agree.
    generator.setResolution(96);
    generator.setTitle(windowTitle().isEmpty() ? m_exportName : windowTitle());
    generator.setDescription(tr("Exported by MNIST Lab"));
    QPainter painter;
    if (!painter.begin(&generator))
        return QByteArray();
    renderTo(painter, size);
    painter.end();
    // QSvgGenerator gives the size in millimetres, which viewers turn into pixels at 90 or
    // 96 dpi: say pixels, so every viewer opens it at exactly `size`.
    static const QRegularExpression mm(QStringLiteral("width=\"[0-9.]+mm\" height=\"[0-9.]+mm\""));
    QString text = QString::fromUtf8(bytes);
    const QRegularExpressionMatch match = mm.match(text);
    if (match.hasMatch())
        text.replace(match.capturedStart(), match.capturedLength(),
                     QStringLiteral("width=\"%1\" height=\"%2\"").arg(size.width()).arg(size.height()));
    return text.toUtf8();
}

bool ChartWidget::exportImage(const QString &path, const QSize &size, QString *error)
{
    const bool svg = path.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive);
    QByteArray bytes;
    if (size.width() > 0 && size.height() > 0) {
        if (svg) {
            bytes = renderSvg(size);
        } else {
            const QImage image = renderImage(size);
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            if (image.isNull() || !image.save(&buffer, "PNG"))
                bytes.clear();
        }
    }
    if (bytes.isEmpty()) {
        if (error)
            *error = tr("Could not render the %1 chart at %2×%3 pixels.").arg(m_exportName).arg(size.width()).arg(size.height());
        return false;
    }
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        if (error)
            *error = tr("Could not create the folder %1.").arg(QDir::toNativeSeparators(QFileInfo(path).absolutePath()));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = tr("Could not write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

QStringList ChartWidget::exportAll(const QList<ChartWidget *> &charts, const QString &folder, const QSize &size,
                                   const QString &format, QString *error)
{
    QStringList written;
    for (ChartWidget *chart : charts) {
        const QString path = QDir(folder).filePath(chart->exportName() + u'.' + format);
        if (!chart->exportImage(path, size, error))
            return written;
        written << path;
    }
    return written;
}

ChartWidget *ChartWidget::chartAt(const QPoint &globalPos)
{
    for (QWidget *w = QApplication::widgetAt(globalPos); w; w = w->parentWidget())
        if (auto *chart = qobject_cast<ChartWidget *>(w))
            return chart;
    return nullptr;
}

void ChartWidget::exportInteractive()
{
    AppSettings settings;
    // The folder and format of the last export, else Pictures and PNG.
    const QFileInfo last(settings.lastExportPath());
    const QString folder = settings.lastExportPath().isEmpty()
                               ? QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)
                               : last.absolutePath();
    const QString suffix = last.suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0 ? QStringLiteral("svg")
                                                                                                  : QStringLiteral("png");
    ChartExportDialog dialog(QDir(folder).filePath(m_exportName + u'.' + suffix), settings.exportSize(), this);
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty())
        return;
    settings.setExportSize(dialog.imageSize());
    settings.setLastExportPath(dialog.path());
    QString error;
    if (!exportImage(dialog.path(), dialog.imageSize(), &error)) {
        QMessageBox::warning(this, tr("Export failed"), error);
        return;
    }
    Q_EMIT exported(dialog.path());
}

void ChartWidget::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    addContextActions(&menu);
    if (!menu.isEmpty())
        menu.addSeparator();
    menu.addAction(m_exportAction);
    menu.exec(event->globalPos());
}

void ChartWidget::addContextActions(QMenu *) {}

QAction *ChartWidget::addCheckableAction(QMenu *menu, const QString &text, bool checked)
{
    QAction *action = menu->addAction(text);
    action->setCheckable(true);
    action->setChecked(checked);
    return action;
}

QChartView *ChartWidget::showChart(QChart *chart, const QSize &minimumSize)
{
    // Animations would replay on every data change: off.
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    // A plain white page: no rounded frame around an exported image.
    chart->setBackgroundRoundness(0);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundBrush(Qt::white);
    m_chart = chart;
    auto *view = new QChartView(chart, this);
    view->setRenderHint(QPainter::Antialiasing);
    // Partial updates leave stale point markers behind when axes rescale; charts are small.
    view->setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    view->setContextMenuPolicy(Qt::NoContextMenu);   // this widget's menu handles it
    view->setMinimumSize(minimumSize);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    return view;
}

ChartWidget::NiceTicks ChartWidget::niceTicks(qreal min, qreal max)
{
    const qreal raw = (max - min) / 5;
    const qreal magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    NiceTicks ticks;
    ticks.step = magnitude;
    for (qreal f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        ticks.step = f * magnitude;
        if (ticks.step >= raw)
            break;
    }
    // The range is widened outwards to whole steps.
    ticks.first = qint64(std::floor(min / ticks.step + 1e-9));
    ticks.last = qint64(std::ceil(max / ticks.step - 1e-9));
    return ticks;
}

void ChartWidget::setNiceRange(QValueAxis *axis, qreal min, qreal max)
{
    const NiceTicks ticks = niceTicks(min, max);
    axis->setRange(qreal(ticks.first) * ticks.step, qreal(ticks.last) * ticks.step);
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setTickCount(qBound(2, int(ticks.last - ticks.first) + 1, 12));
}

} // namespace lab
