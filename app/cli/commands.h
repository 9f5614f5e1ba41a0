#pragma once

#include <QStringList>

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
int exportCommand(const QStringList &args);

} // namespace cli
