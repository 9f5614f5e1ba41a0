#include "ui/design/hyperparameterform.h"

#include "core/common/numbertext.h"

#include "ui/charts/lrschedulechart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

#include <limits>
#include <utility>

namespace lab {

namespace {
const OptimizerKind kOptimizers[] = {OptimizerKind::Adam, OptimizerKind::AdamW, OptimizerKind::Sgd, OptimizerKind::RmsProp};
const ScheduleKind kSchedules[] = {ScheduleKind::Constant, ScheduleKind::Step, ScheduleKind::Cosine, ScheduleKind::OneCycle};
} // namespace

HyperparameterForm::HyperparameterForm(QWidget *parent) : QWidget(parent)
{
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, TrainConfig::maxEpochs);
    m_batchSize = new QSpinBox(this);
    m_batchSize->setRange(1, TrainConfig::maxBatchSize);
    m_learningRate = new QLineEdit(this);
    m_learningRate->setObjectName(QStringLiteral("learningRate"));
    m_learningRate->setPlaceholderText(QStringLiteral("e.g. 1e-3"));
    m_optimizer = new QComboBox(this);
    for (OptimizerKind k : kOptimizers)
        m_optimizer->addItem(TrainConfig::optimizerName(k));
    m_momentum = new QDoubleSpinBox(this);
    m_momentum->setRange(0.0, 0.999);
    m_momentum->setDecimals(3);
    m_momentum->setSingleStep(0.01);
    m_weightDecay = new QLineEdit(this);
    m_weightDecay->setPlaceholderText(QStringLiteral("0"));
    m_labelSmoothing = new QDoubleSpinBox(this);
    m_labelSmoothing->setObjectName(QStringLiteral("labelSmoothing"));
    m_labelSmoothing->setRange(0.0, TrainConfig::maxLabelSmoothing);
    m_labelSmoothing->setDecimals(2);
    m_labelSmoothing->setSingleStep(0.05);
    m_labelSmoothing->setSpecialValueText(tr("off"));
    m_labelSmoothing->setToolTip(tr("Train towards (1 - ε) on the true digit and ε/10 on every digit instead of a hard 1: "
                                    "the net stops pushing its logits apart once it is sure. Test and validation losses stay "
                                    "plain cross-entropy. 0.1 is a common value."));
    m_weightAverage = new QComboBox(this);
    m_weightAverage->setObjectName(QStringLiteral("weightAverage"));
    for (double decay : {0.0, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999})
        addWeightAverageChoice(decay);
    m_weightAverage->setToolTip(tr("Evaluate and save a moving average of the weights instead of the last step's: "
                                   "avg = d·avg + (1 - d)·w after every step, so the average spans about 1/(1 - d) steps "
                                   "(0.999: the last ~1,000), or the last ninth of the steps so far when that is fewer. "
                                   "Training is unchanged; the averaged model is often a little more accurate, and still one model."));
    m_schedule = new QComboBox(this);
    for (ScheduleKind k : kSchedules)
        m_schedule->addItem(TrainConfig::scheduleName(k));
    m_warmup = new QSpinBox(this);
    m_warmup->setObjectName(QStringLiteral("warmupEpochs"));
    m_warmup->setRange(0, TrainConfig::maxEpochs);
    m_warmup->setSpecialValueText(tr("none"));
    m_warmup->setSuffix(tr(" epochs"));
    m_warmup->setToolTip(tr("Linear warm-up from lr/10 to lr over these first epochs (not with one-cycle, which has its own)"));
    m_stepEpochs = new QSpinBox(this);
    m_stepEpochs->setObjectName(QStringLiteral("stepEpochs"));
    m_stepEpochs->setRange(1, TrainConfig::maxEpochs);
    m_stepEpochs->setPrefix(tr("every "));
    m_stepEpochs->setSuffix(tr(" epochs"));
    m_stepGamma = new QDoubleSpinBox(this);
    m_stepGamma->setObjectName(QStringLiteral("stepGamma"));
    m_stepGamma->setRange(0.001, 1.0);
    m_stepGamma->setDecimals(3);
    m_stepGamma->setSingleStep(0.05);
    m_stepGamma->setPrefix(QStringLiteral("× "));
    m_lrChart = new LrScheduleChart(this);
    m_lrChart->setObjectName(QStringLiteral("lrSchedulePreview"));
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_threads = new QSpinBox(this);
    m_threads->setRange(0, 1024);
    m_threads->setSpecialValueText(tr("all cores (%1)").arg(QThread::idealThreadCount()));
    m_validation = new QDoubleSpinBox(this);
    m_validation->setRange(0.0, 0.5);
    m_validation->setSingleStep(0.05);
    m_validation->setDecimals(2);
    m_augment = new QCheckBox(tr("shift, rotate, scale"), this);
    m_augment->setToolTip(tr("Train on randomly shifted, rotated and scaled copies of the training images "
                             "(never of the test images), a new draw every epoch"));
    m_cleanFinalEpochs = new QSpinBox(this);
    m_cleanFinalEpochs->setObjectName(QStringLiteral("cleanFinalEpochs"));
    m_cleanFinalEpochs->setRange(0, TrainConfig::maxEpochs);
    m_cleanFinalEpochs->setSpecialValueText(tr("none"));
    m_cleanFinalEpochs->setToolTip(tr("Train the last epochs on the plain digits: at the end of the schedule, with a low "
                                      "learning rate, the network fits the images it will be tested on "
                                      "(He et al. 2019, \"Data augmentation revisited\")."));
    m_scaleLearningRate = new QPushButton(this);
    m_scaleLearningRate->setObjectName(QStringLiteral("scaleLearningRate"));
    m_scaleLearningRate->setToolTip(tr("Linear scaling rule (Goyal et al. 2017): when the batch is k times larger, "
                                       "use a k times larger learning rate. The blog's batch-1000 run under-trained at lr 1e-4."));
    m_scaleLearningRate->hide();
    m_problems = new QLabel(this);
    m_problems->setWordWrap(true);
    m_problems->setStyleSheet(QStringLiteral("color: #a00000;"));

