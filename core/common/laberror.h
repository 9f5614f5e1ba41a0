#pragma once

#include <QString>
#include <stdexcept>

namespace lab {

/**
 * The one exception type of the core: bad input (files, specs, hyperparameters, model
 * files) and failed runs. The message names the input and what was expected, so the GUI
 * can show it as is and the CLI can print it as its one-line error.
 */
class LabError : public std::runtime_error
{
public:
    explicit LabError(const QString &message)
        : std::runtime_error(message.toStdString()), m_message(message) {}

    QString message() const { return m_message; }

private:
    QString m_message;
};

} // namespace lab
