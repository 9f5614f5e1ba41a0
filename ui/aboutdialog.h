#pragma once

#include <QDialog>

namespace lab {

/** Versions of the app, Qt and libtorch, and which BLAS the process really uses. */
class AboutDialog : public QDialog
{
    Q_OBJECT

public:
    explicit AboutDialog(QWidget *parent = nullptr);

    /** The same facts as plain text lines (also printed by `mnist-lab --version`). */
    static QString versionText();
};

} // namespace lab
