#pragma once

#include "core/infer/predictor.h"

#include <QDialog>
#include <QString>
#include <QVector>

namespace lab {

/** One model's result on the personal test set. */
struct PersonalEvalResult
{
    QString modelName;
    Evaluation evaluation;
    int images = 0;
    QString error;          ///< set when the model could not be evaluated
};

/**
 * How each model did on the user's own drawings: accuracy and a confusion matrix per
 * model, one tab each, so the models can be compared on the same handwriting.
 */
class PersonalEvalDialog : public QDialog
{
    Q_OBJECT

public:
    PersonalEvalDialog(const QVector<PersonalEvalResult> &results, const QString &setFolder,
                       QWidget *parent = nullptr);
};

} // namespace lab
