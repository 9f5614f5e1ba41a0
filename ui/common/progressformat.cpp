#include "ui/common/progressformat.h"

#include <QProgressBar>

#include <cmath>
#include <limits>

namespace lab::ProgressFormat {

QString duration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("–");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QProgressBar *newBar(const QString &format, QWidget *parent)
{
    auto *bar = new QProgressBar(parent);
    bar->setRange(0, 1);
    bar->setValue(0);
    bar->setFormat(format);
    bar->setTextVisible(true);
    return bar;
}

void showSteps(QProgressBar *bar, qint64 step, qint64 totalSteps)
{
    // QProgressBar counts in int; a long run can pass that in steps.
    const int total = int(qMin<qint64>(totalSteps, std::numeric_limits<int>::max()));
    if (bar->maximum() != total)
        bar->setRange(0, qMax(1, total));
    bar->setValue(int(qMin<qint64>(step, total)));
}

} // namespace lab::ProgressFormat
