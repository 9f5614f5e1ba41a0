#include "ui/runs/rundiagnosticsdialog.h"

#include "ui/appsettings.h"
#include "ui/charts/diagnosticspanel.h"
#include "ui/charts/firstlayerweightsview.h"
#include "ui/charts/testerrorchart.h"
#include "core/experiment/runstore.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace lab {

RunDiagnosticsDialog::RunDiagnosticsDialog(const RunRecord &record, QWidget *parent)
    : QDialog(parent), m_record(record)
{
    setWindowTitle(tr("Diagnostics — %1").arg(record.id.isEmpty() ? record.modelType : record.id));
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("diagnosticsTabs"));
    m_diagnostics = new DiagnosticsPanel(this);
    m_testError = new TestErrorChart(this);
    m_weights = new FirstLayerWeightsView(this);
    m_tabs->addTab(m_diagnostics, tr("Per-layer diagnostics"));
    m_tabs->addTab(m_testError, tr("Test error vs. published"));
    m_tabs->addTab(m_weights, tr("First-layer weights"));

    m_diagnostics->showRecord(record);
    m_testError->showRecord(record);
    const QString model = record.folder.isEmpty() ? QString() : RunStore::modelPath(record.folder);
    if (model.isEmpty() || !QFileInfo::exists(model))
        m_weights->clear(tr("This run has no saved model (%1), so there are no weights to show.")
                             .arg(model.isEmpty() ? tr("no run folder") : QDir::toNativeSeparators(model)));
    else
        m_weights->loadModel(model, record.id);

    auto *summary = new QLabel(record.summary(), this);
    summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *exportButton = buttons->addButton(tr("Export image…"), QDialogButtonBox::ActionRole);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        if (auto *chart = qobject_cast<ChartWidget *>(m_tabs->currentWidget())) {
            chart->exportInteractive();
            return;
        }
        // The diagnostics tab holds three charts: write them all into one folder.
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export the diagnostics charts into"),
                                                                 m_record.folder);
        if (folder.isEmpty())
            return;
        QString error;
        ChartWidget::exportAll(m_diagnostics->charts(), folder, AppSettings().exportSize(), QStringLiteral("png"), &error);
        if (!error.isEmpty())
            QMessageBox::warning(this, tr("Export failed"), error);
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(1100, 720);
}

QList<ChartWidget *> RunDiagnosticsDialog::charts() const
{
    QList<ChartWidget *> list = m_diagnostics->charts();
    list << m_testError << m_weights;
    return list;
}

} // namespace lab
