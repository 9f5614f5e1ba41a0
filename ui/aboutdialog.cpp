#include "ui/aboutdialog.h"

#include "core/experiment/environmentinfo.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QThread>
#include <QVBoxLayout>
#include <QtGlobal>

namespace lab {

QString AboutDialog::versionText()
{
    return QStringLiteral("MNIST Lab %1\nQt %2 (built with %3)\nlibtorch %4\nBLAS: %5")
        .arg(QStringLiteral(MNIST_LAB_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             EnvironmentInfo::torchVersion(), EnvironmentInfo::blasDescription());
}

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About MNIST Lab"));
    auto *title = new QLabel(tr("<h2>MNIST Lab %1</h2><p>Design, train and probe neural networks on "
                                "MNIST-format digits.</p>").arg(QStringLiteral(MNIST_LAB_VERSION)), this);
    QString details = tr("<table>"
                         "<tr><td><b>Qt</b></td><td>%1</td></tr>"
                         "<tr><td><b>libtorch</b></td><td>%2</td></tr>"
                         "<tr><td><b>BLAS</b></td><td>%3</td></tr>"
                         "<tr><td><b>CPU</b></td><td>%4 (%5 threads)</td></tr>"
                         "</table>")
                          .arg(QString::fromLatin1(qVersion()), EnvironmentInfo::torchVersion().toHtmlEscaped(),
                               EnvironmentInfo::blasDescription().toHtmlEscaped(),
                               EnvironmentInfo::cpuModel().toHtmlEscaped())
                          .arg(QThread::idealThreadCount());
    if (EnvironmentInfo::usingReferenceBlas())
        details += tr("<p style='color:#a00000'>Training runs on the reference BLAS, about five times slower "
                      "than OpenBLAS. Install <tt>libopenblas0-openmp</tt>.</p>");
    auto *info = new QLabel(details, this);
    info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(info);
    layout->addWidget(buttons);
}

} // namespace lab
