#include "ui/charts/chartwidget.h"

#include "ui/appsettings.h"
#include "ui/charts/chartexportdialog.h"

#include <QAction>
#include <QBuffer>
#include <QChart>
#include <QChartView>
#include <QContextMenuEvent>
#include <QDir>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStandardPaths>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace lab {

ChartWidget::ChartWidget(const QString &exportName, QWidget *parent)
    : QWidget(parent), m_exportName(exportName)
{
    m_exportAction = new QAction(tr("Export PNG…"), this);
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_exportAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_exportAction);
    connect(m_exportAction, &QAction::triggered, this, &ChartWidget::exportInteractive);
    setFocusPolicy(Qt::ClickFocus);
}

bool ChartWidget::exportPng(const QString &path, const QSize &size, QString *error)
{
    const QImage image = renderImage(size);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buffer, "PNG")) {
        if (error)
            *error = tr("Could not render the %1 chart at %2×%3.").arg(m_exportName).arg(size.width()).arg(size.height());
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void ChartWidget::exportInteractive()
{
    AppSettings settings;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    ChartExportDialog dialog(QDir(folder).filePath(m_exportName + QStringLiteral(".png")), settings.exportSize(), this);
    if (dialog.exec() != QDialog::Accepted || dialog.path().isEmpty())
        return;
    settings.setExportSize(dialog.imageSize());
    QString error;
    if (!exportPng(dialog.path(), dialog.imageSize(), &error))
        QMessageBox::warning(this, tr("Export failed"), error);
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

void ChartWidget::setNiceRange(QValueAxis *axis, qreal min, qreal max)
{
    // The range is widened outwards to whole steps.
    const qreal raw = (max - min) / 5;
    const qreal magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    qreal step = magnitude;
    for (qreal f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = f * magnitude;
        if (step >= raw)
            break;
    }
    const qreal lo = std::floor(min / step + 1e-9) * step;
    const qreal hi = std::ceil(max / step - 1e-9) * step;
    axis->setRange(lo, hi);
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setTickCount(qBound(2, int(std::lround((hi - lo) / step)) + 1, 12));
}

} // namespace lab
