#include "ui/charts/diagnosticspanel.h"

#include "ui/charts/diagnosticschart.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace lab {

DiagnosticsPanel::DiagnosticsPanel(QWidget *parent) : QWidget(parent)
{
    m_dead = new DiagnosticsChart(DiagnosticsChart::Metric::DeadFraction, this);
    m_gradient = new DiagnosticsChart(DiagnosticsChart::Metric::GradientNorm, this);
    m_weight = new DiagnosticsChart(DiagnosticsChart::Metric::WeightNorm, this);
    m_logScale = new QCheckBox(tr("Log scale for the norms"), this);
    m_logScale->setChecked(true);
    m_gradient->setLogScale(true);
    m_weight->setLogScale(true);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(6, 6, 6, 6);
    sideLayout->addWidget(m_logScale);
    sideLayout->addWidget(m_note, 1);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_gradient, 0, 0);
    grid->addWidget(m_dead, 0, 1);
    grid->addWidget(m_weight, 1, 0);
    grid->addWidget(side, 1, 1);

    connect(m_logScale, &QCheckBox::toggled, this, [this](bool on) {
        m_gradient->setLogScale(on);
        m_weight->setLogScale(on);
    });
    connect(m_gradient, &DiagnosticsChart::logScaleToggled, m_logScale, &QCheckBox::setChecked);
    connect(m_weight, &DiagnosticsChart::logScaleToggled, m_logScale, &QCheckBox::setChecked);
    updateNote(nullptr);
}

QList<ChartWidget *> DiagnosticsPanel::charts() const { return {m_gradient, m_dead, m_weight}; }

void DiagnosticsPanel::reset(const NetworkSpec &spec, int plannedEpochs)
{
    for (DiagnosticsChart *c : {m_dead, m_gradient, m_weight})
        c->reset(spec, plannedEpochs);
    updateNote(nullptr);
}

void DiagnosticsPanel::addEpoch(const EpochMetrics &metrics)
{
    for (DiagnosticsChart *c : {m_dead, m_gradient, m_weight})
        c->addEpoch(metrics);
    updateNote(&metrics);
}

void DiagnosticsPanel::showRecord(const RunRecord &record)
{
    for (DiagnosticsChart *c : {m_dead, m_gradient, m_weight})
        c->showRecord(record);
    updateNote(record.epochs.isEmpty() ? nullptr : &record.epochs.last());
    if (!record.epochs.isEmpty() && record.epochs.last().layers.isEmpty())
        m_note->setText(tr("This run recorded no per-layer diagnostics (they were switched off, or the record predates them)."));
}

void DiagnosticsPanel::updateNote(const EpochMetrics *last)
{
    QString text = tr("<b>Gradient norm</b>: L2 norm of each layer's weight gradient, mean over the epoch. "
                      "With sigmoid, the first layer's sits below the last one's: vanishing gradients "
                      "(σ′ ≤ 0.25 per layer).<br><b>Dead ReLU</b>: units never active on a fixed probe batch; "
                      "they no longer learn.<br><b>Weight norm</b>: L2 norm of the weights at the end of the epoch.");
    if (last && last->layers.size() >= 2) {
        const LayerDiagnostics &first = last->layers.first();
        const LayerDiagnostics &final = last->layers.last();
        if (first.gradientNorm > 0 && final.gradientNorm > 0) {
            const double ratio = final.gradientNorm / first.gradientNorm;
            text += tr("<br><br>Epoch %1: the last layer's gradient is %2× the first layer's.")
                        .arg(last->epoch).arg(QLocale().toString(ratio, 'g', 3));
        }
    }
    m_note->setText(text);
}

} // namespace lab
