#include "core/common/faultinjection.h"

#include <QByteArray>
#include <QFile>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace lab {

namespace {

struct FaultPlan
{
    long step = 0;        // 0: no fault
    bool kill = false;
    QByteArray logPath;
};

const FaultPlan &plan()
{
    static const FaultPlan p = [] {
        FaultPlan plan;
        const QByteArray spec = qgetenv("MNIST_LAB_FAULT");
        const qsizetype colon = spec.indexOf(':');
        if (colon > 0) {
            bool ok = false;
            const long n = spec.left(colon).toLong(&ok);
            const QByteArray action = spec.mid(colon + 1);
            if (ok && n > 0 && (action == "kill" || action == "fail")) {
                plan.step = n;
                plan.kill = action == "kill";
            }
        }
        plan.logPath = qgetenv("MNIST_LAB_FAULT_LOG");
        return plan;
    }();
    return p;
}

std::atomic<long> g_steps{0};

} // namespace

int FaultInjection::saveStep(const QString &what)
{
    const long n = g_steps.fetch_add(1, std::memory_order_relaxed) + 1;
    const FaultPlan &p = plan();
    if (!p.logPath.isEmpty()) {
        QFile log(QFile::decodeName(p.logPath));
        if (log.open(QIODevice::Append))
            log.write(QByteArray::number(qlonglong(n)) + ' ' + what.toUtf8() + '\n');
    }
    if (n != p.step)
        return 0;
    if (p.kill)
        ::kill(::getpid(), SIGKILL);   // as `kill -9` would: no cleanup, no exit handlers
    return ENOSPC;
}

} // namespace lab
