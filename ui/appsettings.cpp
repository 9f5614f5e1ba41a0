#include "ui/appsettings.h"

#include "core/common/laberror.h"
#include "core/data/datalocator.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

namespace lab {

namespace {
// The only place the keys are spelled.
const QString kGeometry = QStringLiteral("window/geometry");
const QString kState = QStringLiteral("window/state");
const QString kSpec = QStringLiteral("design/lastSpec");
const QString kConfig = QStringLiteral("design/lastConfig");
const QString kDataFolder = QStringLiteral("paths/dataFolder");
const QString kRunsFolder = QStringLiteral("paths/runsFolder");
const QString kExportSize = QStringLiteral("export/size");
const QString kExportPath = QStringLiteral("export/lastPath");
const QString kLossLog = QStringLiteral("charts/lossLogScale");
const QString kPublished = QStringLiteral("charts/showPublishedResults");
const QString kCanvasModels = QStringLiteral("canvas/models");
const QString kLastTrainRun = QStringLiteral("train/lastRun");

QJsonObject parseObject(const QVariant &v)
{
    const QJsonDocument doc = QJsonDocument::fromJson(v.toByteArray());
    return doc.isObject() ? doc.object() : QJsonObject();
}
} // namespace

AppSettings::AppSettings() : m_settings(std::make_unique<QSettings>()) {}
AppSettings::~AppSettings() = default;

QByteArray AppSettings::windowGeometry() const { return m_settings->value(kGeometry).toByteArray(); }
void AppSettings::setWindowGeometry(const QByteArray &g) { m_settings->setValue(kGeometry, g); }
QByteArray AppSettings::windowState() const { return m_settings->value(kState).toByteArray(); }
void AppSettings::setWindowState(const QByteArray &s) { m_settings->setValue(kState, s); }

NetworkSpec AppSettings::lastSpec(const NetworkSpec &fallback) const
{
    const QJsonObject json = parseObject(m_settings->value(kSpec));
    if (json.isEmpty())
        return fallback;
    try {
        return NetworkSpec::fromJson(json, QStringLiteral("settings: last design"));
    } catch (const LabError &) {
        return fallback;   // a design saved by another version: start from the default
    }
}

void AppSettings::setLastSpec(const NetworkSpec &spec)
{
    m_settings->setValue(kSpec, QJsonDocument(spec.toJson()).toJson(QJsonDocument::Compact));
}

TrainConfig AppSettings::lastConfig(const TrainConfig &fallback) const
{
    const QJsonObject json = parseObject(m_settings->value(kConfig));
    if (json.isEmpty())
        return fallback;
    try {
        return TrainConfig::fromJson(json, QStringLiteral("settings: last config"));
    } catch (const LabError &) {
        return fallback;
    }
}

void AppSettings::setLastConfig(const TrainConfig &config)
{
    m_settings->setValue(kConfig, QJsonDocument(config.toJson()).toJson(QJsonDocument::Compact));
}

QString AppSettings::dataFolder() const { return m_settings->value(kDataFolder).toString(); }
void AppSettings::setDataFolder(const QString &f) { m_settings->setValue(kDataFolder, f); }
QString AppSettings::runsFolder() const { return m_settings->value(kRunsFolder).toString(); }
void AppSettings::setRunsFolder(const QString &f) { m_settings->setValue(kRunsFolder, f); }

QSize AppSettings::exportSize() const
{
    const QSize s = m_settings->value(kExportSize, QSize(1600, 1000)).toSize();
    return s.isValid() && !s.isEmpty() ? s : QSize(1600, 1000);
}
void AppSettings::setExportSize(const QSize &s) { m_settings->setValue(kExportSize, s); }
QString AppSettings::lastExportPath() const { return m_settings->value(kExportPath).toString(); }
void AppSettings::setLastExportPath(const QString &path) { m_settings->setValue(kExportPath, path); }

bool AppSettings::lossLogScale() const { return m_settings->value(kLossLog, false).toBool(); }
void AppSettings::setLossLogScale(bool on) { m_settings->setValue(kLossLog, on); }
bool AppSettings::showPublishedResults() const { return m_settings->value(kPublished, true).toBool(); }
void AppSettings::setShowPublishedResults(bool on) { m_settings->setValue(kPublished, on); }

std::optional<QStringList> AppSettings::canvasModels() const
{
    if (!m_settings->contains(kCanvasModels))
        return std::nullopt;
    return m_settings->value(kCanvasModels).toStringList();
}
void AppSettings::setCanvasModels(const QStringList &sources) { m_settings->setValue(kCanvasModels, sources); }
QString AppSettings::lastTrainRun() const { return m_settings->value(kLastTrainRun).toString(); }
void AppSettings::setLastTrainRun(const QString &folder) { m_settings->setValue(kLastTrainRun, folder); }
// Sweep names are plain file-name parts (Sweep::nameProblem), safe inside a key.
int AppSettings::sweepEpochs(const QString &name) const { return m_settings->value(QStringLiteral("sweeps/%1/epochs").arg(name)).toInt(); }
void AppSettings::setSweepEpochs(const QString &name, int epochs) { m_settings->setValue(QStringLiteral("sweeps/%1/epochs").arg(name), epochs); }
int AppSettings::sweepSeeds(const QString &name) const { return m_settings->value(QStringLiteral("sweeps/%1/seeds").arg(name)).toInt(); }
void AppSettings::setSweepSeeds(const QString &name, int seeds) { m_settings->setValue(QStringLiteral("sweeps/%1/seeds").arg(name), seeds); }

QString AppSettings::effectiveDataFolder() const { return DataLocator::dataFolder(dataFolder()); }
QString AppSettings::effectiveRunsFolder() const { return DataLocator::runsFolder(runsFolder()); }

void AppSettings::sync() { m_settings->sync(); }

} // namespace lab
