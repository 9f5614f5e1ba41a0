#pragma once

#include <QJsonArray>
#include <array>
#include <QtGlobal>

namespace lab {

/** A 10×10 table of counts: row = true label, column = predicted label. */
class ConfusionMatrix
{
public:
    static constexpr int classes = 10;

    void add(int trueLabel, int predicted, qint64 n = 1) { m_counts[trueLabel * classes + predicted] += n; }
    qint64 at(int trueLabel, int predicted) const { return m_counts[trueLabel * classes + predicted]; }
    qint64 total() const;
    qint64 rowTotal(int trueLabel) const;
    qint64 columnTotal(int predicted) const;
    double accuracy() const;          ///< in [0,1]
    double recall(int label) const;   ///< in [0,1]
    double precision(int label) const;
    bool isEmpty() const { return total() == 0; }

    QJsonArray toJson() const;        ///< ten arrays of ten counts
    static ConfusionMatrix fromJson(const QJsonArray &rows);

    bool operator==(const ConfusionMatrix &o) const { return m_counts == o.m_counts; }

private:
    std::array<qint64, classes * classes> m_counts{};
};

} // namespace lab
