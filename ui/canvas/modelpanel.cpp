#include "ui/canvas/modelpanel.h"

#include "ui/canvas/probabilitybars.h"

#include "core/common/laberror.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace lab {

ModelPanel::ModelPanel(const QString &name, const QString &source, std::unique_ptr<Predictor> predictor,
                       QWidget *parent)
    : QFrame(parent), m_name(name), m_source(source), m_predictor(std::move(predictor))
{
    setFrameShape(QFrame::StyledPanel);
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped()), this);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Two lines of fixed height, wrapped: a long name ("2_HL_NN_v1 (2026-11-29 11:57)") is
    // read whole on a narrow card, and no height-for-width makes the scroll area size the
    // panel row by its preferred height (that cut off the bars).
    title->setWordWrap(true);
    title->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    title->setFixedHeight(2 * title->fontMetrics().lineSpacing() + 2);

    // What the model is: its design and the test accuracy its run reported, if known.
    const ModelFile &model = m_predictor->model();
    QString detail = model.spec.describe();
    const double accuracy = model.summary.value(QStringLiteral("test_accuracy")).toDouble(-1);
    if (accuracy >= 0)
        detail = tr("MNIST test %1% · %2").arg(accuracy, 0, 'f', 2).arg(detail);
    title->setToolTip(source + QLatin1Char('\n') + detail);

    auto *info = new QLabel(accuracy >= 0 ? tr("MNIST test accuracy %1%").arg(accuracy, 0, 'f', 2) : QString(), this);
    info->setToolTip(detail);
    QFont small = info->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    info->setFont(small);

    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    close->setToolTip(tr("Remove this model from the comparison"));
    connect(close, &QToolButton::clicked, this, [this] { Q_EMIT removeRequested(this); });

    auto *top = new QHBoxLayout;
    top->addWidget(title, 1);
    top->addWidget(close, 0, Qt::AlignTop);

    m_bars = new ProbabilityBars(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addLayout(top);
    layout->addWidget(info);
    layout->addWidget(m_bars, 1);
    setMinimumWidth(220);
}

ModelPanel::~ModelPanel() = default;

void ModelPanel::showPrediction(const std::vector<float> &pixels01)
{
    if (pixels01.empty()) {
        m_bars->clearProbabilities(tr("No ink yet: draw a digit"));
        return;
    }
    try {
        m_bars->setProbabilities(m_predictor->predict(pixels01));
    } catch (const LabError &e) {
        m_bars->setError(e.message());
    } catch (const std::exception &e) {
        m_bars->setError(QString::fromLocal8Bit(e.what()));
    }
}

} // namespace lab
