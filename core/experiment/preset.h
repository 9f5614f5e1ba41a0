#pragma once

#include "core/model/networkspec.h"
#include "core/train/trainconfig.h"

#include <QString>
#include <QVector>

namespace lab {

/** A named experiment: a design plus hyperparameters, e.g. each row of the blog's table. */
struct Preset
{
    QString name;            ///< the run's model_type, e.g. "2_HL_NN_v3"
    QString group;           ///< "Blog", "Beyond the blog"
    QString description;     ///< what it shows
    NetworkSpec spec;
    TrainConfig config;
    double referenceTestAccuracy = -1;   ///< the blog's number, -1 if none

    /** The built-in presets (resources/presets/*.json compiled in). */
    static const QVector<Preset> &all();
    /** Throws LabError listing the known names when `name` is unknown. */
    static Preset find(const QString &name);
};

} // namespace lab
