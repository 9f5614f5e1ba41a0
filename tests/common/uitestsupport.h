#pragma once

#include "core/experiment/experimentrunner.h"

#include <QString>

/** Set-up shared by the GUI tests. */
namespace UiTestSupport {

/**
 * Keeps a GUI test away from the user's files and settings: QStandardPaths test mode, the
 * test organisation with `applicationName`, and empty settings to start from.
 */
void isolateSettings(const QString &applicationName);

/**
 * A run that trains in a second or two: a `layers` ReLU MLP (e.g. "784-32-10") named `name`,
 * learning rate 1e-2, one thread, seed 1, on the (synthetic) data in `dataFolder`.
 */
lab::RunRequest smallMlpRun(const QString &name, const QString &layers, int epochs, int batchSize,
                            const QString &dataFolder, const QString &runsFolder);

} // namespace UiTestSupport
