#include "core/infer/defaultmodel.h"

#include "core/common/laberror.h"

#include <QFile>

namespace lab {

QString DefaultModel::resourcePath()
{
    return QStringLiteral(":/models/default.mnlm");
}

bool DefaultModel::isAvailable()
{
    return QFile::exists(resourcePath());
}

QString DefaultModel::displayName()
{
    return QStringLiteral("Default model (bundled)");
}

ModelFile DefaultModel::load()
{
    QFile file(resourcePath());
    if (!file.open(QIODevice::ReadOnly))
        throw LabError(QStringLiteral("%1: the bundled default model is missing from this build "
                                      "(resources/models/default.mnlm was not present when it was compiled)")
                           .arg(resourcePath()));
    return ModelFile::deserialize(file.readAll(), resourcePath());
}

} // namespace lab
