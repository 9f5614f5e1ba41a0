#pragma once

#include "core/experiment/runrecord.h"

#include <QList>
#include <QWidget>

namespace lab {

class ChartWidget;

/**
 * Every chart of one stored run, built from its record and model file: loss, accuracy,
 * confusion matrix of the last epoch, test error with the published references, the
 * three per-layer diagnostics and the first-layer weights. Not meant to be shown: it
 * holds the charts for exporting them (`mnist-lab-cli charts`), in the same order and
 * under the same file names as the Train page's "Export all charts".
 */
class RunCharts : public QWidget
{
    Q_OBJECT

public:
    explicit RunCharts(const RunRecord &record, QWidget *parent = nullptr);

    QList<ChartWidget *> charts() const { return m_charts; }

private:
    QList<ChartWidget *> m_charts;
};

} // namespace lab
