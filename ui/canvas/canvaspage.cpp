#include "canvaspage.h"

namespace lab {

struct CanvasPage::Private
{
    QString runsFolder;
};

CanvasPage::CanvasPage(QWidget *parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
}

CanvasPage::~CanvasPage() = default;

void CanvasPage::setRunsFolder(const QString &folder)
{
    d->runsFolder = folder;
}

void CanvasPage::useRunModel(const QString &runFolder)
{
    Q_UNUSED(runFolder);
}

} // namespace lab
