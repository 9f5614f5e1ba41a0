#include "uitestsupport.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace UiTestSupport {

void isolateSettings(const QString &applicationName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MnistLabTests"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings().clear();
}

} // namespace UiTestSupport
