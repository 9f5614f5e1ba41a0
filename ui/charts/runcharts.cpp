#include "ui/charts/runcharts.h"

#include "ui/charts/accuracychart.h"
#include "ui/charts/confusionheatmap.h"
#include "ui/charts/diagnosticschart.h"
#include "ui/charts/firstlayerweightsview.h"
#include "ui/charts/losschart.h"
#include "ui/charts/testerrorchart.h"
#include "core/experiment/runstore.h"

#include <QDir>
#include <QFileInfo>

namespace lab {

RunCharts::RunCharts(const RunRecord &record, QWidget *parent) : QWidget(parent)
{
    auto *loss = new LossChart(this);
    loss->showRecord(record);
    auto *accuracy = new AccuracyChart(this);
    accuracy->showRecord(record);
    auto *heatmap = new ConfusionHeatmap(this);
    if (!record.epochs.isEmpty()) {
        const EpochMetrics &last = record.epochs.last();
        heatmap->setMatrix(last.confusion, ConfusionHeatmap::epochCaption(last.epoch, last.testAccuracy));
    }
    auto *testError = new TestErrorChart(this);
    testError->showRecord(record);
    m_charts << loss << accuracy << heatmap << testError;
    // The diagnostics as the Train page shows them: norms on a log scale.
    for (auto metric : {DiagnosticsChart::Metric::GradientNorm, DiagnosticsChart::Metric::DeadFraction,
                        DiagnosticsChart::Metric::WeightNorm}) {
        auto *chart = new DiagnosticsChart(metric, this);
        chart->setLogScale(metric != DiagnosticsChart::Metric::DeadFraction);
        chart->showRecord(record);
        m_charts << chart;
    }
    auto *weights = new FirstLayerWeightsView(this);
    const QString model = record.folder.isEmpty() ? QString() : RunStore::modelPath(record.folder);
    if (model.isEmpty() || !QFileInfo::exists(model))
        weights->clear(tr("This run has no saved model (%1), so there are no weights to show.")
                           .arg(model.isEmpty() ? tr("no run folder") : QDir::toNativeSeparators(model)));
    else
        weights->loadModel(model, record.id);
    m_charts << weights;
}

} // namespace lab
