#include "charts/chartwidget.h"

#include "appsettings.h"
#include "charts/chartexportdialog.h"

#include <QAction>
#include <QBuffer>
#include <QContextMenuEvent>
#include <QDir>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStandardPaths>

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

} // namespace lab
