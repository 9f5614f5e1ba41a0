#pragma once

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

/** What a finished child process left: its exit code (-1 if it crashed or timed out) and output. */
struct ProcessResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

/**
 * Runs `program` with `args` the way the tests drive the lab's executables (the CLI, python3,
 * GNU parallel, bash): waits up to `timeoutMs`, kills it after that.
 */
ProcessResult runProcess(const QString &program, const QStringList &args,
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
                         int timeoutMs = 300000);
