#pragma once

#include <QString>

#include <functional>

#include "core/model/modelfile.h"
#include "core/train/trainhistory.h"

#include <memory>
#include <utility>

namespace lab {
class Dataset;
struct ImageSet;
struct NetworkSpec;
struct Normalization;
}

/**
 * Test data for every test executable: the real MNIST folder for end-to-end tests, and
 * small synthetic idx sets that unit tests write themselves.
 */
namespace TestData {

/**
 * The real MNIST folder: $MNIST_LAB_TEST_DATA, else the build's MNIST_LAB_TEST_DATA
 * (../shared/data/mnist beside the source tree), else the user's data folder (filled by
 * `mnist-lab-cli download` when it is missing). Returns an empty string when none is
 * complete; use the MNIST_FOLDER_OR_SKIP macro, which fails in CI and skips visibly elsewhere.
 */
QString realMnistFolder();

/** Why realMnistFolder() came back empty (the places it looked). */
QString missingMnistMessage();

/** True when running in CI (CI=true): missing data must fail, never skip. */
bool inCi();

/**
 * Writes a learnable synthetic MNIST-format set into `folder` (the four files, raw or
 * gzip): class k is a bright bar at a class-specific place, with seeded noise.
 */
void writeSyntheticMnist(const QString &folder, int trainCount, int testCount,
                         bool gzip = true, unsigned seed = 7);

/** writeSyntheticMnist into `folder`, then the data set loaded from it (not cached). */
std::shared_ptr<const lab::Dataset> syntheticDataset(const QString &folder, int trainCount, int testCount);

/**
 * Trains `spec` for one short epoch on `data` (batches of 20, `batches` of them, one
 * thread): a real trained model in well under a second, for tests of what reads models.
 */
std::pair<lab::ModelFile, lab::TrainHistory> trainBriefly(const lab::NetworkSpec &spec,
                                                          std::shared_ptr<const lab::Dataset> data, int batches);

/** The message of the LabError `f` throws, empty when it throws none. */
QString errorOf(const std::function<void()> &f);

/** Mean and standard deviation of all of `set`'s pixels once normalised with `norm`. */
struct Moments { double mean = 0; double std = 0; };
Moments normalizedMoments(const lab::ImageSet &set, const lab::Normalization &norm);

} // namespace TestData

#define MNIST_FOLDER_OR_SKIP(var)                                                   \
    const QString var = TestData::realMnistFolder();                                \
    if (var.isEmpty()) {                                                            \
        if (TestData::inCi())                                                       \
            QFAIL(qPrintable(TestData::missingMnistMessage()));                     \
        QSKIP(qPrintable(QStringLiteral("skipped: no MNIST (") + TestData::missingMnistMessage() + u')')); \
    }
