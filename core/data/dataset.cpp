#include "core/data/dataset.h"

#include "core/common/laberror.h"
#include "core/data/idxfile.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <cmath>
#include <future>
#include <map>

namespace lab {

namespace {

ImageSet splitFrom(const IdxFile &images, const IdxFile &labels, const QString &imagesPath, const QString &labelsPath)
{
    if (images.dims.size() != 3)
        throw LabError(QStringLiteral("%1: %2 dimensions, an images file has 3 (count, rows, cols)")
                           .arg(imagesPath).arg(images.dims.size()));
    if (labels.dims.size() != 1)
        throw LabError(QStringLiteral("%1: %2 dimensions, a labels file has 1 (count)")
                           .arg(labelsPath).arg(labels.dims.size()));
    if (images.count() != labels.count())
        throw LabError(QStringLiteral("%1 has %2 images but %3 has %4 labels: the counts differ")
                           .arg(imagesPath).arg(images.count()).arg(labelsPath).arg(labels.count()));
    if (images.dims[1] != 28 || images.dims[2] != 28)
        throw LabError(QStringLiteral("%1: images are %2×%3, expected 28×28")
                           .arg(imagesPath).arg(images.dims[1]).arg(images.dims[2]));
    ImageSet set;
    set.count = images.count();
    set.rows = images.dims[1];
    set.cols = images.dims[2];
    set.raw = images.bytes;   // shares the inflated buffer: no copy
    set.labels.resize(size_t(set.count));
    const auto *lb = reinterpret_cast<const std::uint8_t *>(labels.bytes.constData());
    for (int i = 0; i < set.count; ++i) {
        if (lb[i] > 9)
            throw LabError(QStringLiteral("%1: label %2 at index %3 is outside 0-9").arg(labelsPath).arg(lb[i]).arg(i));
        set.labels[size_t(i)] = lb[i];
    }
    return set;
}

QString requireFile(const QString &folder, const QString &stem)
{
    const QString path = Dataset::findFile(folder, stem);
    if (path.isEmpty())
        throw LabError(QStringLiteral("%1: missing %2 (or %2.gz); expected the four MNIST idx files there")
                           .arg(QDir::toNativeSeparators(folder), stem));
    return path;
}

} // namespace

QString Dataset::findFile(const QString &folder, const QString &stem)
{
    const QDir dir(folder);
    // MNIST's names use '-', some redistributions (and Debian's Fashion-MNIST) use '.'.
    QString dotted = stem;
    dotted.replace(QStringLiteral("-idx"), QStringLiteral(".idx"));
    for (const QString &name : QStringList{stem + QStringLiteral(".gz"), stem, dotted + QStringLiteral(".gz"), dotted}) {
        if (QFileInfo(dir.filePath(name)).isFile())
            return dir.filePath(name);
    }
    return QString();
}

int Dataset::trainCount(const QString &folder)
{
    const QString labels = findFile(folder, QStringLiteral("train-labels-idx1-ubyte"));
    if (labels.isEmpty())
        return 0;
    try {
        return IdxFile::read(labels).count();
    } catch (const LabError &) {
        return 0;   // a broken file is reported when a run loads it
    }
}

bool Dataset::looksComplete(const QString &folder)
{
    if (folder.isEmpty())
        return false;
    for (const char *stem : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
        if (findFile(folder, QString::fromLatin1(stem)).isEmpty())
            return false;
    }
    return true;
}

ImageSet Dataset::loadSplit(const QString &imagesPath, const QString &labelsPath)
{
    // Images and labels inflate in parallel: the images file is most of the load time.
    auto images = std::async(std::launch::async, [&] { return IdxFile::read(imagesPath); });
    const IdxFile labels = IdxFile::read(labelsPath);
    return splitFrom(images.get(), labels, imagesPath, labelsPath);
}

void Dataset::normalizeImages(const ImageSet &set, const std::int64_t *indices, std::int64_t n, Normalization norm,
                              float *out)
{
    const int size = set.pixelsPerImage();
    for (std::int64_t i = 0; i < n; ++i) {
        const std::uint8_t *src = set.image(indices[i]);
        float *dst = out + i * size;
        for (int p = 0; p < size; ++p)
            dst[p] = norm.apply(src[p]);
    }
}

void Dataset::normalizeRange(const ImageSet &set, std::int64_t first, std::int64_t n, Normalization norm, float *out)
{
    const std::uint8_t *src = set.image(first);
    const std::int64_t total = n * set.pixelsPerImage();
    for (std::int64_t p = 0; p < total; ++p)
        out[p] = norm.apply(src[p]);
}

std::shared_ptr<Dataset> Dataset::fromRaw(ImageSet train, ImageSet test)
{
    auto data = std::make_shared<Dataset>();
    data->train = std::move(train);
    data->test = std::move(test);
    // Mean and (unbiased) std of the training pixels scaled to [0,1], as the blog does.
    // Four interleaved histograms: MNIST is mostly 0s, and incrementing one counter over
    // and over waits on its own previous store (measured ~4x slower on 47 M pixels).
    std::uint64_t partial[4][256] = {};
    const std::uint8_t *pixels = data->train.image(0);
    const qsizetype total = data->train.raw.size();
    qsizetype i = 0;
    for (; i + 4 <= total; i += 4) {
        ++partial[0][pixels[i]];
        ++partial[1][pixels[i + 1]];
        ++partial[2][pixels[i + 2]];
        ++partial[3][pixels[i + 3]];
    }
    for (; i < total; ++i)
        ++partial[0][pixels[i]];
    std::uint64_t histogram[256];
    for (int v = 0; v < 256; ++v)
        histogram[v] = partial[0][v] + partial[1][v] + partial[2][v] + partial[3][v];
    const double n = double(data->train.raw.size());
    double sum = 0, sumSq = 0;
    for (int v = 0; v < 256; ++v) {
        const double x = v / 255.0;
        sum += histogram[v] * x;
        sumSq += histogram[v] * x * x;
    }
    const double mean = n > 0 ? sum / n : 0.0;
    const double var = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 1.0;
    data->norm.mean = float(mean);
    data->norm.std = float(var > 1e-12 ? std::sqrt(var) : 1.0);
    return data;
}

std::shared_ptr<Dataset> Dataset::loadUncached(const QString &folder)
{
    QElapsedTimer timer;
    timer.start();
    if (!QFileInfo(folder).isDir())
        throw LabError(QStringLiteral("%1: data folder not found; run `mnist-lab-cli download` or pass --data DIR")
                           .arg(QDir::toNativeSeparators(folder)));
    const QString trainImages = requireFile(folder, QStringLiteral("train-images-idx3-ubyte"));
    const QString trainLabels = requireFile(folder, QStringLiteral("train-labels-idx1-ubyte"));
    const QString testImages = requireFile(folder, QStringLiteral("t10k-images-idx3-ubyte"));
    const QString testLabels = requireFile(folder, QStringLiteral("t10k-labels-idx1-ubyte"));
    auto test = std::async(std::launch::async, [&] { return loadSplit(testImages, testLabels); });
    ImageSet train = loadSplit(trainImages, trainLabels);
    auto data = fromRaw(std::move(train), test.get());
    data->folder = QDir(folder).absolutePath();
    data->loadSeconds = timer.nsecsElapsed() / 1e9;
    return data;
}

std::shared_ptr<const Dataset> Dataset::load(const QString &folder)
{
    static QMutex mutex;
    static std::map<QString, std::weak_ptr<const Dataset>> cache;
    const QString key = QFileInfo(folder).absoluteFilePath();
    {
        QMutexLocker lock(&mutex);
        if (auto hit = cache[key].lock())
            return hit;
    }
    std::shared_ptr<const Dataset> data = loadUncached(folder);
    QMutexLocker lock(&mutex);
    cache[key] = data;
    return data;
}

} // namespace lab
