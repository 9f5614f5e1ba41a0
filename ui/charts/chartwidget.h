#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QAction;
class QChart;
class QChartView;
class QMenu;
class QPainter;
class QValueAxis;
QT_END_NAMESPACE

namespace lab {

/**
 * Base of every chart in the lab: it lays itself out at any pixel size and exports that as
 * PNG or SVG (context menu, Ctrl+E, exportImage() for "export all", `mnist-lab-cli charts`).
 * Subclasses only say how to paint at a given size (paintContent()); the size handling, the
 * export plumbing (dialog, formats, atomic write) lives here once.
 *
 * An export is laid out at the requested size, not scaled from the on-screen widget: a
 * chart shown 1200×300 exported at 1600×1000 fills the whole image. Large images are laid
 * out at about 1000 px wide and drawn magnified (layoutScale()), so their text stays
 * readable at the size they are printed or shown.
 */
class ChartWidget : public QWidget
{
    Q_OBJECT

public:
    /** `exportName` is the file stem used when exporting all charts ("loss", "accuracy"…). */
    explicit ChartWidget(const QString &exportName, QWidget *parent = nullptr);

    QString exportName() const { return m_exportName; }
    /**
     * Paints the chart laid out for `size` pixels into `painter`'s area (0,0)-(size) on a
     * white background. Every export goes through here: PNG, SVG, tests' text probes.
     */
    void renderTo(QPainter &painter, const QSize &size);
    /** renderTo() into a new image of exactly `size` pixels. */
    QImage renderImage(const QSize &size);
    /** The SVG document of renderTo() at `size` (viewBox and width/height = `size`). */
    QByteArray renderSvg(const QSize &size);
    /**
     * Writes the chart at `size` pixels to `path` atomically: SVG when the name ends in
     * .svg, else PNG. On failure returns false and sets `error` (naming the file).
     */
    bool exportImage(const QString &path, const QSize &size, QString *error = nullptr);
    /**
     * Exports every chart of `charts` into `folder` as `<exportName>.<format>` (format "png"
     * or "svg"). Returns the files written; stops at the first failure with `error` set.
     */
    static QStringList exportAll(const QList<ChartWidget *> &charts, const QString &folder, const QSize &size,
                                 const QString &format, QString *error = nullptr);
    /**
     * How much an export of `size` pixels is magnified: 1 up to about 1000×625, so the layout
     * happens at about that size and text grows with the image.
     */
    static qreal layoutScale(const QSize &size);
    /** The chart at `globalPos` (the widget there or one of its parents), or nullptr. */
    static ChartWidget *chartAt(const QPoint &globalPos);
    /** Ticks at first·step, (first + 1)·step … last·step. */
    struct NiceTicks
    {
        qint64 first = 0;
        qint64 last = 1;
        qreal step = 1;
    };
    /**
     * Round ticks covering [min, max]: a step of 1, 2, 2.5 or 5 × 10^k, 4–8 intervals, the
     * range widened outwards to whole steps; needs max > min.
     */
    static NiceTicks niceTicks(qreal min, qreal max);
    /** niceTicks() on `axis`: its range and tick count. */
    static void setNiceRange(QValueAxis *axis, qreal min, qreal max);

public Q_SLOTS:
    /** Asks for a file and a size, then exports; errors are shown in a message box. */
    void exportInteractive();

Q_SIGNALS:
    /** An interactive export wrote `path` (the window confirms it in the status bar). */
    void exported(const QString &path);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;
    /** Subclasses add their own entries (log scale, normalise…) to the context menu. */
    virtual void addContextActions(QMenu *menu);
    /** Adds a checkable entry `text` to `menu`, checked when `checked`; connect its toggled(bool). */
    static QAction *addCheckableAction(QMenu *menu, const QString &text, bool checked);

    /**
     * Paints the chart laid out at `size` (device-independent pixels; the painter may be
     * scaled). The default lays out and paints the Qt Charts chart given to showChart().
     */
    virtual void paintContent(QPainter &painter, const QSizeF &size);
    /**
     * Called after the Qt Charts chart was laid out at another size (for an export, and when
     * it is put back): whatever depends on the plot's size (label lengths…) follows here.
     */
    virtual void chartResized() {}

    /**
     * For the Qt Charts based charts: gives `chart` the lab's look (no animation, legend
     * below, thin margins, plain white background) and fills this widget with an
     * antialiased view of it.
     */
    QChartView *showChart(QChart *chart, const QSize &minimumSize);

private:
    QString m_exportName;
    QAction *m_exportAction;
    QChart *m_chart = nullptr;   ///< the Qt Charts chart of showChart(), if any
};

} // namespace lab
