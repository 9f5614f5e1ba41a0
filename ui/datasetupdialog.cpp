#include "ui/datasetupdialog.h"

#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/data/mnistdownloader.h"

#include <QCheckBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <memory>

namespace lab {

DataSetupDialog::DataSetupDialog(const QString &currentFolder, const QString &downloadFolder, QWidget *parent)
    : QDialog(parent), m_currentFolder(currentFolder), m_downloadFolder(downloadFolder)
{
    setWindowTitle(tr("MNIST data"));
    m_message = new QLabel(tr("<p>MNIST Lab needs the four MNIST files (train-images-idx3-ubyte, "
                              "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; raw or .gz).</p>"
                              "<p>They were not found in <tt>%1</tt>.</p>"
                              "<p>Choose a folder that holds them, or download them (about 11 MB) into "
                              "<tt>%2</tt>.</p>")
                               .arg(QDir::toNativeSeparators(currentFolder).toHtmlEscaped(),
                                    QDir::toNativeSeparators(downloadFolder).toHtmlEscaped()),
                           this);
    m_message->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->hide();
    m_file = new QLabel(this);
    m_file->setWordWrap(true);
    m_choose = new QPushButton(tr("Choose folder…"), this);
    m_download = new QPushButton(tr("Download MNIST"), this);
    m_cancel = new QPushButton(tr("Not now"), this);
    m_quick99 = new QCheckBox(tr("Then train a 99% model now (about 10 seconds)"), this);
    m_quick99->setToolTip(tr("The quick-99 preset: two small convolutions, two epochs of batch 256; "
                             "over 99% test accuracy in about 10 seconds on two cores"));
    m_quick99->setObjectName(QStringLiteral("quick99Offer"));
    m_quick99->setChecked(true);
    m_quick99->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_choose);
    buttons->addWidget(m_download);
    buttons->addStretch(1);
    buttons->addWidget(m_cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(m_progress);
    layout->addWidget(m_file);
    layout->addWidget(m_quick99);
    layout->addLayout(buttons);

    connect(m_choose, &QPushButton::clicked, this, &DataSetupDialog::chooseAndAccept);
    connect(m_download, &QPushButton::clicked, this, &DataSetupDialog::startDownload);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_downloader && m_downloader->isRunning()) {
            m_downloader->cancel();
            setBusy(false);
            m_file->setText(tr("Download cancelled."));
            return;
        }
        reject();
    });
    resize(560, 260);
}

DataSetupDialog::~DataSetupDialog()
{
    if (m_downloader)
        m_downloader->cancel();
}

QString DataSetupDialog::startFolder(const QString &preferred)
{
    for (const QString &folder : {preferred, DataLocator::userDataFolder()})
        if (!folder.isEmpty() && QFileInfo(folder).isDir())
            return folder;
    return QDir::homePath();
}

QFileDialog *DataSetupDialog::newFolderChooser(const QString &preferred, QWidget *parent)
{
    auto *dialog = new QFileDialog(parent, tr("Folder with the MNIST files"), startFolder(preferred));
    dialog->setFileMode(QFileDialog::Directory);
    // Qt's own dialog: a desktop's folder picker may hide the files, and the idx files are
    // how the user recognises the right folder.
    dialog->setOption(QFileDialog::ShowDirsOnly, false);
    dialog->setOption(QFileDialog::DontUseNativeDialog, true);
    dialog->setNameFilters({tr("MNIST files (*-ubyte *-ubyte.gz)"), tr("All files (*)")});
    dialog->setLabelText(QFileDialog::Accept, tr("Use this folder"));
    return dialog;
}

QString DataSetupDialog::chooseFolder(const QString &preferred, QWidget *parent)
{
    std::unique_ptr<QFileDialog> dialog(newFolderChooser(preferred, parent));
    if (dialog->exec() != QDialog::Accepted || dialog->selectedFiles().isEmpty())
        return QString();
    return dialog->selectedFiles().constFirst();
}

void DataSetupDialog::setOfferQuick99(bool offer)
{
    m_quick99->setVisible(offer);
}

bool DataSetupDialog::trainQuick99() const
{
    return !m_quick99->isHidden() && m_quick99->isChecked();
}

void DataSetupDialog::chooseAndAccept()
{
    const QString folder = chooseFolder(m_currentFolder, this);
    if (!folder.isEmpty())
        useFolder(folder);
}

void DataSetupDialog::useFolder(const QString &folder)
{
    if (!Dataset::looksComplete(folder)) {
        m_file->setText(tr("<span style='color:#a00000'><tt>%1</tt> does not hold the four MNIST files.</span>")
                            .arg(QDir::toNativeSeparators(folder).toHtmlEscaped()));
        return;
    }
    m_folder = folder;
    accept();
}

void DataSetupDialog::startDownload()
{
    if (!m_downloader) {
        m_downloader = new MnistDownloader(this);
        connect(m_downloader, &MnistDownloader::progress, this, [this](qint64 received, qint64 total, const QString &file) {
            m_progress->setRange(0, total > 0 ? 1000 : 0);
            if (total > 0)
                m_progress->setValue(int(1000 * received / total));
            const QLocale locale;
            m_file->setText(total > 0 ? tr("%1: %2 of %3").arg(file, locale.formattedDataSize(received), locale.formattedDataSize(total))
                                      : tr("%1: %2").arg(file, locale.formattedDataSize(received)));
        });
        connect(m_downloader, &MnistDownloader::finished, this, [this](const QString &folder) {
            m_folder = folder;
            accept();
        });
        connect(m_downloader, &MnistDownloader::failed, this, [this](const QString &message) {
            setBusy(false);
            m_file->setText(tr("<span style='color:#a00000'>Download failed: %1</span>").arg(message.toHtmlEscaped()));
        });
    }
    setBusy(true);
    m_file->setText(tr("Connecting…"));
    m_downloader->start(m_downloadFolder);
}

void DataSetupDialog::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    m_choose->setEnabled(!busy);
    m_download->setEnabled(!busy);
    m_cancel->setText(busy ? tr("Cancel download") : tr("Not now"));
}

} // namespace lab
