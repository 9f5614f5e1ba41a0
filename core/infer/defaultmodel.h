#pragma once

#include "core/model/modelfile.h"

#include <QString>

namespace lab {

/**
 * The model bundled with the application (resources/models/default.mnlm, compiled into
 * labcore as a Qt resource), so the canvas and `mnist-lab-cli predict` work before the
 * user has trained anything. See resources/models/README.md for how it is rebuilt.
 */
class DefaultModel
{
public:
    /** The resource path of the bundled model file. */
    static QString resourcePath();
    /** True when the build bundled a model. */
    static bool isAvailable();
    /** The name shown for it in pickers and messages. */
    static QString displayName();
    /** Reads and checks the bundled model. Throws LabError when it is missing or damaged. */
    static ModelFile load();
};

} // namespace lab