    auto *form = new QFormLayout;
    form->setVerticalSpacing(4);   // fifteen rows and the preview on a 700 px high screen
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batchSize);
    form->addRow(QString(), m_scaleLearningRate);
    form->addRow(tr("Learning rate"), m_learningRate);
    form->addRow(tr("Optimizer"), m_optimizer);
    // Two fields that belong together share a row: fifteen rows fit a 700 px high screen.
    // Momentum and weight averaging both act on the optimiser's steps.
    form->addRow(tr("Momentum"), pairedRow(m_momentum, tr("Average weights"), m_weightAverage));
    // Weight decay and label smoothing both regularise the loss.
    form->addRow(tr("Weight decay"), pairedRow(m_weightDecay, tr("Label smoothing"), m_labelSmoothing));
    form->addRow(tr("LR schedule"), m_schedule);
    auto *stepRow = new QHBoxLayout;
    stepRow->addWidget(m_stepEpochs, 1);
    stepRow->addWidget(m_stepGamma, 1);
    form->addRow(tr("Step decay"), stepRow);
    form->addRow(tr("Warm-up"), m_warmup);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Validation split"), m_validation);
    // The plain final epochs only mean something with augmentation on.
    form->addRow(tr("Augmentation"), pairedRow(m_augment, tr("Plain last epochs"), m_cleanFinalEpochs));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form);
    layout->addWidget(m_problems);
    layout->addWidget(m_lrChart, 1);

    auto notify = [this] {
        if (m_updating)
            return;
        updateProblems();
        Q_EMIT changed();
    };
    connect(m_epochs, &QSpinBox::valueChanged, this, notify);
    connect(m_batchSize, &QSpinBox::valueChanged, this, notify);
    connect(m_learningRate, &QLineEdit::textChanged, this, notify);
    connect(m_optimizer, &QComboBox::currentIndexChanged, this, notify);
    connect(m_momentum, &QDoubleSpinBox::valueChanged, this, notify);
    connect(m_weightDecay, &QLineEdit::textChanged, this, notify);
    connect(m_labelSmoothing, &QDoubleSpinBox::valueChanged, this, notify);
    connect(m_weightAverage, &QComboBox::currentIndexChanged, this, notify);
    connect(m_schedule, &QComboBox::currentIndexChanged, this, notify);
    connect(m_warmup, &QSpinBox::valueChanged, this, notify);
    connect(m_stepEpochs, &QSpinBox::valueChanged, this, notify);
    connect(m_stepGamma, &QDoubleSpinBox::valueChanged, this, notify);
    // The preview follows every edit, including those made through setConfig().
    connect(this, &HyperparameterForm::changed, this, &HyperparameterForm::updateSchedulePreview);
    connect(m_seed, &QSpinBox::valueChanged, this, notify);
    connect(m_threads, &QSpinBox::valueChanged, this, notify);
    connect(m_validation, &QDoubleSpinBox::valueChanged, this, notify);
    connect(m_augment, &QCheckBox::toggled, this, notify);
    connect(m_augment, &QCheckBox::toggled, m_cleanFinalEpochs, &QWidget::setEnabled);
    connect(m_cleanFinalEpochs, &QSpinBox::valueChanged, this, notify);
    connect(m_batchSize, &QSpinBox::valueChanged, this, &HyperparameterForm::updateScalingOffer);
    connect(m_learningRate, &QLineEdit::textEdited, this, [this] {
        m_learningRateBatchSize = m_batchSize->value();   // a typed lr belongs to the batch size shown
        updateScalingOffer();
    });
    connect(m_scaleLearningRate, &QPushButton::clicked, this, [this] {
        double lr = 0;
        if (!parseNumber(m_learningRate, &lr) || m_learningRateBatchSize <= 0)
            return;
        const double scaled = lr * m_batchSize->value() / m_learningRateBatchSize;
        m_learningRateBatchSize = m_batchSize->value();
        m_learningRate->setText(QString::number(scaled, 'g', 6));
        updateScalingOffer();
    });

    setConfig(TrainConfig());
}

