// mnist-lab: the GUI. Parses the command line, answers --version without a display,
// and shows the main window; everything else lives in labui.
#include "ui/aboutdialog.h"
#include "ui/mainwindow.h"
#include "passiveopenmp.h"

#include "core/common/laberror.h"
#include "ui/design/designpage.h"
#include "core/experiment/preset.h"

#include <QApplication>
#include <QCommandLineParser>
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
    restartWithPassiveOpenMp(argv);
    for (int i = 1; i < argc; ++i) {
        // Before QApplication: --version and --help must work without a display.
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            QCoreApplication app(argc, argv);
            setIdentity();
            std::printf("%s\n", qPrintable(lab::AboutDialog::versionText()));
            return 0;
        }
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::printf("Usage: mnist-lab [--version] [--preset NAME] [--train] [Qt options]\n"
                        "The MNIST Lab GUI. For headless runs use mnist-lab-cli.\n"
                        "  --version      print the versions of the app, Qt, libtorch and the BLAS in use\n"
                        "  --preset NAME  load a preset (see mnist-lab-cli presets) into the Design page\n"
                        "  --train        start training the design right away\n");
            return 0;
        }
    }
    QApplication app(argc, argv);
    setIdentity();
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("io.github.mnistlab.MnistLab")));
    QCommandLineParser parser;
    const QCommandLineOption presetOption(QStringLiteral("preset"), QStringLiteral("Preset to load."), QStringLiteral("name"));
    const QCommandLineOption trainOption(QStringLiteral("train"), QStringLiteral("Start training right away."));
    parser.addOption(presetOption);
    parser.addOption(trainOption);
    parser.process(app);

    lab::MainWindow window;
    if (parser.isSet(presetOption)) {
        try {
            window.designPage()->applyPreset(lab::Preset::find(parser.value(presetOption)));
        } catch (const lab::LabError &e) {
            std::fprintf(stderr, "mnist-lab: %s\n", qPrintable(e.message()));
            return 2;
        }
    }
    window.show();
    // After the window is up: offer to choose or download MNIST when none is found.
    // On a first start that is all the user asked for, the data dialog also offers the one-click 99% model.
    QTimer::singleShot(0, &window, [&window, train = parser.isSet(trainOption)] {
        window.ensureData(/*offerQuick99=*/!train);
        if (train)
            window.startTraining();
    });
    return app.exec();
}
