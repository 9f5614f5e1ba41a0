#pragma once

#include <QMainWindow>

QT_BEGIN_NAMESPACE
class QTabWidget;
QT_END_NAMESPACE

namespace lab {

class AppSettings;
class ChartWidget;
class DesignPage;
class RunsPage;
class SweepPage;
class TrainPage;
class CanvasPage;

/**
 * The main window only wires pages together: Design → Train (a valid design starts a
 * run), Train → Runs (a finished run appears in the table) → Draw & test (a run's model),
 * plus menus, settings and the first-start data check.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    DesignPage *designPage() const { return m_design; }
    TrainPage *trainPage() const { return m_train; }
    RunsPage *runsPage() const { return m_runs; }
    SweepPage *sweepPage() const { return m_sweeps; }
    /** Null when the canvas page is not built in. */
    QWidget *canvasPage() const;

    QString dataFolder() const;
    QString runsFolder() const;
    /** What Ctrl+E exports: the chart under the mouse, else the largest one in view on the current page. */
    ChartWidget *chartToExport() const;

public Q_SLOTS:
    /** Starts a run with the Design page's spec and config. */
    void startTraining();
    /**
     * On first start without data: asks for a folder or downloads MNIST. With `offerQuick99`
     * the dialog also offers to train the quick-99 preset once the data is there.
     */
    void ensureData(bool offerQuick99 = false);
    /** Tells the pages that depend on the data folder (sweeps, the Design page's estimate). */
    void dataFolderChanged();
    void chooseDataFolder();
    void chooseRunsFolder();
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    /** The window's size before any was saved: 1280x820, or the screen's available area if smaller. */
    QSize firstStartSize() const;
    void readSettings();
    void writeSettings();
    void useRunModel(const QString &runFolder, bool switchTab);

    std::unique_ptr<AppSettings> m_settings;
    QTabWidget *m_tabs;
    DesignPage *m_design;
    TrainPage *m_train;
    RunsPage *m_runs;
    SweepPage *m_sweeps;
    CanvasPage *m_canvas = nullptr;
};

} // namespace lab