void HyperparameterForm::updateScalingOffer()
{
    double lr = 0;
    const int batch = m_batchSize->value();
    if (m_learningRateBatchSize <= 0 || batch == m_learningRateBatchSize || !parseNumber(m_learningRate, &lr) || lr <= 0) {
        m_scaleLearningRate->hide();
        return;
    }
    const double scaled = lr * batch / m_learningRateBatchSize;
    m_scaleLearningRate->setText(tr("Scale learning rate to %1 (batch %2 → %3)")
                                     .arg(QString::number(scaled, 'g', 6)).arg(m_learningRateBatchSize).arg(batch));
    m_scaleLearningRate->show();
}

bool HyperparameterForm::parseNumber(const QLineEdit *edit, double *out) const
{
    const std::optional<double> value = parseTypedNumber(edit->text());
    if (value)
        *out = *value;
    return value.has_value();
}

TrainConfig HyperparameterForm::config() const
{
    TrainConfig c = m_base;
    c.epochs = m_epochs->value();
    c.batchSize = m_batchSize->value();
    double v = 0;
    c.learningRate = parseNumber(m_learningRate, &v) ? v : -1;   // -1: validate() names it
    c.optimizer = kOptimizers[qMax(0, m_optimizer->currentIndex())];
    c.momentum = m_momentum->value();
    if (m_weightDecay->text().trimmed().isEmpty())
        c.weightDecay = 0;
    else
        c.weightDecay = parseNumber(m_weightDecay, &v) ? v : -1;
    c.labelSmoothing = m_labelSmoothing->value();
    c.weightAverageDecay = m_weightAverage->currentData().toDouble();
    c.schedule = kSchedules[qMax(0, m_schedule->currentIndex())];
    c.warmupEpochs = m_warmup->value();
    c.stepEpochs = m_stepEpochs->value();
    c.stepGamma = m_stepGamma->value();
    c.seed = quint64(m_seed->value());
    c.threads = m_threads->value();
    c.validationFraction = m_validation->value();
    c.augment.enabled = m_augment->isChecked();
    c.augment.cleanFinalEpochs = m_cleanFinalEpochs->value();
    return c;
}

QLayout *HyperparameterForm::pairedRow(QWidget *first, const QString &secondLabel, QWidget *second)
{
    auto *row = new QHBoxLayout;
    row->addWidget(first, 1);
    row->addSpacing(8);
    auto *label = new QLabel(secondLabel, this);
    label->setBuddy(second);
    row->addWidget(label);
    row->addWidget(second, 1);
    return row;
}

int HyperparameterForm::addWeightAverageChoice(double decay)
{
    m_weightAverage->addItem(decay > 0 ? QLocale().toString(decay, 'g', 6) : tr("off"), decay);
    return m_weightAverage->count() - 1;
}

