#pragma once

#include <QString>
#include <QWidget>

#include <array>

namespace lab {

/**
 * The ten class probabilities of one model as a bar chart, with the top guess written
 * large above it. Shows a hint instead when there is nothing to predict, and an error
 * message when the model failed. Painted by hand: cheap enough to redraw at 20 Hz.
 */
class ProbabilityBars : public QWidget
{
    Q_OBJECT

public:
    explicit ProbabilityBars(QWidget *parent = nullptr);

    void setProbabilities(const std::array<float, 10> &probabilities);
    /** No prediction: an empty canvas ("no ink") or no model yet; `hint` says which. */
    void clearProbabilities(const QString &hint);
    void setError(const QString &message);

    bool hasProbabilities() const { return m_valid; }
    const std::array<float, 10> &probabilities() const { return m_probabilities; }
    /** The most probable digit, or -1 when there is no prediction. */
    int topGuess() const;

    QSize sizeHint() const override { return QSize(260, 220); }
    QSize minimumSizeHint() const override { return QSize(180, 130); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::array<float, 10> m_probabilities{};
    bool m_valid = false;
    QString m_hint;
    bool m_isError = false;
};

} // namespace lab
