#include "core/common/atomicfile.h"

#include "core/common/laberror.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace lab {

void AtomicFile::write(const QString &path, const QByteArray &bytes)
{
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        throw LabError(QStringLiteral("%1: cannot create folder %2").arg(path, info.absolutePath()));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw LabError(QStringLiteral("%1: cannot write: %2").arg(path, file.errorString()));
    if (file.write(bytes) != bytes.size()) {
        const QString reason = file.errorString();
        file.cancelWriting();
        throw LabError(QStringLiteral("%1: write failed: %2").arg(path, reason));
    }
    if (!file.commit())
        throw LabError(QStringLiteral("%1: could not replace the file: %2").arg(path, file.errorString()));
}

} // namespace lab
