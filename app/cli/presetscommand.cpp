// `presets`: the built-in experiments, as a table or JSON.
#include "clisupport.h"
#include "commands.h"

#include "core/experiment/preset.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

namespace cli {

int presetsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List the built-in experiments (the blog's runs and beyond)."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("print a JSON array")});
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("presets"), args, &exitCode))
        return exitCode;
    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray list;
        for (const lab::Preset &p : lab::Preset::all()) {
            QJsonObject o{{QStringLiteral("name"), p.name}, {QStringLiteral("group"), p.group},
                          {QStringLiteral("description"), p.description}, {QStringLiteral("spec"), p.spec.toJson()},
                          {QStringLiteral("config"), p.config.toJson()}};
            if (p.referenceTestAccuracy >= 0)
                o.insert(QStringLiteral("reference_test_accuracy"), p.referenceTestAccuracy);
            list.append(o);
        }
        out << QJsonDocument(list).toJson(QJsonDocument::Indented);
        return 0;
    }
    QString group;
    for (const lab::Preset &p : lab::Preset::all()) {
        if (p.group != group) {
            group = p.group;
            out << '\n' << group << ":\n";
        }
        out << "  " << p.name.leftJustified(16) << ' ' << p.spec.shortName().leftJustified(30) << ' '
            << QStringLiteral("%1 ep, batch %2, %3 %4").arg(p.config.epochs).arg(p.config.batchSize)
                   .arg(lab::TrainConfig::optimizerName(p.config.optimizer)).arg(p.config.learningRate)
                   .leftJustified(32);
        if (p.referenceTestAccuracy >= 0)
            out << " blog: " << QString::number(p.referenceTestAccuracy, 'f', 2) << '%';
        out << "\n      " << p.description << '\n';
    }
    return 0;
}

} // namespace cli
