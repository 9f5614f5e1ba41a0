#pragma once

#include <QImage>
#include <QSize>
#include <QString>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QChart;
class QChartView;
class QMenu;
class QValueAxis;
QT_END_NAMESPACE

namespace lab {

/**
 * Base of every chart in the lab: it can render itself at any pixel size and export that
 * as a PNG (context menu, Ctrl+E, or exportPng() for "export all"). Subclasses only say
 * how to paint; the export plumbing (size dialog, QSaveFile) lives here once.
 */
class ChartWidget : public QWidget
{
    Q_OBJECT

public:
    /** `exportName` is the file stem used when exporting all charts ("loss", "accuracy"…). */
    explicit ChartWidget(const QString &exportName, QWidget *parent = nullptr);

    QString exportName() const { return m_exportName; }
    /** Paints the chart into a new image of exactly `size` pixels on a white background. */
    virtual QImage renderImage(const QSize &size) = 0;
    /** Writes renderImage(size) to `path` as PNG atomically. On failure returns false and sets `error`. */
    bool exportPng(const QString &path, const QSize &size, QString *error = nullptr);
    /** The "Export PNG…" action (Ctrl+E while the chart has focus); menus may show it too. */
    QAction *exportAction() const { return m_exportAction; }
    /**
     * Round ticks on `axis` (a step of 1, 2, 2.5 or 5 × 10^k, 4–8 intervals), the range
     * widened outwards to whole steps; needs max > min.
     */
    static void setNiceRange(QValueAxis *axis, qreal min, qreal max);

public Q_SLOTS:
    /** Asks for a file and a size, then exports; errors are shown in a message box. */
    void exportInteractive();

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    /** Subclasses add their own entries (log scale, normalise…) to the context menu. */
    virtual void addContextActions(QMenu *menu);
    /** Adds a checkable entry `text` to `menu`, checked when `checked`; connect its toggled(bool). */
    static QAction *addCheckableAction(QMenu *menu, const QString &text, bool checked);

    /**
     * For the Qt Charts based charts: gives `chart` the lab's look (no animation, legend
     * below, thin margins) and fills this widget with an antialiased view of it.
     */
    QChartView *showChart(QChart *chart, const QSize &minimumSize);

private:
    QString m_exportName;
    QAction *m_exportAction;
};

} // namespace lab
