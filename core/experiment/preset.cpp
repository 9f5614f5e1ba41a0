#include "core/experiment/preset.h"

#include "core/common/laberror.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace lab {

namespace {

// A preset entry: {"name", "group", "description", "layers" + "activation" (the blog's
// shorthand) or "spec" (a full NetworkSpec), "config" (TrainConfig JSON), "reference"}.
Preset parsePreset(const QJsonObject &json, const QString &where)
{
    Preset p;
    p.name = json.value(QStringLiteral("name")).toString();
    if (p.name.isEmpty())
        throw LabError(where + QStringLiteral(": a preset needs a \"name\""));
    const QString at = where + QStringLiteral(": ") + p.name;
    p.group = json.value(QStringLiteral("group")).toString(QStringLiteral("Other"));
    p.description = json.value(QStringLiteral("description")).toString();
    if (json.value(QStringLiteral("spec")).isObject())
        p.spec = NetworkSpec::fromJson(json.value(QStringLiteral("spec")).toObject(), at);
    else
        p.spec = NetworkSpec::fromShorthand(json.value(QStringLiteral("layers")).toString(),
                                            json.value(QStringLiteral("activation")).toString(QStringLiteral("relu")));
    p.spec.name = p.name;
    p.config = TrainConfig::fromJson(json.value(QStringLiteral("config")).toObject(), at);
    p.referenceTestAccuracy =
        json.value(QStringLiteral("reference")).toObject().value(QStringLiteral("test_accuracy")).toDouble(-1);
    return p;
}

QVector<Preset> loadBuiltIn()
{
    QVector<Preset> presets;
    for (const char *resource : {":/presets/quick.json", ":/presets/blog.json", ":/presets/beyond.json"}) {
        const QString path = QString::fromLatin1(resource);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonArray entries = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("presets")).toArray();
        for (const QJsonValue &entry : entries)
            presets.append(parsePreset(entry.toObject(), path));
    }
    return presets;
}

} // namespace

const QVector<Preset> &Preset::all()
{
    static const QVector<Preset> presets = loadBuiltIn();
    return presets;
}

Preset Preset::find(const QString &name)
{
    QStringList names;
    for (const Preset &p : all()) {
        if (p.name.compare(name, Qt::CaseInsensitive) == 0)
            return p;
        names << p.name;
    }
    throw LabError(QStringLiteral("preset \"%1\" is unknown; known presets: %2").arg(name, names.join(QStringLiteral(", "))));
}

} // namespace lab
