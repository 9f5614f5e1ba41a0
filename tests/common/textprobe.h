#pragma once

// Header-only (Qt Gui): what text a paint routine draws, and where. Used by the chart export
// tests to check that every label of an exported image lies inside it and none is elided.

#include <QImage>
#include <QList>
#include <QPaintDevice>
#include <QPaintEngine>
#include <QRect>
#include <QString>
#include <QTransform>

#include <climits>

namespace TextProbe {

/** One drawn piece of text: its string and its box in device pixels. */
struct Text
{
    QString text;
    QRectF rect;
};

/** A paint engine that draws nothing and remembers every text item with its device box. */
class Engine : public QPaintEngine
{
public:
    Engine() : QPaintEngine(QPaintEngine::AllFeatures) {}
    bool begin(QPaintDevice *) override { return true; }
    bool end() override { return true; }
    void updateState(const QPaintEngineState &state) override
    {
        if (state.state() & QPaintEngine::DirtyTransform)
            m_transform = state.transform();
    }
    void drawTextItem(const QPointF &p, const QTextItem &item) override
    {
        // The baseline starts at p: the box reaches ascent above and descent below it.
        const QRectF box(p.x(), p.y() - item.ascent(), item.width(), item.ascent() + item.descent());
        texts.append({item.text(), m_transform.mapRect(box)});
    }
    void drawPixmap(const QRectF &, const QPixmap &, const QRectF &) override {}
    void drawPath(const QPainterPath &) override {}
    void drawPolygon(const QPointF *, int, PolygonDrawMode) override {}
    void drawPolygon(const QPoint *, int, PolygonDrawMode) override {}
    void drawLines(const QLineF *, int) override {}
    void drawLines(const QLine *, int) override {}
    void drawRects(const QRectF *, int) override {}
    void drawRects(const QRect *, int) override {}
    void drawEllipse(const QRectF &) override {}
    void drawPoints(const QPointF *, int) override {}
    void drawImage(const QRectF &, const QImage &, const QRectF &, Qt::ImageConversionFlags) override {}
    void drawTiledPixmap(const QRectF &, const QPixmap &, const QPointF &) override {}
    Type type() const override { return QPaintEngine::User; }

    QList<Text> texts;

private:
    QTransform m_transform;
};

/** A paint device of `size` pixels at 96 dpi (as QImage) whose engine is an Engine. */
class Device : public QPaintDevice
{
public:
    explicit Device(const QSize &size) : m_size(size) {}
    QPaintEngine *paintEngine() const override { return &m_engine; }
    const QList<Text> &texts() const { return m_engine.texts; }

protected:
    int metric(PaintDeviceMetric m) const override
    {
        switch (m) {
        case PdmWidth: return m_size.width();
        case PdmHeight: return m_size.height();
        case PdmWidthMM: return m_size.width() * 254 / 960;
        case PdmHeightMM: return m_size.height() * 254 / 960;
        case PdmDpiX: case PdmDpiY: case PdmPhysicalDpiX: case PdmPhysicalDpiY: return 96;
        case PdmDepth: return 32;
        case PdmNumColors: return INT_MAX;
        case PdmDevicePixelRatio: return 1;
        case PdmDevicePixelRatioScaled: return int(QPaintDevice::devicePixelRatioFScale());
        }
        return 0;
    }

private:
    QSize m_size;
    mutable Engine m_engine;
};

/**
 * The texts of `texts` whose box is not inside `bounds` (half a pixel of tolerance), or that
 * are elided ("…" or "...").
 */
inline QStringList problems(const QList<Text> &texts, const QSize &bounds)
{
    QStringList out;
    const QRectF inside = QRectF(QPointF(0, 0), QSizeF(bounds)).adjusted(-0.5, -0.5, 0.5, 0.5);
    for (const Text &t : texts) {
        if (!inside.contains(t.rect))
            out << QStringLiteral("\"%1\" at (%2,%3 %4x%5) leaves the %6x%7 image")
                       .arg(t.text).arg(t.rect.x(), 0, 'f', 1).arg(t.rect.y(), 0, 'f', 1)
                       .arg(t.rect.width(), 0, 'f', 1).arg(t.rect.height(), 0, 'f', 1)
                       .arg(bounds.width()).arg(bounds.height());
        // Qt elides with "…", Qt Charts' legend and axis labels with three ASCII dots.
        if (t.text.contains(QChar(0x2026)) || t.text.contains(QLatin1String("...")))
            out << QStringLiteral("\"%1\" is elided").arg(t.text);
    }
    return out;
}

} // namespace TextProbe
