#include "core/eval/confusionmatrix.h"

namespace lab {

qint64 ConfusionMatrix::total() const
{
    qint64 sum = 0;
    for (qint64 c : m_counts)
        sum += c;
    return sum;
}

qint64 ConfusionMatrix::rowTotal(int trueLabel) const
{
    qint64 sum = 0;
    for (int j = 0; j < classes; ++j)
        sum += at(trueLabel, j);
    return sum;
}

qint64 ConfusionMatrix::columnTotal(int predicted) const
{
    qint64 sum = 0;
    for (int i = 0; i < classes; ++i)
        sum += at(i, predicted);
    return sum;
}

double ConfusionMatrix::accuracy() const
{
    const qint64 n = total();
    qint64 correct = 0;
    for (int i = 0; i < classes; ++i)
        correct += at(i, i);
    return n ? double(correct) / double(n) : 0.0;
}

double ConfusionMatrix::recall(int label) const
{
    const qint64 n = rowTotal(label);
    return n ? double(at(label, label)) / double(n) : 0.0;
}

double ConfusionMatrix::precision(int label) const
{
    const qint64 n = columnTotal(label);
    return n ? double(at(label, label)) / double(n) : 0.0;
}

QJsonArray ConfusionMatrix::toJson() const
{
    QJsonArray rows;
    for (int i = 0; i < classes; ++i) {
        QJsonArray row;
        for (int j = 0; j < classes; ++j)
            row.append(at(i, j));
        rows.append(row);
    }
    return rows;
}

ConfusionMatrix ConfusionMatrix::fromJson(const QJsonArray &rows)
{
    ConfusionMatrix m;
    for (int i = 0; i < classes && i < rows.size(); ++i) {
        const QJsonArray row = rows[i].toArray();
        for (int j = 0; j < classes && j < row.size(); ++j)
            m.m_counts[i * classes + j] = row[j].toInteger();
    }
    return m;
}

} // namespace lab
