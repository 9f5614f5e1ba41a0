#pragma once

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
};

/** One split of a digit data set, ready for training. */
struct ImageSet
{
    int count = 0;
    int rows = 28;
    int cols = 28;
    std::vector<std::uint8_t> raw;     ///< count*rows*cols pixels as stored (0 = background)
    std::vector<float> pixels;         ///< the same, scaled to [0,1] and z-scored
    std::vector<std::int64_t> labels;  ///< count labels in 0..9

    int pixelsPerImage() const { return rows * cols; }
};

/**
 * Train and test splits of an MNIST-format data set (MNIST, Fashion-MNIST, or a
 * personal set), normalised with the training split's mean and std. Loading is cached
 * per folder so the GUI, sweeps and tests share one copy.
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
    /** Builds a data set from raw splits: computes the norm from `train`, fills `pixels`. */
    static std::shared_ptr<Dataset> fromRaw(ImageSet train, ImageSet test);
    /** Applies `norm` to `set.raw`, filling `set.pixels`. */
    static void normalize(ImageSet &set, Normalization norm);
    /** True when `folder` holds the four files (raw or .gz). */
    static bool looksComplete(const QString &folder);
    /** The path of one of the four files in `folder` (".gz" preferred), or empty. */
    static QString findFile(const QString &folder, const QString &stem);
};

} // namespace lab
