#include "ui/canvas/probabilitybars.h"

#include <QPainter>

#include <algorithm>

namespace lab {

ProbabilityBars::ProbabilityBars(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_hint = tr("Draw a digit");
}

void ProbabilityBars::setProbabilities(const std::array<float, 10> &probabilities)
{
    m_probabilities = probabilities;
    m_valid = true;
    m_isError = false;
    m_hint.clear();
    const int best = topGuess();
    setToolTip(tr("Top guess %1 with %2%").arg(best).arg(100.0 * double(m_probabilities[size_t(best)]), 0, 'f', 1));
    update();
}

void ProbabilityBars::clearProbabilities(const QString &hint)
{
    m_probabilities.fill(0.0f);
    m_valid = false;
    m_isError = false;
    m_hint = hint;
    setToolTip(QString());
    update();
}

void ProbabilityBars::setError(const QString &message)
{
    m_probabilities.fill(0.0f);
    m_valid = false;
    m_isError = true;
    m_hint = message;
    setToolTip(message);
    update();
}

int ProbabilityBars::topGuess() const
{
    if (!m_valid)
        return -1;
    return int(std::max_element(m_probabilities.begin(), m_probabilities.end()) - m_probabilities.begin());
}

void ProbabilityBars::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(6, 4, -6, -4);
    const QPalette pal = palette();

    // Headline: the guess in large type, or the hint/error.
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 2.2);
    big.setBold(true);
    const qreal headline = QFontMetricsF(big).height() + 4;
    const QRectF head(area.left(), area.top(), area.width(), headline);
    if (m_valid) {
        const int best = topGuess();
        p.setFont(big);
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(head, Qt::AlignLeft | Qt::AlignVCenter, QString::number(best));
        QFont small = font();
        p.setFont(small);
        p.drawText(head.adjusted(QFontMetricsF(big).horizontalAdvance(QStringLiteral("8 ")), 0, 0, 0),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   tr("%1% sure").arg(100.0 * double(m_probabilities[size_t(best)]), 0, 'f', 1));
    } else {
        p.setPen(m_isError ? QColor(190, 30, 30) : pal.color(QPalette::PlaceholderText));
        p.drawText(head.adjusted(0, 0, 0, area.height() / 2), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, m_hint);
    }

    // Ten bars with the digit under each and the percentage above the tallest ones.
    const QFontMetricsF fm(font());
    const QRectF chart(area.left(), head.bottom() + fm.height() + 2, area.width(),
                       area.bottom() - head.bottom() - 2 * fm.height() - 4);
    if (chart.height() < 10)
        return;
    const qreal slot = chart.width() / 10.0;
    const int best = topGuess();
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(QPointF(chart.left(), chart.bottom()), QPointF(chart.right(), chart.bottom()));
    for (int k = 0; k < 10; ++k) {
        const double v = std::clamp(double(m_probabilities[size_t(k)]), 0.0, 1.0);
        const QRectF bar(chart.left() + k * slot + slot * 0.15, chart.bottom() - v * chart.height(), slot * 0.7,
                         v * chart.height());
        if (v > 0)
            p.fillRect(bar, k == best ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid));
        p.setPen(pal.color(QPalette::WindowText));
        QFont f = font();
        f.setBold(k == best);
        p.setFont(f);
        p.drawText(QRectF(chart.left() + k * slot, chart.bottom() + 2, slot, fm.height()), Qt::AlignCenter,
                   QString::number(k));
        if (m_valid && v >= 0.05) {
            p.setFont(font());
            p.drawText(QRectF(chart.left() + k * slot - slot, bar.top() - fm.height(), 3 * slot, fm.height()),
                       Qt::AlignHCenter | Qt::AlignBottom, QString::number(int(std::lround(100 * v))));
        }
    }
}

} // namespace lab
