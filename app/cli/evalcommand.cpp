// `eval`: accuracy and confusion matrix of a saved model on the MNIST test set.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/infer/defaultmodel.h"
#include "core/model/modelfile.h"
#include "core/infer/predictor.h"

#include <QJsonDocument>
#include <QTextStream>

namespace cli {

int evalCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Test accuracy and confusion matrix of a model file on the MNIST test set."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("model file (.mnlm); default: the bundled model"), QStringLiteral("FILE")},
        {QStringLiteral("data"), QStringLiteral("folder with the MNIST idx files"), QStringLiteral("DIR")},
        {QStringLiteral("json"), QStringLiteral("print one JSON object")},
    });
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("eval"), args, &exitCode))
        return exitCode;
    // Without --model: the bundled default model, as for `predict`.
    const bool custom = parser.isSet(QStringLiteral("model"));
    const QString modelPath = custom ? parser.value(QStringLiteral("model")) : lab::DefaultModel::resourcePath();
    const lab::Predictor predictor(custom ? lab::ModelFile::load(modelPath) : lab::DefaultModel::load(), modelPath);
    const auto data = lab::Dataset::load(lab::DataLocator::dataFolder(parser.value(QStringLiteral("data"))));
    const lab::Evaluation result = predictor.evaluate(data->test);

    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonObject perClass;
        for (int k = 0; k < 10; ++k)
            perClass.insert(QString::number(k), QJsonObject{{QStringLiteral("precision"), result.confusion.precision(k)},
                                                            {QStringLiteral("recall"), result.confusion.recall(k)}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("model"), modelPath},
                                         {QStringLiteral("images"), data->test.count},
                                         {QStringLiteral("test_accuracy"), result.accuracy},
                                         {QStringLiteral("test_loss"), result.loss},
                                         {QStringLiteral("confusion_matrix"), result.confusion.toJson()},
                                         {QStringLiteral("per_class"), perClass}})
                   .toJson(QJsonDocument::Compact)
            << '\n';
        return 0;
    }
    out << modelPath << ": test accuracy " << QString::number(result.accuracy, 'f', 2) << "% on " << data->test.count
        << " images, loss " << QString::number(result.loss, 'f', 4) << "\n\ntrue\\pred";
    for (int j = 0; j < 10; ++j)
        out << QString::number(j).rightJustified(6);
    out << "  recall\n";
    for (int i = 0; i < 10; ++i) {
        out << QString::number(i).rightJustified(9);
        for (int j = 0; j < 10; ++j)
            out << QString::number(result.confusion.at(i, j)).rightJustified(6);
        out << "  " << QString::number(100 * result.confusion.recall(i), 'f', 1) << "%\n";
    }
    return 0;
}

} // namespace cli
