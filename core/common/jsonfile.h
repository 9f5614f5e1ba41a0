#pragma once

#include <QJsonObject>
#include <QString>

namespace lab {

/**
 * Reading the lab's JSON files (run records, sweeps, network specs): open, read, parse and
 * insist on an object at the top, with one set of error messages that name the file, what
 * it was meant to be and, for broken JSON, the parser's complaint and its byte offset.
 */
class JsonFile
{
public:
    /**
     * The top-level object of the JSON file at `path`. `what` names the kind of file in
     * errors ("sweep file", "run record"). Throws LabError when the file cannot be opened,
     * is not valid JSON or holds something other than an object.
     */
    static QJsonObject readObject(const QString &path, const QString &what);
};

} // namespace lab
