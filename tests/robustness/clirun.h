#pragma once

// The real mnist-lab-cli for robustness tests (MNIST_LAB_CLI is its path): started with
// arguments and environment, its --json lines awaited one by one, signalled, finished.

#include "testdata.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <csignal>
#include <sys/types.h>

/** A CLI process whose --json lines can be awaited one by one. */
class CliRun
{
public:
    explicit CliRun(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(env);
        m_process.setProgram(program());
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start();
    }
    ~CliRun()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    /** The mnist-lab-cli this test was built with. */
    static QString program() { return QStringLiteral(MNIST_LAB_CLI); }

    /**
     * Why the CLI tests cannot start (the CLI is not built, `dir` is unusable), else empty
     * after writing a synthetic set of `train`/`test` images into `dir`/data for the CLI.
     */
    static QString prepareData(const QTemporaryDir &dir, int train, int test)
    {
        if (!QFileInfo(program()).isExecutable())
            return program() + QStringLiteral(" is not built");
        if (!dir.isValid())
            return QStringLiteral("no temporary folder");
        TestData::writeSyntheticMnist(dataFolder(dir), train, test);
        return QString();
    }
    static QString dataFolder(const QTemporaryDir &dir) { return dir.filePath(QStringLiteral("data")); }

    bool started() { return m_process.waitForStarted(10000); }

    /** Waits for the next JSON line whose "event" is `event`; returns it, or an empty object. */
    QJsonObject waitFor(const QString &event, int timeoutMs = 120000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            while (m_process.canReadLine()) {
                const QJsonObject line = QJsonDocument::fromJson(m_process.readLine()).object();
                if (line.value(QStringLiteral("event")).toString() == event)
                    return line;
            }
            if (m_process.state() == QProcess::NotRunning)
                return QJsonObject();
            m_process.waitForReadyRead(200);
        }
        return QJsonObject();
    }

    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    bool finish(int timeoutMs) { return m_process.waitForFinished(timeoutMs); }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    QString stderrText() { return QString::fromLocal8Bit(m_process.readAllStandardError()); }
    QByteArray stdoutBytes() { return m_process.readAllStandardOutput(); }

private:
    QProcess m_process;
};

