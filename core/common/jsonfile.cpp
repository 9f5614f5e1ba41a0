#include "core/common/jsonfile.h"

#include "core/common/laberror.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonParseError>

namespace lab {

QJsonObject JsonFile::readObject(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw LabError(QStringLiteral("%1: cannot open %2: %3").arg(path, what, file.errorString()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        throw LabError(QStringLiteral("%1: not a valid JSON %2 (%3 at offset %4)")
                           .arg(path, what, error.errorString())
                           .arg(error.offset));
    if (!doc.isObject())
        throw LabError(QStringLiteral("%1: not a valid JSON %2 (expected an object {…} at the top, found an array)")
                           .arg(path, what));
    return doc.object();
}

} // namespace lab
