#pragma once

#include "core/data/dataset.h"

#include <QDialog>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QListWidget;
QT_END_NAMESPACE

namespace lab {

class DigitPreview;
class Predictor;

/**
 * The test images of one confusion-matrix cell (true label i, predicted j), most confident
 * first, each with the model's probability for j and its top alternatives; the tooltip
 * lists all ten probabilities. With the run's saved model, the selected image is shown
 * large with its saliency (Predictor::explain) for the predicted or the true digit: which
 * strokes made the model say j, and which spoke for i.
 */
class ConfusionGalleryDialog : public QDialog
{
    Q_OBJECT

public:
    /**
     * `probabilities` holds test.count × 10 softmax values in test-set order. `modelPath`:
     * the run's model file for the saliency view (empty or missing: the view says why not).
     */
    ConfusionGalleryDialog(std::shared_ptr<const Dataset> data,
                           std::shared_ptr<const std::vector<float>> probabilities,
                           int trueLabel, int predicted, int epoch, const QString &modelPath = QString(),
                           QWidget *parent = nullptr);
    ~ConfusionGalleryDialog() override;

    /** Indices into the test set, in display order. */
    const QVector<int> &indices() const { return m_indices; }
    /** Finds the cell's images, sorted by confidence in `predicted`, descending. */
    static QVector<int> cellIndices(const ImageSet &test, const std::vector<float> &probabilities,
                                    int trueLabel, int predicted);

private:
    QWidget *buildExplainPanel(const QString &modelPath);
    void explainSelected();

    std::shared_ptr<const Dataset> m_data;
    int m_trueLabel = 0;
    int m_predicted = 0;
    QVector<int> m_indices;
    QListWidget *m_list;
    std::unique_ptr<Predictor> m_predictor;   ///< null without a saved model
    DigitPreview *m_explained = nullptr;
    QComboBox *m_explainDigit = nullptr;
    QLabel *m_explainNote = nullptr;
};

} // namespace lab
