#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

namespace lab {

/** One published MNIST result to draw beside a run (test error in percent). */
struct ReferenceResult
{
    QString source;          ///< "Simard 2003"
    QString model;           ///< "MLP 784-800-10"
    double testError = 0;    ///< percent
    bool augmented = false;  ///< trained with distorted/augmented images

    /** "Simard 2003: MLP 784-800-10, 1.6% (no augmentation)". */
    QString label() const;
};

/**
 * The published reference figures (resources/references/published.json, built into
 * labcore), so a user sees where a run stands against the literature and the blog.
 */
class ReferenceResults
{
public:
    /** The built-in list, sorted by test error, largest first. Throws LabError if the resource is broken. */
    static QVector<ReferenceResult> builtIn();
    /** Parses the JSON format of published.json; throws LabError naming `where` and the bad field. */
    static QVector<ReferenceResult> fromJson(const QByteArray &json, const QString &where);
};

} // namespace lab
