#pragma once

#include <QString>
#include <QtGlobal>

QT_BEGIN_NAMESPACE
class QProgressBar;
class QWidget;
QT_END_NAMESPACE

namespace lab {

/**
 * How the Train and Sweep pages show progress: durations as clock text and step-counting
 * progress bars. Shared so both pages read the same way.
 */
namespace ProgressFormat {

/** "m:ss", or "h:mm:ss" from an hour on; "–" for an unknown (negative or infinite) duration. */
QString duration(double seconds);

/** A progress bar at 0 of 1 with its text shown as `format` (e.g. "Idle"). */
QProgressBar *newBar(const QString &format, QWidget *parent);

/** Shows `step` of `totalSteps` on `bar`; counts past INT_MAX are clamped. */
void showSteps(QProgressBar *bar, qint64 step, qint64 totalSteps);

} // namespace ProgressFormat

} // namespace lab
