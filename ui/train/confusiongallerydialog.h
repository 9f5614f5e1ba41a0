#pragma once

#include "core/data/dataset.h"

#include <QDialog>

#include <memory>
#include <vector>

QT_BEGIN_NAMESPACE
class QListWidget;
QT_END_NAMESPACE

namespace lab {

/**
 * The test images of one confusion-matrix cell (true label i, predicted j), most confident
 * first, each with the model's probability for j and its top alternatives; the tooltip
 * lists all ten probabilities.
 */
class ConfusionGalleryDialog : public QDialog
{
    Q_OBJECT

public:
    /** `probabilities` holds test.count × 10 softmax values in test-set order. */
    ConfusionGalleryDialog(std::shared_ptr<const Dataset> data,
                           std::shared_ptr<const std::vector<float>> probabilities,
                           int trueLabel, int predicted, int epoch, QWidget *parent = nullptr);

    /** Indices into the test set, in display order. */
    const QVector<int> &indices() const { return m_indices; }
    /** Finds the cell's images, sorted by confidence in `predicted`, descending. */
    static QVector<int> cellIndices(const ImageSet &test, const std::vector<float> &probabilities,
                                    int trueLabel, int predicted);

private:
    QVector<int> m_indices;
    QListWidget *m_list;
};

} // namespace lab
