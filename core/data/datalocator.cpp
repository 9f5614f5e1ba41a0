#include "core/data/datalocator.h"

#include <QDir>
#include <QStandardPaths>

namespace lab {

// Generic data location + "mnist-lab" rather than AppLocalDataLocation: the CLI, the GUI
// and the tests must agree on one folder whatever application name each one sets.
static QString appDataRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/mnist-lab");
}

QString DataLocator::userDataFolder()
{
    return appDataRoot() + QStringLiteral("/mnist");
}

QString DataLocator::personalSetFolder()
{
    return appDataRoot() + QStringLiteral("/personal");
}

QString DataLocator::dataFolder(const QString &explicitFolder)
{
    if (!explicitFolder.isEmpty())
        return explicitFolder;
    const QString fromEnv = qEnvironmentVariable("MNIST_LAB_DATA");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return userDataFolder();
}

QString DataLocator::runsFolder(const QString &explicitFolder)
{
    if (!explicitFolder.isEmpty())
        return explicitFolder;
    const QString fromEnv = qEnvironmentVariable("MNIST_LAB_RUNS");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return appDataRoot() + QStringLiteral("/runs");
}

} // namespace lab
