#pragma once

#include <QDialog>

QT_BEGIN_NAMESPACE
class QFileDialog;
class QLabel;
class QLineEdit;
class QProgressBar;
class QCheckBox;
class QPushButton;
QT_END_NAMESPACE

namespace lab {

class MnistDownloader;

/**
 * Shown when no MNIST data is found: choose a folder that holds the four idx files, or
 * download them (with progress, each file checked against its published md5).
 */
class DataSetupDialog : public QDialog
{
    Q_OBJECT

public:
    /** `currentFolder` is where the data was looked for; `downloadFolder` where a download goes. */
    DataSetupDialog(const QString &currentFolder, const QString &downloadFolder, QWidget *parent = nullptr);
    ~DataSetupDialog() override;

    /**
     * The folder picker for MNIST data: it lists the files too (a folder's idx files are
     * what the user looks for) and opens in startFolder(preferred).
     */
    static QFileDialog *newFolderChooser(const QString &preferred, QWidget *parent);
    /** `preferred` if it exists, else the user's data folder if it exists, else home (never the launch directory). */
    static QString startFolder(const QString &preferred);
    /** Runs newFolderChooser(); the chosen folder or empty. */
    static QString chooseFolder(const QString &preferred, QWidget *parent);

    /** The folder that now holds the data (valid after accept()). */
    QString folder() const { return m_folder; }

    /**
     * Offers, under the message, to train the quick-99 preset as soon as the data is there
     * (checked by default): on first start, the one-click 99% model is the first thing offered.
     */
    void setOfferQuick99(bool offer);
    /** The offer is shown and still checked. */
    bool trainQuick99() const;

public Q_SLOTS:
    /** Accepts `folder` if it holds the four MNIST files, else says so and stays open. */
    void useFolder(const QString &folder);

private:
    void chooseAndAccept();
    void startDownload();
    void setBusy(bool busy);

    QString m_folder;
    QString m_currentFolder;
    QString m_downloadFolder;
    MnistDownloader *m_downloader = nullptr;
    QLabel *m_message;
    QProgressBar *m_progress;
    QLabel *m_file;
    QPushButton *m_choose;
    QPushButton *m_download;
    QPushButton *m_cancel;
    QCheckBox *m_quick99;
};

} // namespace lab
