#pragma once

#include <QJsonObject>
#include <QString>

namespace lab {

/** What the run ran on: versions, BLAS, threads, CPU. Recorded in every run. */
class EnvironmentInfo
{
public:
    static QString torchVersion();
    /** Path of the BLAS library actually mapped into this process (after torch loads it). */
    static QString blasLibrary();
    /** "OpenBLAS (…path…)" or "reference BLAS (slow: install libopenblas0-openmp)". */
    static QString blasDescription();
    static bool usingReferenceBlas();
    static QString cpuModel();
    static QJsonObject collect(int threads);
};

} // namespace lab
