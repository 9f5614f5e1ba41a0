#include "core/infer/personaltestset.h"

#include "core/common/laberror.h"
#include "core/data/datalocator.h"
#include "core/data/idxfile.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace lab {

namespace {

constexpr int side = 28;

} // namespace

PersonalTestSet::PersonalTestSet(const QString &folder)
    : m_folder(folder.isEmpty() ? DataLocator::personalSetFolder() : folder)
{
}

QString PersonalTestSet::imagesPath() const
{
    return QDir(m_folder).filePath(QStringLiteral("t10k-images-idx3-ubyte"));
}

QString PersonalTestSet::labelsPath() const
{
    return QDir(m_folder).filePath(QStringLiteral("t10k-labels-idx1-ubyte"));
}

int PersonalTestSet::count() const
{
    if (!QFileInfo::exists(labelsPath()))
        return 0;
    return IdxFile::read(labelsPath()).count();
}

void PersonalTestSet::append(const std::vector<std::uint8_t> &pixels, int label) const
{
    if (pixels.size() != size_t(side) * side)
        throw LabError(QStringLiteral("%1: a drawing must be 28×28 = 784 pixels, got %2")
                           .arg(imagesPath()).arg(pixels.size()));
    if (label < 0 || label > 9)
        throw LabError(QStringLiteral("%1: the true label must be 0..9, got %2").arg(labelsPath()).arg(label));

    IdxFile images;
    IdxFile labels;
    images.dims = {0, side, side};
    labels.dims = {0};
    const bool haveImages = QFileInfo::exists(imagesPath());
    const bool haveLabels = QFileInfo::exists(labelsPath());
    if (haveImages && haveLabels) {
        images = IdxFile::read(imagesPath());
        labels = IdxFile::read(labelsPath());
        if (images.dims.size() != 3 || images.dims[1] != side || images.dims[2] != side)
            throw LabError(QStringLiteral("%1: expected 28×28 images").arg(imagesPath()));
        if (labels.dims.size() != 1)
            throw LabError(QStringLiteral("%1: expected a one-dimensional label file").arg(labelsPath()));
        // The two files are written one after the other; if a crash came in between, keep
        // the drawings both files agree on.
        const int keep = std::min(images.count(), labels.count());
        images.dims[0] = keep;
        images.bytes.truncate(qsizetype(keep) * side * side);
        labels.dims[0] = keep;
        labels.bytes.truncate(keep);
    }

    images.dims[0] += 1;
    images.bytes.append(reinterpret_cast<const char *>(pixels.data()), qsizetype(pixels.size()));
    labels.dims[0] += 1;
    labels.bytes.append(char(label));
    images.write(imagesPath());
    labels.write(labelsPath());
}

void PersonalTestSet::append(const std::vector<float> &pixels01, int label) const
{
    std::vector<std::uint8_t> bytes(pixels01.size());
    std::transform(pixels01.begin(), pixels01.end(), bytes.begin(), [](float v) {
        return std::uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    });
    append(bytes, label);
}

ImageSet PersonalTestSet::load() const
{
    if (!QFileInfo::exists(imagesPath()) && !QFileInfo::exists(labelsPath()))
        return ImageSet();
    return Dataset::loadSplit(imagesPath(), labelsPath());
}

} // namespace lab
