#pragma once

#include <QStringList>

#include <memory>

QT_BEGIN_NAMESPACE
class QCoreApplication;
QT_END_NAMESPACE

/**
 * The subcommands of mnist-lab-cli. Each takes the arguments after its name and returns
 * the process exit code (0 success; 1 bad input or failure, with a one-line error on
 * stderr; 2 usage error). Each lives in its own <name>command.cpp.
 */
namespace cli {

int trainCommand(const QStringList &args);
int evalCommand(const QStringList &args);
int presetsCommand(const QStringList &args);
int benchCommand(const QStringList &args);
int downloadCommand(const QStringList &args);
int predictCommand(const QStringList &args);
int sweepCommand(const QStringList &args);
int resumeCommand(const QStringList &args);
#ifdef MNIST_LAB_HAS_CHARTS
int chartsCommand(const QStringList &args);
/** `charts` draws with widgets: it needs a QApplication (offscreen platform) instead of a QCoreApplication. */
std::unique_ptr<QCoreApplication> chartsApplication(int &argc, char **argv);
#endif
int exportCommand(const QStringList &args);

} // namespace cli
