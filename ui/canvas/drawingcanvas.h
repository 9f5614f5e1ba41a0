#pragma once

#include <QImage>
#include <QPoint>
#include <QVector>
#include <QWidget>

namespace lab {

/**
 * A surface to draw a digit on with the mouse or a pen: dark ink on white, painted into a
 * backing image that only repaints the rectangle a stroke segment touched. Pen width,
 * eraser, clear, and undo of whole strokes (a clear is undoable too).
 */
class DrawingCanvas : public QWidget
{
    Q_OBJECT

public:
    explicit DrawingCanvas(QWidget *parent = nullptr);

    /** The drawing as it is: white background, dark ink, the widget's size. */
    QImage image() const { return m_image; }
    /** Replaces the drawing (undoable), e.g. to show a saved image again. */
    void setImage(const QImage &image);
    /** True while nothing has been drawn since the last clear. */
    bool isBlank() const { return m_blank; }

    int penWidth() const { return m_penWidth; }
    bool eraser() const { return m_eraser; }
    bool canUndo() const { return !m_undo.isEmpty(); }

    QSize sizeHint() const override { return QSize(360, 360); }
    QSize minimumSizeHint() const override { return QSize(160, 160); }

public Q_SLOTS:
    void setPenWidth(int width);
    void setEraser(bool on);
    void clear();
    /** Takes back the last stroke (or clear). */
    void undo();

Q_SIGNALS:
    /** The drawing changed: emitted for every stroke segment, so listeners should coalesce. */
    void imageChanged();
    /** The mouse button was released: the stroke is complete. */
    void strokeFinished();
    void undoAvailable(bool available);
    void eraserToggled(bool on);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void pushUndo();
    void drawSegment(const QPoint &from, const QPoint &to);
    void growImage(const QSize &size);

    static constexpr int maxUndo = 50;

    QImage m_image;
    QVector<QImage> m_undo;
    QPoint m_last;
    bool m_drawing = false;
    bool m_blank = true;
    bool m_eraser = false;
    int m_penWidth = 22;
};

} // namespace lab
