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
    setWindowTitle(tr("Export chart"));
    m_path = new QLineEdit(suggestedPath, this);
    m_format = new QComboBox(this);
    m_format->addItem(tr("PNG image"), QStringLiteral("png"));
    m_format->addItem(tr("SVG drawing (scalable)"), QStringLiteral("svg"));
    m_format->setCurrentIndex(suggestedPath.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive) ? 1 : 0);
    connect(m_format, &QComboBox::activated, this, [this](int i) { setFormat(m_format->itemData(i).toString()); });
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
        const QString png = tr("PNG images (*.png)"), svg = tr("SVG drawings (*.svg)");
        QString filter = m_format->currentIndex() == 1 ? svg : png;
        const QString p = QFileDialog::getSaveFileName(this, tr("Export chart"), m_path->text(), png + QStringLiteral(";;") + svg, &filter);
        if (p.isEmpty())
            return;
        m_path->setText(p);
        if (!p.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive) && !p.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive))
            setFormat(filter == svg ? QStringLiteral("svg") : QStringLiteral("png"));
        else
            m_format->setCurrentIndex(p.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive) ? 1 : 0);
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
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Size"), sizeRow);
    form->addRow(buttons);
}

void ChartExportDialog::setFormat(const QString &suffix)
{
    m_format->setCurrentIndex(suffix == u"svg" ? 1 : 0);
    QString p = m_path->text().trimmed();
    if (p.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive) || p.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive))
        p.chop(4);
    m_path->setText(p + u'.' + suffix);
}

QString ChartExportDialog::path() const
{
    // A name without a known suffix gets the chosen format's.
    QString p = m_path->text().trimmed();
    if (p.isEmpty())
        return p;
    if (!p.endsWith(QStringLiteral(".png"), Qt::CaseInsensitive) && !p.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive))
        p += u'.' + m_format->currentData().toString();
    return p;
}
QSize ChartExportDialog::imageSize() const { return QSize(m_width->value(), m_height->value()); }

} // namespace lab
