#include "core/common/numbertext.h"

#include <QLocale>

namespace lab {

std::optional<double> parseTypedNumber(const QString &text)
{
    const QString trimmed = text.trimmed();
    bool ok = false;
    double value = trimmed.toDouble(&ok);
    if (!ok)
        value = QLocale().toDouble(trimmed, &ok);
    if (!ok)
        return std::nullopt;
    return value;
}

} // namespace lab
