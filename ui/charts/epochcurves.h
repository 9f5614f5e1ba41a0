#pragma once

#include <QPointF>
#include <QVector>

QT_BEGIN_NAMESPACE
class QLineSeries;
QT_END_NAMESPACE

namespace lab {

struct RunRecord;

/**
 * The per-epoch train / test / validation curves that the loss, accuracy and test-error
 * charts draw: three point buffers and the series they are pushed into. The validation
 * series is hidden while a run has no validation points (most runs hold none out).
 */
class EpochCurves
{
public:
    /** The series to draw into; they belong to the chart, which created them in its legend order. */
    void setSeries(QLineSeries *train, QLineSeries *test, QLineSeries *validation);

    void clear();
    /** Buffers one epoch's values; `validation` only when `hasValidation`. */
    void append(int epoch, double train, double test, bool hasValidation, double validation);
    /** Pushes the buffers into the series, one replace() each. */
    void push();
    /** Calls `f(point)` for every buffered point: train, then test, then validation. */
    template <class F>
    void forEachPoint(F f) const
    {
        for (const QVector<QPointF> *v : {&m_train, &m_test, &m_validation})
            for (const QPointF &p : *v)
                f(p);
    }

    /** The epochs a chart spans for a saved run: the planned ones, or more if it ran more. */
    static int plannedEpochs(const RunRecord &record);

private:
    QVector<QPointF> m_train;
    QVector<QPointF> m_test;
    QVector<QPointF> m_validation;
    QLineSeries *m_trainSeries = nullptr;
    QLineSeries *m_testSeries = nullptr;
    QLineSeries *m_validationSeries = nullptr;
};

} // namespace lab
