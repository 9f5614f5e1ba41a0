#pragma once

#include <QString>

namespace lab {

/**
 * A hook for fault tests: every save step (each atomic file write just before its rename,
 * each removal of a run file) calls saveStep(). Steps are numbered from 1 in the process.
 *
 * - MNIST_LAB_FAULT=<n>:kill   the process SIGKILLs itself at step n (the temporary file
 *                              is complete and not yet renamed: the worst moment)
 * - MNIST_LAB_FAULT=<n>:fail   step n fails as a full disk would (ENOSPC)
 * - MNIST_LAB_FAULT_LOG=<file> appends "<n> <step>" for every step, so a test can count them
 *
 * Without these variables it costs one relaxed atomic increment per save.
 */
class FaultInjection
{
public:
    /** Returns 0, or the errno to fail this step with; may not return at all (kill). */
    static int saveStep(const QString &what);
};

} // namespace lab
