#pragma once

#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QByteArray>
#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QSettings;
QT_END_NAMESPACE

namespace lab {

/**
 * The GUI's persistent settings with one typed getter/setter per value, so no raw
 * QSettings key is spelled anywhere else. Backed by the application's QSettings
 * (organisation/application names set in main(); tests enable QStandardPaths test mode).
 */
class AppSettings
{
public:
    AppSettings();
    ~AppSettings();

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);

    /** The last design on the Design page; `fallback` when none was saved or it is unreadable. */
    NetworkSpec lastSpec(const NetworkSpec &fallback) const;
    void setLastSpec(const NetworkSpec &spec);
    /** The last hyperparameters on the Design page; `fallback` when none or unreadable. */
    TrainConfig lastConfig(const TrainConfig &fallback) const;
    void setLastConfig(const TrainConfig &config);

    /** The MNIST folder chosen by the user; empty means "DataLocator's choice". */
    QString dataFolder() const;
    void setDataFolder(const QString &folder);
    /** The run store folder chosen by the user; empty means "DataLocator's choice". */
    QString runsFolder() const;
    void setRunsFolder(const QString &folder);

    /** Pixel size of exported chart images. */
    QSize exportSize() const;
    void setExportSize(const QSize &size);
    /** The last chart export's file: its folder and format are offered next time (empty at first). */
    QString lastExportPath() const;
    void setLastExportPath(const QString &path);
    bool lossLogScale() const;
    void setLossLogScale(bool on);
    /** The test-error chart's published-result lines (shown unless switched off). */
    bool showPublishedResults() const;
    void setShowPublishedResults(bool on);

    /**
     * The models open on Draw & test, in order, as their sources (a file path, or the
     * bundled model's resource path); nullopt when never saved (first start: the bundled one).
     */
    std::optional<QStringList> canvasModels() const;
    void setCanvasModels(const QStringList &sources);
    /** The run folder the Train page showed last (reopened at start when it still exists). */
    QString lastTrainRun() const;
    void setLastTrainRun(const QString &folder);
    /** The Sweeps page's epochs per run for the sweep `name`, as the user last set them; 0 when never set. */
    int sweepEpochs(const QString &name) const;
    void setSweepEpochs(const QString &name, int epochs);
    /** The Sweeps page's seeds for the sweep `name`, as the user last set them; 0 when never set. */
    int sweepSeeds(const QString &name) const;
    void setSweepSeeds(const QString &name, int seeds);

    /** Where data/runs really are: the saved choice, else DataLocator's. */
    QString effectiveDataFolder() const;
    QString effectiveRunsFolder() const;

    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace lab
