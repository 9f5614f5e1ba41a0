#pragma once

#include "core/train/trainconfig.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
QT_END_NAMESPACE

namespace lab {

class LrScheduleChart;

/**
 * The hyperparameters of a run as a form. Spin boxes enforce their ranges; values typed
 * as text (learning rate, weight decay) are checked with TrainConfig::validate() and each
 * problem is listed under the form, naming the field and the allowed range.
 */
class HyperparameterForm : public QWidget
{
    Q_OBJECT

public:
    explicit HyperparameterForm(QWidget *parent = nullptr);

    /** The config as edited; fields the form does not show keep the last setConfig() value. */
    TrainConfig config() const;
    void setConfig(const TrainConfig &config);
    /** Empty when every field is valid, else one message per problem. */
    QStringList problems() const;
    /** The learning-rate preview under the form (follows every change). */
    LrScheduleChart *lrChart() const { return m_lrChart; }

Q_SIGNALS:
    void changed();

private:
    void updateProblems();
    /** `first`, then `second` with its own label, on one form row. */
    QLayout *pairedRow(QWidget *first, const QString &secondLabel, QWidget *second);
    /** Appends `decay` to the weight-average list (0 reads "off"); returns its index. */
    int addWeightAverageChoice(double decay);
    /** Redraws the learning-rate preview and enables the step-only fields. */
    void updateSchedulePreview();
    /** Offers lr × new/old batch size (Goyal et al. 2017) when the batch size moved away from the one the lr was set for. */
    void updateScalingOffer();
    bool parseNumber(const QLineEdit *edit, double *out) const;

    TrainConfig m_base;
    bool m_updating = false;
    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QLineEdit *m_learningRate;
    QComboBox *m_optimizer;
    QDoubleSpinBox *m_momentum;
    QLineEdit *m_weightDecay;
    QDoubleSpinBox *m_labelSmoothing;
    QComboBox *m_weightAverage;   ///< item data: the decay (0 = off)
    QComboBox *m_schedule;
    QSpinBox *m_warmup;
    QSpinBox *m_stepEpochs;
    QDoubleSpinBox *m_stepGamma;
    LrScheduleChart *m_lrChart;
    QSpinBox *m_seed;
    QSpinBox *m_threads;
    QDoubleSpinBox *m_validation;
    QCheckBox *m_augment;
    QSpinBox *m_cleanFinalEpochs;
    QLabel *m_problems;
    QPushButton *m_scaleLearningRate;
    int m_learningRateBatchSize = 0;   ///< the batch size the current learning rate was chosen for
};

} // namespace lab
