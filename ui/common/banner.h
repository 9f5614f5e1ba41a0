#pragma once

#include <QLabel>

namespace lab {

/**
 * A coloured message line above a page's content ("Finished…", "Stopped…", "lr changed",
 * design problems). Its height is fixed and kept when empty, so a message appearing or
 * going never moves the widgets below it: a click aimed at a chart tab lands on that tab.
 * A message longer than the reserved lines is cut; its tooltip holds all of it.
 */
class Banner : public QLabel
{
    Q_OBJECT

public:
    enum class Kind { Ok, Info, Warning, Error };

    /** `reservedLines`: the text lines the banner's place holds while empty. */
    explicit Banner(QWidget *parent = nullptr, int reservedLines = 2);

    void showMessage(const QString &text, Kind kind);
    void clearMessage();
    /** The message shown, empty when none. */
    QString message() const { return text(); }
    Kind kind() const { return m_kind; }

private:
    Kind m_kind = Kind::Info;
};

} // namespace lab
