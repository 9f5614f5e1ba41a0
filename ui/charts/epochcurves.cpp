#include "ui/charts/epochcurves.h"

#include "core/experiment/runrecord.h"

#include <QLineSeries>

namespace lab {

void EpochCurves::setSeries(QLineSeries *train, QLineSeries *test, QLineSeries *validation)
{
    m_trainSeries = train;
    m_testSeries = test;
    m_validationSeries = validation;
}

void EpochCurves::clear()
{
    m_train.clear();
    m_test.clear();
    m_validation.clear();
}

void EpochCurves::append(int epoch, double train, double test, bool hasValidation, double validation)
{
    m_train.append(QPointF(epoch, train));
    m_test.append(QPointF(epoch, test));
    if (hasValidation)
        m_validation.append(QPointF(epoch, validation));
}

void EpochCurves::push()
{
    m_trainSeries->replace(QList<QPointF>(m_train.cbegin(), m_train.cend()));
    m_testSeries->replace(QList<QPointF>(m_test.cbegin(), m_test.cend()));
    m_validationSeries->replace(QList<QPointF>(m_validation.cbegin(), m_validation.cend()));
    m_validationSeries->setVisible(!m_validation.isEmpty());
}

int EpochCurves::plannedEpochs(const RunRecord &record)
{
    return qMax(record.config.epochs, record.completedEpochs());
}

} // namespace lab
