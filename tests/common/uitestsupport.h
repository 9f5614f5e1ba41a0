#pragma once

#include <QString>

/** Set-up shared by the GUI tests. */
namespace UiTestSupport {

/**
 * Keeps a GUI test away from the user's files and settings: QStandardPaths test mode, the
 * test organisation with `applicationName`, and empty settings to start from.
 */
void isolateSettings(const QString &applicationName);

} // namespace UiTestSupport
