// `predict`: what a model reads in pictures of digits (PNG, JPEG, … of any size, either
// polarity), through exactly the canvas's preprocessing.
#include "clisupport.h"
#include "commands.h"

#include "core/common/laberror.h"
#include "core/infer/defaultmodel.h"
#include "core/infer/digitpreprocessor.h"
#include "core/model/modelfile.h"
#include "core/infer/predictor.h"

#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace cli {

namespace {

/** A picture as the preprocessor wants it (GrayImage::fromArgb32 is the one conversion). */
lab::GrayImage toGray(const QImage &image)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    return lab::GrayImage::fromArgb32(argb.constBits(), argb.width(), argb.height(), argb.bytesPerLine());
}

/** A JSON string literal, escaped. */
QString jsonString(const QString &s)
{
    const QByteArray array = QJsonDocument(QJsonArray{s}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

} // namespace

int predictCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Predicts the digit in each image (PNG, JPEG, BMP … of any size; dark ink on light or light on dark, "
        "detected). Prints one JSON line per image: {\"file\", \"digit\", \"probabilities\"}. "
        "An image with no ink gets \"digit\": null. An unreadable image gets an error line on stderr; "
        "the others are still predicted and the exit code is 1."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("model file (.mnlm); default: the bundled model"), QStringLiteral("FILE")},
    });
    parser.addPositionalArgument(QStringLiteral("IMAGE"), QStringLiteral("image files"), QStringLiteral("IMAGE..."));
    int exitCode = 0;
    if (!parseOrExplain(parser, QStringLiteral("predict"), args, &exitCode))
        return exitCode;
    const QStringList images = parser.positionalArguments();
    if (images.isEmpty()) {
        QTextStream(stderr) << "mnist-lab-cli predict: give at least one IMAGE (see --help)\n";
        return 2;
    }

    const bool custom = parser.isSet(QStringLiteral("model"));
    const QString modelName = custom ? parser.value(QStringLiteral("model")) : lab::DefaultModel::resourcePath();
    const lab::Predictor predictor(custom ? lab::ModelFile::load(modelName) : lab::DefaultModel::load(), modelName);

    QTextStream out(stdout);
    QTextStream err(stderr);
    // A model for other inputs cannot read any digit: one line, nothing on stdout.
    if (const QString problem = predictor.digitInputProblem(); !problem.isEmpty()) {
        err << "mnist-lab-cli predict: error: " << problem << '\n';
        return 1;
    }
    int failures = 0;
    for (const QString &path : images) {
        QImageReader reader(path);
        reader.setAutoTransform(true);   // phone photos carry their rotation in EXIF
        const QImage image = reader.read();
        if (image.isNull()) {
            err << "mnist-lab-cli predict: error: " << path << ": cannot read image (" << reader.errorString() << ")\n";
            err.flush();
            ++failures;
            continue;
        }
        // The line is built whole and printed only when complete: stdout stays valid JSON
        // lines whatever fails, and the next image is still predicted.
        QString line;
        try {
            const lab::PreparedDigit digit = lab::DigitPreprocessor::prepareAuto(toGray(image));
            line = QStringLiteral("{\"file\":") + jsonString(path);
            if (!digit.hasInk) {
                line += QStringLiteral(",\"digit\":null,\"probabilities\":null,\"note\":\"no ink found\"}");
            } else {
                const std::array<float, 10> p = predictor.predict(digit.pixels);
                const int best = int(std::max_element(p.begin(), p.end()) - p.begin());
                line += QStringLiteral(",\"digit\":%1,\"probabilities\":[").arg(best);
                for (int k = 0; k < 10; ++k) {
                    // Six decimals are plenty for a probability and keep the line readable.
                    line += (k ? QStringLiteral(",") : QString())
                          + QString::number(std::round(double(p[size_t(k)]) * 1e6) / 1e6, 'g', 6);
                }
                line += QStringLiteral("]}");
            }
        } catch (const std::exception &e) {
            const auto *labError = dynamic_cast<const lab::LabError *>(&e);
            err << "mnist-lab-cli predict: error: " << path << ": "
                << (labError ? labError->message() : QString::fromLocal8Bit(e.what()).section(u'\n', 0, 0)) << '\n';
            err.flush();
            ++failures;
            continue;
        }
        out << line << '\n';
        out.flush();
    }
    return failures == 0 ? 0 : 1;
}

} // namespace cli