void HyperparameterForm::setConfig(const TrainConfig &config)
{
    m_updating = true;
    m_base = config;
    m_epochs->setValue(config.epochs);
    m_batchSize->setValue(config.batchSize);
    m_learningRate->setText(QString::number(config.learningRate, 'g', 6));
    m_optimizer->setCurrentText(TrainConfig::optimizerName(config.optimizer));
    m_momentum->setValue(config.momentum);
    m_weightDecay->setText(QString::number(config.weightDecay, 'g', 6));
    m_labelSmoothing->setValue(config.labelSmoothing);
    int average = m_weightAverage->findData(config.weightAverageDecay);
    if (average < 0)   // a decay from a file or a sweep that the list does not offer
        average = addWeightAverageChoice(config.weightAverageDecay);
    m_weightAverage->setCurrentIndex(average);
    m_schedule->setCurrentText(TrainConfig::scheduleName(config.schedule));
    m_warmup->setValue(config.warmupEpochs);
    m_stepEpochs->setValue(config.stepEpochs);
    m_stepGamma->setValue(config.stepGamma);
    m_seed->setValue(int(qMin<quint64>(config.seed, quint64(std::numeric_limits<int>::max()))));
    m_threads->setValue(config.threads);
    m_validation->setValue(config.validationFraction);
    m_augment->setChecked(config.augment.enabled);
    m_cleanFinalEpochs->setValue(config.augment.cleanFinalEpochs);
    m_cleanFinalEpochs->setEnabled(config.augment.enabled);
    m_learningRateBatchSize = config.batchSize;
    m_updating = false;
    updateScalingOffer();
    updateProblems();
    Q_EMIT changed();
}

void HyperparameterForm::updateSchedulePreview()
{
    const TrainConfig c = config();
    m_stepEpochs->setEnabled(c.schedule == ScheduleKind::Step);
    m_stepGamma->setEnabled(c.schedule == ScheduleKind::Step);
    m_warmup->setEnabled(c.schedule != ScheduleKind::OneCycle);
    m_lrChart->setConfig(c);
}

QStringList HyperparameterForm::problems() const
{
    QStringList list;
    double v = 0;
    if (!parseNumber(m_learningRate, &v))
        list << tr("Learning rate \"%1\" is not a number (e.g. 0.001 or 1e-3)").arg(m_learningRate->text());
    if (!m_weightDecay->text().trimmed().isEmpty() && !parseNumber(m_weightDecay, &v))
        list << tr("Weight decay \"%1\" is not a number").arg(m_weightDecay->text());
    if (!list.isEmpty())
        return list;
    // TrainConfig names its fields as the JSON and the CLI spell them; the form says its labels.
    const std::pair<const char *, QString> labels[] = {
        {"epochs", tr("Epochs")},
        {"batch_size", tr("Batch size")},
        {"learning_rate", tr("Learning rate")},
        {"momentum", tr("Momentum")},
        {"weight_decay", tr("Weight decay")},
        {"label_smoothing", tr("Label smoothing")},
        {"weight_average_decay", tr("Average weights")},
        {"betas", tr("Adam betas")},
        {"threads", tr("Threads")},
        {"warmup_epochs", tr("Warm-up")},
        {"step_epochs", tr("Step decay (every)")},
        {"step_gamma", tr("Step decay (×)")},
        {"validation_fraction", tr("Validation split")},
        {"early_stopping_patience", tr("Early-stopping patience")},
        {"max_batches_per_epoch", tr("Batches per epoch")},
        {"augment.max_shift_pixels", tr("Augmentation shift (pixels)")},
        {"augment.max_rotation_degrees", tr("Augmentation rotation (degrees)")},
        {"augment.max_scale", tr("Augmentation scale")},
        {"augment.elastic_alpha", tr("Augmentation elastic alpha")},
        {"augment.clean_final_epochs", tr("Plain last epochs")},
    };
    for (QString problem : config().validate()) {
        for (const auto &[key, label] : labels) {
            const QString prefix = QLatin1String(key) + u' ';
            if (problem.startsWith(prefix)) {
                problem = label + problem.mid(prefix.size() - 1);
                break;
            }
        }
        problem.replace(QStringLiteral("expected 0 to epochs ("), tr("expected 0 to Epochs ("));
        list << problem;
    }
    return list;
}

void HyperparameterForm::updateProblems()
{
    const OptimizerKind opt = kOptimizers[qMax(0, m_optimizer->currentIndex())];
    m_momentum->setEnabled(opt == OptimizerKind::Sgd);   // RMSprop and Adam ignore it
    const QStringList list = problems();
    m_problems->setText(list.join(u'\n'));
    m_problems->setVisible(!list.isEmpty());
}

} // namespace lab
