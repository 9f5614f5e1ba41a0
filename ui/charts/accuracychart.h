#pragma once

#include "ui/charts/epochcurves.h"
#include "ui/charts/xychartwidget.h"
#include "core/experiment/runrecord.h"
#include "core/train/epochmetrics.h"

namespace lab {

/** Train, test (and validation) accuracy per epoch, in percent; the y axis follows the data up to 100. */
class AccuracyChart : public XyChartWidget
{
    Q_OBJECT

public:
    explicit AccuracyChart(QWidget *parent = nullptr);

    void reset(int plannedEpochs);
    void addEpoch(const EpochMetrics &metrics);
    void showRecord(const RunRecord &record);

    static QString trainName() { return tr("train accuracy"); }
    static QString testName() { return tr("test accuracy"); }

protected:
    void refresh() override;

private:
    int m_plannedEpochs = 1;
    EpochCurves m_curves;
};

} // namespace lab
