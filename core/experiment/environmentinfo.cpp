#include "core/experiment/environmentinfo.h"

#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>
#include <thread>
#include <torch/torch.h>
#include <torch/version.h>

namespace lab {

QString EnvironmentInfo::torchVersion()
{
    return QString::fromLatin1(TORCH_VERSION);
}

QString EnvironmentInfo::blasLibrary()
{
    // Debian's libtorch links libblas.so.3, which update-alternatives points at OpenBLAS or
    // the reference BLAS; only the process's own mappings tell which one was loaded.
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly | QIODevice::Text))
        return QString();
    static const QRegularExpression blasPath(QStringLiteral("(/\\S*lib(open)?blas\\S*\\.so\\S*)"));
    // /proc files report size 0: read to EOF rather than trusting atEnd().
    const QStringList lines = QString::fromLocal8Bit(maps.readAll()).split(u'\n');
    QString found;
    for (const QString &line : lines) {
        const QRegularExpressionMatch m = blasPath.match(line);
        if (m.hasMatch()) {
            found = m.captured(1);
            if (found.contains(QStringLiteral("openblas"), Qt::CaseInsensitive))
                return found;
        }
    }
    return found;
}

bool EnvironmentInfo::usingReferenceBlas()
{
    const QString lib = blasLibrary();
    return !lib.isEmpty() && !lib.contains(QStringLiteral("openblas"), Qt::CaseInsensitive);
}

QString EnvironmentInfo::blasDescription()
{
    const QString lib = blasLibrary();
    if (lib.isEmpty())
        return QStringLiteral("unknown (no BLAS library found in the process)");
    if (lib.contains(QStringLiteral("openblas"), Qt::CaseInsensitive))
        return QStringLiteral("OpenBLAS (%1)").arg(lib);
    return QStringLiteral("reference BLAS (%1) — training is ~5× slower; install libopenblas0-openmp").arg(lib);
}

QString EnvironmentInfo::cpuModel()
{
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (cpuinfo.open(QIODevice::ReadOnly | QIODevice::Text)) {
        const QStringList lines = QString::fromLocal8Bit(cpuinfo.readAll()).split(u'\n');
        for (const QString &line : lines) {
            if (line.startsWith(QStringLiteral("model name")))
                return line.section(u':', 1).trimmed();
        }
    }
    return QSysInfo::currentCpuArchitecture();
}

QJsonObject EnvironmentInfo::collect(int threads)
{
    return {
        {QStringLiteral("libtorch"), torchVersion()},
        {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
        {QStringLiteral("blas"), blasDescription()},
        {QStringLiteral("threads"), threads},
        // Idle OpenMP threads spin by default; the apps ask for passive (app/passiveopenmp.cpp).
        {QStringLiteral("openmp_wait_policy"), qEnvironmentVariable("OMP_WAIT_POLICY", QStringLiteral("default"))},
        {QStringLiteral("cores"), int(std::thread::hardware_concurrency())},
        {QStringLiteral("cpu"), cpuModel()},
        {QStringLiteral("os"), QSysInfo::prettyProductName()},
        {QStringLiteral("app_version"), QStringLiteral(MNIST_LAB_VERSION)},
    };
}

} // namespace lab
