#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QTcpSocket;
QT_END_NAMESPACE

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 for download tests: GET only, one request per
 * connection, canned responses per path (files, errors, redirects, or silence), and a log
 * of every path asked for. Runs in the test's own event loop, so no Python or network.
 */
class LocalHttpServer : public QObject
{
    Q_OBJECT

public:
    struct Response
    {
        int status = 200;
        QByteArray body;
        QByteArray location;   ///< sent as Location: for redirects
        bool stall = false;    ///< accept the request and never answer
        int truncateAt = -1;   ///< declare the whole body but close after this many bytes
    };

    explicit LocalHttpServer(QObject *parent = nullptr);

    /** Listens on a free port of 127.0.0.1. */
    bool listen();
    quint16 port() const;
    /** "http://127.0.0.1:<port>/<prefix>/" */
    QString baseUrl(const QString &prefix) const;

    /** Unknown paths get 404. */
    void setRoute(const QString &path, const Response &response);
    /** Serves every file of `folder` as /<prefix>/<file name>. */
    void serveFolder(const QString &prefix, const QString &folder);

    /** Paths requested so far, in order. */
    QStringList requests() const { return m_requests; }
    void clearRequests() { m_requests.clear(); }

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);

    QTcpServer *m_server = nullptr;
    QHash<QString, Response> m_routes;
    QStringList m_requests;
};
