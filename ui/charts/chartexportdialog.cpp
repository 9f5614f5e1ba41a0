#include "ui/charts/chartexportdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace lab {

ChartExportDialog::ChartExportDialog(const QString &suggestedPath, const QSize &size, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export chart as PNG"));
    m_path = new QLineEdit(suggestedPath, this);
    auto *browse = new QPushButton(tr("Browse…"), this);
    m_width = new QSpinBox(this);
    m_width->setRange(100, 10000);
    m_width->setValue(size.width());
    m_width->setSuffix(tr(" px"));
    m_height = new QSpinBox(this);
    m_height->setRange(100, 10000);
    m_height->setValue(size.height());
    m_height->setSuffix(tr(" px"));
    auto *presets = new QComboBox(this);
    presets->addItem(tr("Common sizes…"));
    const QList<QSize> sizes = {{800, 500}, {1200, 750}, {1600, 1000}, {1920, 1080}, {2400, 1500}};
    for (const QSize &s : sizes)
        presets->addItem(QStringLiteral("%1 × %2").arg(s.width()).arg(s.height()), s);
    connect(presets, &QComboBox::activated, this, [this, presets](int i) {
        const QSize s = presets->itemData(i).toSize();
        if (s.isValid()) {
            m_width->setValue(s.width());
            m_height->setValue(s.height());
        }
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export chart"), m_path->text(), tr("PNG images (*.png)"));
        if (!p.isEmpty())
            m_path->setText(p.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive) ? p : p + QStringLiteral(".png"));
    });

    auto *pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto *sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_width);
    sizeRow->addWidget(m_height);
    sizeRow->addWidget(presets);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *form = new QFormLayout(this);
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Size"), sizeRow);
    form->addRow(buttons);
}

QString ChartExportDialog::path() const { return m_path->text().trimmed(); }
QSize ChartExportDialog::imageSize() const { return QSize(m_width->value(), m_height->value()); }

} // namespace lab
