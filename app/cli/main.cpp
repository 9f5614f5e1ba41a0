// mnist-lab-cli: the headless runner. Parses the subcommand and hands over to its file.
#include "commands.h"
#include "passiveopenmp.h"
#include "core/common/laberror.h"
#include "core/experiment/environmentinfo.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QTextStream>
#include <cstdio>

namespace {

struct Command
{
    const char *name;
    const char *summary;
    int (*run)(const QStringList &);
};

const Command commands[] = {
    {"train", "train a network (a preset and/or flags) and save the run", cli::trainCommand},
    {"resume", "continue an interrupted run from its checkpoint", cli::resumeCommand},
    {"eval", "test accuracy and confusion matrix of a model file", cli::evalCommand},
    {"predict", "the digit in each image file (PNG, JPEG, any size)", cli::predictCommand},
    {"presets", "list the built-in experiments", cli::presetsCommand},
    {"sweep", "a grid of runs over one or two hyperparameters (width, learning rate, …)", cli::sweepCommand},
    {"export", "a model to ONNX or PyTorch, a run's curves to CSV", cli::exportCommand},
#ifdef MNIST_LAB_HAS_CHARTS
    {"charts", "every chart of a stored run as PNG or SVG", cli::chartsCommand},
#endif
    {"bench", "time one epoch of each blog configuration", cli::benchCommand},
    {"download", "fetch MNIST from the public mirrors, checksums verified", cli::downloadCommand},
};

void printUsage(FILE *to)
{
    QTextStream out(to);
    out << "usage: mnist-lab-cli <command> [options]\n\ncommands:\n";
    for (const Command &c : commands)
        out << "  " << QString::fromLatin1(c.name).leftJustified(10) << c.summary << '\n';
    out << "\n  --version   versions of the app, Qt, libtorch and the BLAS in use\n"
           "  --help      this text; `mnist-lab-cli <command> --help` for a command's options\n";
}

} // namespace

int main(int argc, char *argv[])
{
    // Only the commands that train or evaluate pay for the restart (~0.3 s of loading libtorch again).
    if (argc > 1) {
        const QByteArray command(argv[1]);
        if (command == "train" || command == "resume" || command == "sweep" || command == "bench" || command == "eval")
            restartWithPassiveOpenMp(argv);
    }
    std::unique_ptr<QCoreApplication> app;
#ifdef MNIST_LAB_HAS_CHARTS
    if (argc > 1 && QByteArray(argv[1]) == "charts")
        app = cli::chartsApplication(argc, argv);
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mnist-lab"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MNIST_LAB_VERSION));
    QStringList args = QCoreApplication::arguments().mid(1);
    if (args.isEmpty() || args.first() == u"--help" || args.first() == u"-h" || args.first() == u"help") {
        printUsage(args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.first() == u"--version" || args.first() == u"version") {
        QTextStream out(stdout);
        out << "mnist-lab-cli " << MNIST_LAB_VERSION << "\nQt " << qVersion() << "\nlibtorch "
            << lab::EnvironmentInfo::torchVersion() << "\nBLAS " << lab::EnvironmentInfo::blasDescription() << '\n';
        return 0;
    }
    const QString name = args.takeFirst();
    for (const Command &c : commands) {
        if (name == QLatin1String(c.name)) {
            try {
                return c.run(args);
            } catch (const lab::LabError &e) {
                QTextStream(stderr) << "mnist-lab-cli " << name << ": error: " << e.message() << '\n';
                return 1;
            } catch (const std::exception &e) {
                QTextStream(stderr) << "mnist-lab-cli " << name << ": error: " << e.what() << '\n';
                return 1;
            }
        }
    }
    QTextStream(stderr) << "mnist-lab-cli: unknown command \"" << name << "\"\n";
    printUsage(stderr);
    return 2;
}
