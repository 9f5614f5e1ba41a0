// mnist-lab: the GUI. Parses the command line, answers --version without a display,
// and shows the main window; everything else lives in labui.
#include "aboutdialog.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QTimer>

#include <cstdio>
#include <cstring>

namespace {
void setIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("MnistLab"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("mnistlab.github.io"));
    QCoreApplication::setApplicationName(QStringLiteral("mnist-lab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MNIST_LAB_VERSION));
}
} // namespace

int main(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        // Before QApplication: --version and --help must work without a display.
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            QCoreApplication app(argc, argv);
            setIdentity();
            std::printf("%s\n", qPrintable(lab::AboutDialog::versionText()));
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf("Usage: mnist-lab [--version] [Qt options]\n"
                        "The MNIST Lab GUI. For headless runs use mnist-lab-cli.\n");
            return 0;
        }
    }
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.mnistlab.MnistLab")));
    lab::MainWindow window;
    window.show();
    // After the window is up: offer to choose or download MNIST when none is found.
    QTimer::singleShot(0, &window, &lab::MainWindow::ensureData);
    return app.exec();
}
