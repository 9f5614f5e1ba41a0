#include "ui/canvas/drawingcanvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPaintEvent>
#include <QResizeEvent>

namespace lab {

DrawingCanvas::DrawingCanvas(QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_StaticContents);   // on growth only the new area needs painting
    setCursor(Qt::CrossCursor);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Draw one digit. Right-click or press Delete to clear, Ctrl+Z to undo a stroke."));
    m_image = QImage(sizeHint(), QImage::Format_RGB32);
    m_image.fill(Qt::white);
}

void DrawingCanvas::setImage(const QImage &image)
{
    pushUndo();
    QImage copy(m_image.size().expandedTo(image.size()), QImage::Format_RGB32);
    copy.fill(Qt::white);
    QPainter painter(&copy);
    painter.drawImage(0, 0, image);
    painter.end();
    m_image = copy;
    m_blank = false;
    update();
    Q_EMIT imageChanged();
    Q_EMIT strokeFinished();
}

void DrawingCanvas::setPenWidth(int width)
{
    m_penWidth = qBound(1, width, 200);
}

void DrawingCanvas::setEraser(bool on)
{
    if (m_eraser == on)
        return;
    m_eraser = on;
    Q_EMIT eraserToggled(on);
}

void DrawingCanvas::clear()
{
    if (m_blank)
        return;
    pushUndo();
    m_image.fill(Qt::white);
    m_blank = true;
    update();
    Q_EMIT imageChanged();
    Q_EMIT strokeFinished();
}

void DrawingCanvas::undo()
{
    if (m_undo.isEmpty())
        return;
    const QImage previous = m_undo.takeLast();
    // The widget may have grown since: keep the current size, paint the old content in.
    m_image.fill(Qt::white);
    QPainter painter(&m_image);
    painter.drawImage(0, 0, previous);
    painter.end();
    // "Blank" is cheap to recompute exactly: any non-white pixel is ink.
    m_blank = true;
    for (int y = 0; y < m_image.height() && m_blank; ++y) {
        const QRgb *line = reinterpret_cast<const QRgb *>(m_image.constScanLine(y));
        for (int x = 0; x < m_image.width(); ++x) {
            if ((line[x] & 0xffffff) != 0xffffff) {
                m_blank = false;
                break;
            }
        }
    }
    update();
    if (m_undo.isEmpty())
        Q_EMIT undoAvailable(false);
    Q_EMIT imageChanged();
    Q_EMIT strokeFinished();
}

void DrawingCanvas::pushUndo()
{
    m_undo.append(m_image);
    if (m_undo.size() > maxUndo)
        m_undo.removeFirst();
    if (m_undo.size() == 1)
        Q_EMIT undoAvailable(true);
}

void DrawingCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::RightButton) {
        clear();
        return;
    }
    if (event->button() != Qt::LeftButton)
        return;
    pushUndo();
    m_drawing = true;
    m_last = event->position().toPoint();
    drawSegment(m_last, m_last);   // a click leaves a dot
}

void DrawingCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_drawing || !(event->buttons() & Qt::LeftButton))
        return;
    const QPoint to = event->position().toPoint();
    drawSegment(m_last, to);
    m_last = to;
}

void DrawingCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_drawing)
        return;
    drawSegment(m_last, event->position().toPoint());
    m_drawing = false;
    Q_EMIT strokeFinished();
}

void DrawingCanvas::drawSegment(const QPoint &from, const QPoint &to)
{
    QPainter painter(&m_image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(m_eraser ? Qt::white : Qt::black, m_penWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(from, to);
    painter.end();
    if (!m_eraser)
        m_blank = false;
    const int margin = m_penWidth / 2 + 2;
    update(QRect(from, to).normalized().adjusted(-margin, -margin, margin, margin));
    Q_EMIT imageChanged();
}

void DrawingCanvas::paintEvent(QPaintEvent *event)
{
    QPainter painter(this);
    const QRect dirty = event->rect();
    painter.drawImage(dirty, m_image, dirty);
    // A faint frame so the drawing area is visible on a white window background.
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

void DrawingCanvas::resizeEvent(QResizeEvent *event)
{
    growImage(event->size());
    QWidget::resizeEvent(event);
}

void DrawingCanvas::growImage(const QSize &size)
{
    // Only ever grow: shrinking the window must not cut off ink.
    if (m_image.width() >= size.width() && m_image.height() >= size.height())
        return;
    QImage grown(m_image.size().expandedTo(size), QImage::Format_RGB32);
    grown.fill(Qt::white);
    QPainter painter(&grown);
    painter.drawImage(0, 0, m_image);
    painter.end();
    m_image = grown;
}

} // namespace lab
