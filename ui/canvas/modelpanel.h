#pragma once

#include "core/infer/predictor.h"

#include <QFrame>
#include <QString>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace lab {

class ProbabilityBars;

/**
 * One model beside the canvas: its name, where it came from, its probabilities for the
 * current drawing, and a button to take it away. Owns the model's Predictor.
 */
class ModelPanel : public QFrame
{
    Q_OBJECT

public:
    /** `source` is the model file (or resource) path, used to avoid showing a model twice. */
    ModelPanel(const QString &name, const QString &source, std::unique_ptr<Predictor> predictor,
               QWidget *parent = nullptr);
    ~ModelPanel() override;

    QString name() const { return m_name; }
    QString source() const { return m_source; }
    const Predictor &predictor() const { return *m_predictor; }
    ProbabilityBars *bars() const { return m_bars; }

    /** Predicts `pixels01` (784 values, 1 = ink); an empty vector means "no ink". */
    void showPrediction(const std::vector<float> &pixels01);

Q_SIGNALS:
    void removeRequested(lab::ModelPanel *panel);

private:
    QString m_name;
    QString m_source;
    std::unique_ptr<Predictor> m_predictor;
    ProbabilityBars *m_bars = nullptr;
};

} // namespace lab
