#include "core/experiment/runstore.h"

#include "core/common/atomicfile.h"
#include "core/common/fileio.h"
#include "core/common/laberror.h"
#include "core/experiment/runlock.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

namespace lab {

namespace {

// Held by the process that trains; a "running" record whose lock can be taken belongs
// to a process that is gone, so the run was interrupted.
const char *const lockFileName = "run.lock";

QString safeName(const QString &modelType)
{
    // A run of other characters becomes one '_': "width · width 500 · seed 1" → "width_width_500_seed_1".
    QString name;
    for (QChar c : modelType) {
        if (c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'.')
            name += c;
        else if (!name.endsWith(u'_'))
            name += u'_';
    }
    return name.left(60).isEmpty() ? QStringLiteral("run") : name.left(60);
}

} // namespace

RunStore::RunStore(const QString &root)
    : m_root(QDir(root).absolutePath())
{
}

QString RunStore::recordPath(const QString &folder) { return folder + u'/' + QLatin1String(recordFileName); }
QString RunStore::modelPath(const QString &folder) { return folder + u'/' + QLatin1String(modelFileName); }
QString RunStore::checkpointPath(const QString &folder) { return folder + u'/' + QLatin1String(checkpointFileName); }
QString RunStore::lockPath(const QString &folder) { return folder + u'/' + QLatin1String(lockFileName); }

void RunStore::ensureRoot() const
{
    if (!QDir(m_root).mkpath(QStringLiteral("."))) {
        // mkpath does not say why; mkdir on the store itself does.
        const int error = ::mkdir(QFile::encodeName(m_root).constData(), 0777) == 0 ? 0 : errno;
        throw LabError(QStringLiteral("%1: cannot create the run store folder: %2").arg(m_root, FileIo::errorText(error ? error : EACCES)));
    }
}

QString RunStore::createNamedRunFolder(const QString &name) const
{
    if (name != safeName(name) || name.startsWith(u'.'))
        throw LabError(QStringLiteral("%1: \"%2\" is not usable as a run folder name").arg(m_root, name));
    ensureRoot();
    const QString folder = QDir(m_root).filePath(name);
    // mkdir is atomic on shared filesystems too: of two processes only one creates it.
    if (::mkdir(QFile::encodeName(folder).constData(), 0777) != 0)
        throw LabError(QStringLiteral("%1: cannot create the run folder: %2").arg(folder, FileIo::errorText(errno)));
    return folder;
}

QString RunStore::createRunFolder(const QString &modelType) const
{
    ensureRoot();
    QDir root(m_root);
    const QString base = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) + u'-' + safeName(modelType);
    for (int n = 0; n < 1000; ++n) {
        const QString name = n == 0 ? base : base + QStringLiteral("-%1").arg(n + 1);
        // mkdir fails with EEXIST when the folder exists: that is how two runs started in
        // the same second get different folders. Any other failure is the real reason.
        if (::mkdir(QFile::encodeName(root.filePath(name)).constData(), 0777) == 0)
            return root.filePath(name);
        if (errno != EEXIST)
            throw LabError(QStringLiteral("%1: cannot create a run folder: %2").arg(m_root, FileIo::errorText(errno)));
    }
    throw LabError(QStringLiteral("%1: cannot create a run folder for %2").arg(m_root, modelType));
}

RunRecord RunStore::load(const QString &folder) const
{
    RunRecord record = RunRecord::load(recordPath(folder));
    if (record.status == RunStatus::Finished && QFileInfo::exists(checkpointPath(folder)))
        removeLeftoverCheckpoint(folder);
    if (record.status == RunStatus::Running) {
        // The lock dies with its process (RunLock): not held means nobody is training it.
        if (!RunLock::isHeld(folder)) {
            record.status = RunStatus::Interrupted;
            record.statusDetail = QStringLiteral("the process stopped after epoch %1").arg(record.completedEpochs());
        }
    }
    return record;
}

void RunStore::removeLeftoverCheckpoint(const QString &folder)
{
    // A live holder is between its final record and this very removal: it removes it itself.
    if (RunLock::isHeld(folder))
        return;
    try {
        // Under the lock, so no resume can start reading the checkpoint meanwhile; release()
        // also removes the run.lock the killed process left.
        RunLock lock(folder);
        lock.acquire();
        if (RunRecord::load(recordPath(folder)).status == RunStatus::Finished)
            AtomicFile::remove(checkpointPath(folder));
        lock.release();
    } catch (const LabError &) {
        // Read-only store, another process, a full disk…: the leftover is harmless, keep it.
    }
}

QVector<RunRecord> RunStore::list() const
{
    QVector<RunRecord> runs;
    const QDir root(m_root);
    for (const QFileInfo &info : root.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (!QFileInfo::exists(recordPath(info.absoluteFilePath())))
            continue;
        try {
            runs.append(load(info.absoluteFilePath()));
        } catch (const LabError &) {
            // A folder with an unreadable record is not a run we can show; leave it alone.
        }
    }
    std::sort(runs.begin(), runs.end(), [](const RunRecord &a, const RunRecord &b) { return a.id > b.id; });
    return runs;
}

void RunStore::remove(const QString &folder) const
{
    const QString absolute = QFileInfo(folder).absoluteFilePath();
    if (QFileInfo(absolute).absolutePath() != m_root || !QFileInfo::exists(recordPath(absolute)))
        throw LabError(QStringLiteral("%1: not a run folder of the store %2; refusing to delete it").arg(folder, m_root));
    if (!QDir(absolute).removeRecursively())
        throw LabError(QStringLiteral("%1: could not delete every file of the run").arg(folder));
}

} // namespace lab
