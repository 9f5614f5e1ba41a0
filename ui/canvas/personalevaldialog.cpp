#include "ui/canvas/personalevaldialog.h"

#include "ui/charts/confusionheatmap.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace lab {

PersonalEvalDialog::PersonalEvalDialog(const QVector<PersonalEvalResult> &results, const QString &setFolder,
                                       QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Models on my test set"));
    auto *tabs = new QTabWidget(this);
    for (const PersonalEvalResult &r : results) {
        auto *page = new QWidget(tabs);
        auto *layout = new QVBoxLayout(page);
        auto *summary = new QLabel(page);
        summary->setObjectName(QStringLiteral("evalSummary"));
        summary->setWordWrap(true);
        summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(summary);
        if (!r.error.isEmpty()) {
            summary->setText(tr("Could not evaluate: %1").arg(r.error));
        } else {
            const qint64 correct = qint64(std::llround(r.evaluation.confusion.accuracy() * double(r.images)));
            summary->setText(tr("<b>%1%</b> correct: %2 of %3 drawings").arg(r.evaluation.accuracy, 0, 'f', 1)
                                 .arg(correct).arg(r.images));
            auto *heatmap = new ConfusionHeatmap(page);
            heatmap->setMatrix(r.evaluation.confusion, tr("%1 on my drawings").arg(r.modelName));
            layout->addWidget(heatmap, 1);
        }
        tabs->addTab(page, r.modelName);
    }
    auto *where = new QLabel(tr("Test set: %1").arg(setFolder), this);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs, 1);
    layout->addWidget(where);
    layout->addWidget(buttons);
    resize(520, 520);
}

} // namespace lab
