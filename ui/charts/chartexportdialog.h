#pragma once

#include <QDialog>
#include <QSize>

QT_BEGIN_NAMESPACE
class QLineEdit;
class QSpinBox;
QT_END_NAMESPACE

namespace lab {

/** Asks where to write a chart PNG and at which pixel size. */
class ChartExportDialog : public QDialog
{
    Q_OBJECT

public:
    ChartExportDialog(const QString &suggestedPath, const QSize &size, QWidget *parent = nullptr);

    QString path() const;
    QSize imageSize() const;

private:
    QLineEdit *m_path;
    QSpinBox *m_width;
    QSpinBox *m_height;
};

} // namespace lab
