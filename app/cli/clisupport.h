#pragma once

#include "core/experiment/runobserver.h"
#include "core/train/runcontrol.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QString>

/** What the subcommands share: option parsing helpers, progress output, Ctrl+C. */
namespace cli {

/** Parses `args` (without the command name); on error prints it and returns false. */
bool parseOrExplain(QCommandLineParser &parser, const QString &command, const QStringList &args, int *exitCode);

/** The value of a whole-number option, or throws LabError naming the option. */
int intOption(const QCommandLineParser &parser, const QString &name, int min, int max);
/**
 * --threads: 0 (all) up to the hardware threads; a larger value is clamped to them with a
 * warning on stderr (more threads than cores only slow training down).
 */
int threadsOption(const QCommandLineParser &parser);
/** The value of a number option, or throws LabError naming the option. */
double doubleOption(const QCommandLineParser &parser, const QString &name);

/**
 * Routes Ctrl+C (SIGINT/SIGTERM) to a RunControl: the first signal asks the trainer to
 * stop after the current batch, a second one ends the process at once.
 */
class InterruptGuard
{
public:
    explicit InterruptGuard(lab::RunControl *control);
    ~InterruptGuard();
    /** True once a signal arrived; checks and forwards the request to the control. */
    static bool poll();
};

/** Prints training progress: a bar on a terminal, JSON lines with --json, nothing otherwise. */
class ProgressPrinter : public lab::RunObserver
{
public:
    explicit ProgressPrinter(bool json);
    void onRunStarted(const lab::RunRecord &record, const lab::RunPosition &) override;
    void onBatch(const lab::BatchProgress &progress) override;
    void onEpoch(const lab::EpochMetrics &metrics) override;
    void onRunEnded(const lab::RunRecord &record, const lab::RunPosition &) override;

private:
    bool m_json;
    bool m_terminal;
    QElapsedTimer m_sinceDraw;
    int m_epochs = 0;
};

/** The exit code for how a run ended: 0 finished, 130 cancelled, 3 diverged, 1 otherwise. */
int exitCodeFor(const lab::RunRecord &record);

} // namespace cli
