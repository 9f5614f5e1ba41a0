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

lab::RunRequest smallMlpRun(const QString &name, const QString &layers, int epochs, int batchSize,
                            const QString &dataFolder, const QString &runsFolder)
{
    lab::RunRequest r;
    r.spec = lab::NetworkSpec::fromShorthand(layers, QStringLiteral("relu"));
    r.spec.name = name;
    r.config.epochs = epochs;
    r.config.batchSize = batchSize;
    r.config.learningRate = 1e-2;
    r.config.threads = 1;
    r.config.seed = 1;
    r.dataFolder = dataFolder;
    r.runsFolder = runsFolder;
    return r;
}

} // namespace UiTestSupport
