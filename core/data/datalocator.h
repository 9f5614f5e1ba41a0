#pragma once

#include <QString>

namespace lab {

/**
 * Where the data and the runs live when the user does not say: an explicit folder
 * first, then the MNIST_LAB_DATA / MNIST_LAB_RUNS environment variables, then the user's
 * data folder (<GenericDataLocation>/mnist-lab, e.g. ~/.local/share/mnist-lab).
 */
class DataLocator
{
public:
    static QString dataFolder(const QString &explicitFolder = QString());
    static QString runsFolder(const QString &explicitFolder = QString());
    /** The user's own data folder: <data root>/mnist. */
    static QString userDataFolder();
    /** The personal test set made on the canvas: <data root>/personal. */
    static QString personalSetFolder();
};

} // namespace lab
