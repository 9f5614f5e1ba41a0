#include "testdata.h"

#include "core/data/datalocator.h"
#include "core/data/dataset.h"
#include "core/data/idxfile.h"
#include "core/common/laberror.h"
#include "core/model/networkspec.h"
#include "core/train/trainer.h"

#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <cmath>
#include <random>

namespace TestData {

static QStringList candidateFolders()
{
    QStringList folders;
    const QString fromEnv = qEnvironmentVariable("MNIST_LAB_TEST_DATA");
    if (!fromEnv.isEmpty())
        folders << fromEnv;
    folders << QStringLiteral(MNIST_LAB_TEST_DATA);
    // Where `mnist-lab-cli download` (run by the fetch_mnist fixture) puts the files:
    // $MNIST_LAB_DATA, else the user's real data folder, even in a test that switched
    // QStandardPaths to test mode (that would point at ~/.qttest, which nothing fills).
    const bool testMode = QStandardPaths::isTestModeEnabled();
    QStandardPaths::setTestModeEnabled(false);
    folders << lab::DataLocator::dataFolder() << lab::DataLocator::userDataFolder();
    QStandardPaths::setTestModeEnabled(testMode);
    folders.removeDuplicates();
    return folders;
}

QString realMnistFolder()
{
    for (const QString &folder : candidateFolders()) {
        if (lab::Dataset::looksComplete(folder))
            return QDir(folder).absolutePath();
    }
    return QString();
}

QString missingMnistMessage()
{
    return QStringLiteral("the MNIST idx files were not found in any of: %1; "
                          "the fetch_mnist test runs `mnist-lab-cli download` when they are missing; "
                          "or set MNIST_LAB_TEST_DATA")
        .arg(candidateFolders().join(QStringLiteral(", ")));
}

bool inCi()
{
    return qEnvironmentVariable("CI").compare(QStringLiteral("true"), Qt::CaseInsensitive) == 0;
}

void writeSyntheticMnist(const QString &folder, int trainCount, int testCount, bool gzip, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(0, 40);
    auto makeSplit = [&](const QString &prefix, int count) {
        lab::IdxFile images;
        images.dims = {count, 28, 28};
        images.bytes = QByteArray(qsizetype(count) * 784, '\0');
        lab::IdxFile labels;
        labels.dims = {count};
        labels.bytes = QByteArray(count, '\0');
        for (int i = 0; i < count; ++i) {
            const int label = i % 10;
            labels.bytes[i] = char(label);
            uchar *img = reinterpret_cast<uchar *>(images.bytes.data()) + qsizetype(i) * 784;
            for (int p = 0; p < 784; ++p)
                img[p] = uchar(noise(rng));
            // A 4-pixel-wide vertical bar whose column depends on the class.
            const int x0 = 2 + label * 2;
            for (int y = 4; y < 24; ++y)
                for (int x = x0; x < x0 + 4; ++x)
                    img[y * 28 + x] = uchar(200 + noise(rng));
        }
        const QString ext = gzip ? QStringLiteral(".gz") : QString();
        images.write(folder + u'/' + prefix + QStringLiteral("-images-idx3-ubyte") + ext);
        labels.write(folder + u'/' + prefix + QStringLiteral("-labels-idx1-ubyte") + ext);
    };
    QDir().mkpath(folder);
    makeSplit(QStringLiteral("train"), trainCount);
    makeSplit(QStringLiteral("t10k"), testCount);
}

std::shared_ptr<const lab::Dataset> syntheticDataset(const QString &folder, int trainCount, int testCount)
{
    writeSyntheticMnist(folder, trainCount, testCount);
    return lab::Dataset::loadUncached(folder);
}

std::pair<lab::ModelFile, lab::TrainHistory> trainBriefly(const lab::NetworkSpec &spec,
                                                          std::shared_ptr<const lab::Dataset> data, int batches)
{
    lab::TrainConfig config;
    config.epochs = 1;
    config.batchSize = 20;
    config.threads = 1;
    config.maxBatchesPerEpoch = batches;
    lab::Trainer trainer(spec, config, std::move(data));
    const lab::TrainHistory history = trainer.run(nullptr, nullptr);
    return {trainer.model(), history};
}

QString errorOf(const std::function<void()> &f)
{
    try {
        f();
    } catch (const lab::LabError &e) {
        return e.message();
    }
    return QString();
}

Moments normalizedMoments(const lab::ImageSet &set, const lab::Normalization &norm)
{
    std::vector<float> pixels(size_t(set.raw.size()));
    lab::Dataset::normalizeRange(set, 0, set.count, norm, pixels.data());
    double sum = 0, sumSq = 0;
    for (float v : pixels) {
        sum += v;
        sumSq += double(v) * v;
    }
    const double n = double(pixels.size());
    return {sum / n, std::sqrt(sumSq / n - (sum / n) * (sum / n))};
}

} // namespace TestData
