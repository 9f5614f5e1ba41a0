#pragma once

#include <QString>

#include <optional>

namespace lab {

/**
 * A number as a person types it into a form: the C form first ("1e-3", "0.001"), then
 * the user's locale ("0,001" in German). Every text field that takes a number asks this,
 * so a value one page accepts is never refused by another. Empty when it is no number.
 */
std::optional<double> parseTypedNumber(const QString &text);

} // namespace lab
