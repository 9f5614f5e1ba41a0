#include "clisupport.h"

#include "core/common/laberror.h"
#include "core/experiment/runrecord.h"

#include <QJsonDocument>
#include <QTextStream>
#include <atomic>
#include <csignal>
#include <thread>
#include <cstdio>
#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace cli {

namespace {

std::atomic<bool> g_interrupted{false};
lab::RunControl *g_control = nullptr;

extern "C" void onInterrupt(int signal)
{
    if (g_interrupted.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    // Straight to the control (an atomic store): the trainer also checks it while it
    // evaluates, where no batch callback would forward it.
    if (lab::RunControl *control = g_control)
        control->requestCancelFromSignal();
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

} // namespace

bool parseOrExplain(QCommandLineParser &parser, const QString &command, const QStringList &args, int *exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(QStringList{QStringLiteral("mnist-lab-cli ") + command} + args)) {
        err() << "mnist-lab-cli " << command << ": error: " << parser.errorText() << " (see --help)\n";
        *exitCode = 2;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText().replace(QStringLiteral("mnist-lab-cli ") + command + QStringLiteral(" [options]"),
                                           QStringLiteral("mnist-lab-cli ") + command + QStringLiteral(" [options]"));
        out().flush();
        *exitCode = 0;
        return false;
    }
    return true;
}

int intOption(const QCommandLineParser &parser, const QString &name, int min, int max)
{
    bool ok = false;
    const QString value = parser.value(name);
    const qlonglong v = value.toLongLong(&ok);
    if (!ok)
        throw lab::LabError(QStringLiteral("--%1: \"%2\" is not a whole number").arg(name, value));
    if (v < min || v > max)
        throw lab::LabError(QStringLiteral("--%1: %2 is out of range (expected %3 to %4)").arg(name).arg(v).arg(min).arg(max));
    return int(v);
}

int threadsOption(const QCommandLineParser &parser)
{
    const int requested = intOption(parser, QStringLiteral("threads"), 0, 1024);
    const int hardware = int(qMax(1u, std::thread::hardware_concurrency()));
    if (requested <= hardware)
        return requested;
    err() << "mnist-lab-cli: warning: --threads " << requested << " is more than the " << hardware
          << " hardware threads of this machine; using " << hardware << '\n';
    err().flush();
    return hardware;
}

double doubleOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const QString value = parser.value(name);
    const double v = value.toDouble(&ok);
    if (!ok)
        throw lab::LabError(QStringLiteral("--%1: \"%2\" is not a number").arg(name, value));
    return v;
}

InterruptGuard::InterruptGuard(lab::RunControl *control)
{
    g_control = control;
    g_interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

InterruptGuard::~InterruptGuard()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    g_control = nullptr;
}

bool InterruptGuard::poll()
{
    // The handler only sets a flag (nothing else is async-signal-safe); the training
    // thread forwards it here, between batches.
    if (g_interrupted.load() && g_control && !g_control->cancelRequested())
        g_control->requestCancel();
    return g_interrupted.load();
}

ProgressPrinter::ProgressPrinter(bool json)
    : m_json(json)
{
#ifdef Q_OS_UNIX
    m_terminal = !json && isatty(fileno(stderr));
#else
    m_terminal = false;
#endif
    m_sinceDraw.start();
}

void ProgressPrinter::onRunStarted(const lab::RunRecord &record, const lab::RunPosition &)
{
    m_epochs = record.config.epochs;
    // A resume that found record and checkpoint disagreeing says what it did about it.
    if (!record.repaired.isEmpty()) {
        err() << "mnist-lab-cli: note: " << record.folder << ": " << record.repaired << '\n';
        err().flush();
    }
    if (m_json) {
        out() << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("started")},
                                           {QStringLiteral("model_type"), record.modelType},
                                           {QStringLiteral("run"), record.id},
                                           {QStringLiteral("parameters"), record.parameters}})
                     .toJson(QJsonDocument::Compact)
              << '\n';
        out().flush();
    } else {
        err() << record.modelType << ": " << record.summary() << ", " << record.parameters << " parameters, "
              << record.environment.value(QStringLiteral("threads")).toInt() << " threads\n";
        err().flush();
    }
}

void ProgressPrinter::onBatch(const lab::BatchProgress &p)
{
    InterruptGuard::poll();
    if (!m_terminal || (m_sinceDraw.elapsed() < 100 && p.batch != p.batchesPerEpoch))
        return;
    m_sinceDraw.restart();
    const int width = 30;
    const int filled = int(double(p.batch) / p.batchesPerEpoch * width);
    err() << "\repoch " << p.epoch << '/' << m_epochs << " [" << QString(filled, u'#') << QString(width - filled, u'.')
          << "] " << QString::number(100.0 * p.batch / p.batchesPerEpoch, 'f', 0).rightJustified(3) << "%  loss "
          << QString::number(p.loss, 'f', 4) << "  " << qRound64(p.samplesPerSecond) << " samples/s   ";
    err().flush();
}

void ProgressPrinter::onEpoch(const lab::EpochMetrics &m)
{
    if (m_json) {
        QJsonObject json = m.toJson();
        json.insert(QStringLiteral("event"), QStringLiteral("epoch"));
        out() << QJsonDocument(json).toJson(QJsonDocument::Compact) << '\n';
        out().flush();
        return;
    }
    if (m_terminal)
        err() << '\r' << QString(90, u' ') << '\r';
    err() << "epoch " << m.epoch << '/' << m_epochs << "  train loss " << QString::number(m.trainLoss, 'f', 4)
          << "  train " << QString::number(m.trainAccuracy, 'f', 2) << "%  test " << QString::number(m.testAccuracy, 'f', 2)
          << "%  " << QString::number(m.seconds, 'f', 2) << " s\n";
    err().flush();
}

void ProgressPrinter::onRunEnded(const lab::RunRecord &record, const lab::RunPosition &)
{
    if (m_json)
        return;   // the final record line is printed by the command
    if (m_terminal)
        err() << '\r' << QString(90, u' ') << '\r';
    err() << record.modelType << ": " << lab::runStatusName(record.status);
    if (!record.statusDetail.isEmpty())
        err() << " (" << record.statusDetail << ')';
    err() << " — test " << QString::number(record.testAccuracy, 'f', 2) << "%, train "
          << QString::number(record.trainAccuracy, 'f', 2) << "%, " << QString::number(record.trainSeconds, 'f', 1)
          << " s training\n";
    err().flush();
}

int exitCodeFor(const lab::RunRecord &record)
{
    switch (record.status) {
    case lab::RunStatus::Finished: return 0;
    case lab::RunStatus::Cancelled: return 130;
    case lab::RunStatus::Diverged: return 3;
    default: return 1;
    }
}

} // namespace cli
