#pragma once

#include <QDialog>
#include <QSize>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace lab {

/**
 * Asks where to write a chart, as PNG or SVG (the format box and the file name's suffix
 * follow each other), and at which pixel size.
 */
class ChartExportDialog : public QDialog
{
    Q_OBJECT

public:
    ChartExportDialog(const QString &suggestedPath, const QSize &size, QWidget *parent = nullptr);

    /** The file to write; its suffix is .png or .svg. */
    QString path() const;
    QSize imageSize() const;

private:
    void setFormat(const QString &suffix);

    QLineEdit *m_path;
    QComboBox *m_format;
    QSpinBox *m_width;
    QSpinBox *m_height;
};

} // namespace lab
