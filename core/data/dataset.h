#pragma once

#include <QByteArray>
#include <QString>
#include <cstdint>
#include <memory>
#include <vector>

namespace lab {

/** The z-score applied to pixels scaled to [0,1]: x' = (x - mean) / std. */
struct Normalization
{
    float mean = 0.1307f;
    float std = 0.3081f;

    /** One pixel byte (0-255) scaled to [0,1] and z-scored: the one formula everyone uses. */
    float apply(std::uint8_t byte) const { return float(byte) * (1.0f / (255.0f * std)) - mean / std; }
};

/**
 * One split of a digit data set: the pixel bytes as stored, and the labels. The bytes are
 * the inflated file's own buffer (no copy), and float pixels are made only for the images
 * in use — a batch, an evaluation chunk — by Dataset::normalizeImages: the whole split as
 * floats would be 188 MB for MNIST's training set, and on a laptop (or this VM) merely
 * touching that much fresh memory costs more than reading and inflating the files.
 */
struct ImageSet
{
    int count = 0;
    int rows = 28;
    int cols = 28;
    QByteArray raw;                    ///< count*rows*cols pixel bytes (0 = background)
    std::vector<std::int64_t> labels;  ///< count labels in 0..9

    int pixelsPerImage() const { return rows * cols; }
    /** The bytes of image `index` (pixelsPerImage() of them). */
    const std::uint8_t *image(qsizetype index) const
    {
        return reinterpret_cast<const std::uint8_t *>(raw.constData()) + index * pixelsPerImage();
    }
};

/**
 * Train and test splits of an MNIST-format data set (MNIST, Fashion-MNIST, or a
 * personal set), with the training split's mean and std. Loading is cached per folder so
 * the GUI, sweeps and tests share one copy.
 */
class Dataset
{
public:
    QString folder;
    ImageSet train;
    ImageSet test;
    Normalization norm;
    double loadSeconds = 0;

    /**
     * Loads train-images/labels and t10k-images/labels (raw or .gz) from `folder`,
     * cached. Throws LabError naming the missing or malformed file.
     */
    static std::shared_ptr<const Dataset> load(const QString &folder);
    /** Same, without the cache. */
    static std::shared_ptr<Dataset> loadUncached(const QString &folder);
    /** Loads just one images+labels pair (e.g. a personal test set); both splits get it. */
    static ImageSet loadSplit(const QString &imagesPath, const QString &labelsPath);
    /** Builds a data set from raw splits: computes the norm from `train`'s pixels. */
    static std::shared_ptr<Dataset> fromRaw(ImageSet train, ImageSet test);
    /**
     * Writes images indices[0..n) of `set` to `out` (n × pixelsPerImage floats), scaled
     * to [0,1] and z-scored with `norm`. Indices are trusted: callers draw them from 0..count-1.
     */
    static void normalizeImages(const ImageSet &set, const std::int64_t *indices, std::int64_t n,
                                Normalization norm, float *out);
    /** Same for the consecutive images first..first+n-1. */
    static void normalizeRange(const ImageSet &set, std::int64_t first, std::int64_t n, Normalization norm, float *out);
    /** True when `folder` holds the four files (raw or .gz). */
    static bool looksComplete(const QString &folder);
    /** The path of one of the four files in `folder` (".gz" preferred), or empty. */
    static QString findFile(const QString &folder, const QString &stem);
    /** How many training images `folder` holds (read from the small labels file), 0 if unknown. */
    static int trainCount(const QString &folder);
};

} // namespace lab
