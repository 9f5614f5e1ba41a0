#include "data/dataset.h"

#include "common/laberror.h"
#include "data/idxfile.h"

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
    const auto *px = reinterpret_cast<const std::uint8_t *>(images.bytes.constData());
    set.raw.assign(px, px + images.bytes.size());
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

void Dataset::normalize(ImageSet &set, Normalization norm)
{
    set.pixels.resize(set.raw.size());
    // One multiply-add per pixel: (raw/255 - mean)/std == raw*a + b.
    const float a = 1.0f / (255.0f * norm.std);
    const float b = -norm.mean / norm.std;
    const std::uint8_t *src = set.raw.data();
    float *dst = set.pixels.data();
    auto convert = [=](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i)
            dst[i] = float(src[i]) * a + b;
    };
    // Two halves at once: writing 188 MB of fresh floats is bound by page faults and memory,
    // and the second core is otherwise idle while loading. Same values either way.
    const size_t n = set.raw.size();
    auto firstHalf = std::async(std::launch::async, convert, size_t(0), n / 2);
    convert(n / 2, n);
    firstHalf.get();
}

std::shared_ptr<Dataset> Dataset::fromRaw(ImageSet train, ImageSet test)
{
    auto data = std::make_shared<Dataset>();
    data->train = std::move(train);
    data->test = std::move(test);
    // Mean and (unbiased) std of the training pixels scaled to [0,1], as the blog does.
    std::uint64_t histogram[256] = {};
    for (std::uint8_t v : data->train.raw)
        ++histogram[v];
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
    normalize(data->train, data->norm);
    normalize(data->test, data->norm);
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
