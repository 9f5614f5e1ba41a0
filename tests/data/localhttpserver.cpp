#include "localhttpserver.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

LocalHttpServer::LocalHttpServer(QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this))
{
    connect(m_server, &QTcpServer::newConnection, this, &LocalHttpServer::onNewConnection);
}

bool LocalHttpServer::listen()
{
    return m_server->listen(QHostAddress::LocalHost, 0);
}

quint16 LocalHttpServer::port() const
{
    return m_server->serverPort();
}

QString LocalHttpServer::baseUrl(const QString &prefix) const
{
    return QStringLiteral("http://127.0.0.1:%1/%2/").arg(port()).arg(prefix);
}

void LocalHttpServer::setRoute(const QString &path, const Response &response)
{
    m_routes.insert(path, response);
}

void LocalHttpServer::serveFolder(const QString &prefix, const QString &folder)
{
    const QDir dir(folder);
    for (const QString &name : dir.entryList(QDir::Files)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        Response response;
        response.body = file.readAll();
        setRoute(u'/' + prefix + u'/' + name, response);
    }
}

void LocalHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
    }
}

void LocalHttpServer::onReadyRead(QTcpSocket *socket)
{
    // Wait for the whole header block; the client sends no body with GET.
    QByteArray request = socket->property("request").toByteArray() + socket->readAll();
    socket->setProperty("request", request);
    if (!request.contains("\r\n\r\n") || socket->property("answered").toBool())
        return;
    socket->setProperty("answered", true);

    const QList<QByteArray> requestLine = request.left(request.indexOf("\r\n")).split(' ');
    const QString path = requestLine.size() >= 2 ? QString::fromLatin1(requestLine.at(1)) : QString();
    m_requests << path;

    const auto it = m_routes.constFind(path);
    Response response;
    if (it != m_routes.constEnd()) {
        response = *it;
    } else {
        response.status = 404;
        response.body = "not found\n";
    }
    if (response.stall)
        return;

    QByteArray reason = "OK";
    if (response.status == 404)
        reason = "Not Found";
    else if (response.status == 302)
        reason = "Found";
    else if (response.status >= 500)
        reason = "Server Error";
    QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reason + "\r\n"
        + "Content-Type: application/octet-stream\r\n"
        + "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n"
        + "Connection: close\r\n";
    if (!response.location.isEmpty())
        head += "Location: " + response.location + "\r\n";
    socket->write(head + "\r\n"
                  + (response.truncateAt >= 0 ? response.body.left(response.truncateAt) : response.body));
    socket->disconnectFromHost();
}
