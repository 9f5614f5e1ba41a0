#include "core/experiment/referenceresults.h"

#include "core/common/laberror.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace lab {

QString ReferenceResult::label() const
{
    return QCoreApplication::translate("ReferenceResult", "%1: %2, %3% (%4)")
        .arg(source, model, QString::number(testError, 'g', 3),
             augmented ? QCoreApplication::translate("ReferenceResult", "augmented")
                       : QCoreApplication::translate("ReferenceResult", "no augmentation"));
}

QVector<ReferenceResult> ReferenceResults::fromJson(const QByteArray &json, const QString &where)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        throw LabError(QStringLiteral("%1: not JSON (%2 at offset %3)").arg(where, error.errorString()).arg(error.offset));
    const QJsonValue list = doc.object().value(QStringLiteral("references"));
    if (!list.isArray())
        throw LabError(QStringLiteral("%1: expected an array \"references\"").arg(where));
    QVector<ReferenceResult> out;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1: references[%2]").arg(where).arg(i);
        const QJsonObject o = array.at(i).toObject();
        ReferenceResult r;
        r.source = o.value(QStringLiteral("source")).toString();
        r.model = o.value(QStringLiteral("model")).toString();
        const QJsonValue err = o.value(QStringLiteral("test_error"));
        r.testError = err.toDouble(-1);
        r.augmented = o.value(QStringLiteral("augmented")).toBool();
        if (r.source.isEmpty() || r.model.isEmpty())
            throw LabError(QStringLiteral("%1: expected non-empty \"source\" and \"model\" strings").arg(at));
        if (!err.isDouble() || !(r.testError > 0) || r.testError > 100)
            throw LabError(QStringLiteral("%1: \"test_error\" must be a percentage above 0 and at most 100").arg(at));
        if (!o.value(QStringLiteral("augmented")).isBool())
            throw LabError(QStringLiteral("%1: \"augmented\" must be true or false").arg(at));
        out.append(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const ReferenceResult &a, const ReferenceResult &b) {
        return a.testError > b.testError;
    });
    return out;
}

QVector<ReferenceResult> ReferenceResults::builtIn()
{
    const QString path = QStringLiteral(":/references/published.json");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw LabError(QStringLiteral("%1: the built-in reference figures are missing").arg(path));
    return fromJson(file.readAll(), path);
}

} // namespace lab
