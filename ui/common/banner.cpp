#include "ui/common/banner.h"

#include <QFontMetrics>

namespace lab {

namespace {

QString styleFor(Banner::Kind kind)
{
    switch (kind) {
    case Banner::Kind::Ok: return QStringLiteral("background:#e3f4e3; color:#134d13; border:1px solid #9ccc9c;");
    case Banner::Kind::Info: return QStringLiteral("background:#e6eef8; color:#16365c; border:1px solid #9bb5d6;");
    case Banner::Kind::Warning: return QStringLiteral("background:#fff4d6; color:#5c4400; border:1px solid #e0c36c;");
    case Banner::Kind::Error: return QStringLiteral("background:#fde2e2; color:#800000; border:1px solid #e0a0a0;");
    }
    return QString();
}

constexpr int padding = 6;

} // namespace

Banner::Banner(QWidget *parent, int reservedLines)
    : QLabel(parent)
{
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // A fixed place: lines of text plus the padding and border of a message, held while
    // empty and never grown by a long message (the tooltip holds the whole text).
    setFixedHeight(reservedLines * fontMetrics().lineSpacing() + 2 * padding + 2);
    clearMessage();
}

void Banner::showMessage(const QString &text, Kind kind)
{
    if (text.isEmpty()) {
        clearMessage();
        return;
    }
    m_kind = kind;
    setText(text);
    setToolTip(text);
    setStyleSheet(QStringLiteral("QLabel { %1 border-radius:3px; padding:%2px; }").arg(styleFor(kind)).arg(padding));
}

void Banner::clearMessage()
{
    setText(QString());
    setToolTip(QString());
    setStyleSheet(QStringLiteral("QLabel { background:transparent; border:1px solid transparent; padding:%1px; }").arg(padding));
}

} // namespace lab
