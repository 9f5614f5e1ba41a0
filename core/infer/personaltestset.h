#pragma once

#include "core/data/dataset.h"

#include <QString>
#include <cstdint>
#include <vector>

namespace lab {

/**
 * The user's own test set, grown one drawing at a time on the canvas: two idx files
 * (t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte — MNIST's test-split names, so any tool
 * that reads a test split reads it) in DataLocator::personalSetFolder(). Every append
 * rewrites both files atomically.
 */
class PersonalTestSet
{
public:
    /** `folder` empty = DataLocator::personalSetFolder(). */
    explicit PersonalTestSet(const QString &folder = QString());

    QString folder() const { return m_folder; }
    QString imagesPath() const;
    QString labelsPath() const;

    /** Number of saved drawings (0 when nothing was saved yet). Throws LabError on damaged files. */
    int count() const;
    /**
     * Appends one 28×28 drawing (784 bytes, 0 = background, 255 = full ink, MNIST
     * layout) with its true label 0..9. Throws LabError naming the file on failure.
     */
    void append(const std::vector<std::uint8_t> &pixels, int label) const;
    /** Same, from 784 values in [0,1] (as DigitPreprocessor produces). */
    void append(const std::vector<float> &pixels01, int label) const;
    /** Loads the set (empty ImageSet when nothing was saved yet). Throws LabError. */
    ImageSet load() const;

private:
    QString m_folder;
};

} // namespace lab
