#include "ui/runs/runspage.h"

#include "ui/charts/overlaychart.h"
#include "core/common/laberror.h"
#include "core/experiment/runstore.h"
#include "ui/runs/rundiagnosticsdialog.h"
#include "ui/runs/runexport.h"
#include "ui/runs/runtablemodel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace lab {

RunsPage::RunsPage(QWidget *parent) : QWidget(parent)
{
    m_model = new RunTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("runsProxy"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunTableModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1);   // match any column

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter runs (model, optimizer, status…)"));
    m_filter->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    auto *refresh = new QPushButton(tr("Refresh"), this);
    m_open = new QPushButton(tr("Open folder"), this);
    m_test = new QPushButton(tr("Test this model"), this);
    m_test->setToolTip(tr("Draw digits for this run's model on the Draw & test page"));
    m_openInDesign = new QPushButton(tr("Open in Design"), this);
    m_openInDesign->setToolTip(tr("Load the selected run's layers and hyperparameters into the Design page, "
                                  "to train it again or change it"));
    m_resume = new QPushButton(tr("Resume"), this);
    m_resume->setObjectName(QStringLiteral("resumeRunButton"));
    m_diagnostics = new QPushButton(tr("Diagnostics…"), this);
    m_diagnostics->setObjectName(QStringLiteral("diagnosticsButton"));
    m_diagnostics->setToolTip(tr("Per-layer dead ReLUs, gradient and weight norms, test error against published results "
                                 "and the first-layer weights of the selected run"));
    m_exportModel = new QPushButton(tr("Export model…"), this);
    m_exportModel->setObjectName(QStringLiteral("exportModelButton"));
    m_exportModel->setToolTip(tr("The selected run's model as ONNX (.onnx) or a PyTorch state_dict (.pt)"));
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    m_exportCsv->setObjectName(QStringLiteral("exportCsvButton"));
    m_exportCsv->setToolTip(tr("The selected runs' per-epoch curves and batch losses as tidy CSV (run, epoch/step, metric, value)"));
    m_delete = new QPushButton(tr("Delete…"), this);

    m_view = new QTableView(this);

    m_view->setObjectName(QStringLiteral("runsTable"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RunTableModel::DateColumn, Qt::DescendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setStretchLastSection(true);

    m_lossOverlay = new OverlayChart(OverlayChart::Metric::TestLoss, this);
    m_accuracyOverlay = new OverlayChart(OverlayChart::Metric::TestAccuracy, this);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_count);
    top->addWidget(refresh);
    top->addWidget(m_open);
    top->addWidget(m_test);
    top->addWidget(m_resume);
    top->addWidget(m_openInDesign);
    top->addWidget(m_diagnostics);
    top->addWidget(m_exportModel);
    top->addWidget(m_exportCsv);
    top->addWidget(m_delete);
    auto *tablePanel = new QWidget(this);
    auto *tableLayout = new QVBoxLayout(tablePanel);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(top);
    tableLayout->addWidget(m_view, 1);
    auto *overlays = new QSplitter(Qt::Horizontal, this);
    overlays->addWidget(m_accuracyOverlay);
    overlays->addWidget(m_lossOverlay);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(tablePanel);
    splitter->addWidget(overlays);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &RunsPage::onSelectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &RunsPage::onSelectionChanged);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &RunsPage::onSelectionChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::onSelectionChanged);
    connect(refresh, &QPushButton::clicked, this, &RunsPage::refresh);
    connect(m_delete, &QPushButton::clicked, this, &RunsPage::deleteSelectedInteractive);
    connect(m_open, &QPushButton::clicked, this, &RunsPage::openSelectedFolder);
    connect(m_exportModel, &QPushButton::clicked, this, &RunsPage::exportModelInteractive);
    connect(m_exportCsv, &QPushButton::clicked, this, &RunsPage::exportCsvInteractive);
    connect(m_test, &QPushButton::clicked, this, [this] {
        const QVector<RunRecord> runs = selectedRuns();
        if (runs.size() == 1)
            Q_EMIT testModelRequested(runs.first().folder);
    });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const QVector<RunRecord> runs = selectedRuns();
        if (runs.size() == 1 && m_canStartRuns && canResume(runs.first()))
            Q_EMIT resumeRequested(runs.first());
    });
    connect(m_openInDesign, &QPushButton::clicked, this, [this] {
        const QVector<RunRecord> runs = selectedRuns();
        if (runs.size() == 1)
            Q_EMIT openInDesignRequested(runs.first());
    });
    // Right-click: the same commands as the buttons, for the runs under the mouse.
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (index.isValid() && !m_view->selectionModel()->isRowSelected(index.row(), QModelIndex()))
            m_view->selectRow(index.row());
        QMenu menu(this);
        for (QPushButton *b : {m_test, m_resume, m_openInDesign, m_diagnostics, m_open, m_exportModel, m_exportCsv, m_delete})
            menu.addAction(b->text(), b, &QPushButton::click)->setEnabled(b->isEnabled());
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
    connect(m_diagnostics, &QPushButton::clicked, this, [this] {
        const QVector<RunRecord> runs = selectedRuns();
        if (runs.size() == 1)
            openDiagnostics(runs.first());
    });
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        Q_EMIT testModelRequested(index.data(RunTableModel::FolderRole).toString());
    });
    onSelectionChanged();
}

void RunsPage::setRunsFolder(const QString &folder)
{
    m_folder = folder;
    refresh();
}

void RunsPage::refresh()
{
    QStringList selected;
    for (const RunRecord &r : selectedRuns())
        selected << r.folder;
    QVector<RunRecord> runs;
    if (!m_folder.isEmpty()) {
        try {
            runs = RunStore(m_folder).list();
        } catch (const LabError &e) {
            m_count->setText(e.message());
        }
    }
    m_model->setRuns(runs);
    selectRuns(selected);
    onSelectionChanged();
}

QVector<RunRecord> RunsPage::selectedRuns() const
{
    QVector<RunRecord> out;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : rows)
        out.append(m_model->run(m_proxy->mapToSource(index).row()));
    return out;
}

void RunsPage::selectRuns(const QStringList &folders)
{
    QItemSelection selection;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (folders.contains(index.data(RunTableModel::FolderRole).toString()))
            selection.select(index, m_proxy->index(row, RunTableModel::ColumnCount - 1));
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void RunsPage::onSelectionChanged()
{
    const QVector<RunRecord> runs = selectedRuns();
    m_lossOverlay->setRuns(runs);
    m_accuracyOverlay->setRuns(runs);
    m_delete->setEnabled(!runs.isEmpty());
    m_open->setEnabled(runs.size() == 1);
    m_test->setEnabled(runs.size() == 1);
    m_openInDesign->setEnabled(runs.size() == 1);
    // Resume says why it cannot when it cannot.
    const bool resumable = runs.size() == 1 && canResume(runs.first());
    m_resume->setEnabled(resumable && m_canStartRuns);
    m_resume->setToolTip(runs.size() != 1 ? tr("Continue a stopped or interrupted run: select one")
                         : !resumable     ? tr("Only a cancelled or interrupted run (or a failed one with a checkpoint) "
                                               "can be continued; this one is %1").arg(runStatusName(runs.first().status))
                         : !m_canStartRuns ? tr("A run or sweep is training: resume this one when it has ended")
                                           : tr("Continue this run from its last completed epoch (%1 of %2) on the Train page")
                                                 .arg(runs.first().completedEpochs()).arg(runs.first().config.epochs));
    m_diagnostics->setEnabled(runs.size() == 1);
    m_exportModel->setEnabled(runs.size() == 1 && QFileInfo::exists(RunStore::modelPath(runs.first().folder)));
    m_exportCsv->setEnabled(!runs.isEmpty());
    m_count->setText(tr("%1 of %2 runs").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
}

QString RunsPage::deleteRuns(const QStringList &folders)
{
    QStringList errors;
    const RunStore store(m_folder);
    for (const QString &folder : folders) {
        try {
            store.remove(folder);
        } catch (const LabError &e) {
            errors << e.message();
        }
    }
    refresh();
    return errors.join(u'\n');
}

bool RunsPage::canResume(const RunRecord &record)
{
    switch (record.status) {
    case RunStatus::Cancelled:
    case RunStatus::Interrupted:
        return true;
    case RunStatus::Failed:
        // A failure after the first epoch (a full disk) keeps the checkpoint to go on from.
        return QFileInfo::exists(RunStore::checkpointPath(record.folder));
    case RunStatus::Running:   // RunStore::load says Interrupted once its process is gone
    case RunStatus::Finished:
    case RunStatus::Diverged:
        return false;
    }
    return false;
}

void RunsPage::setCanStartRuns(bool can)
{
    m_canStartRuns = can;
    onSelectionChanged();
}

RunDiagnosticsDialog *RunsPage::openDiagnostics(const RunRecord &record)
{
    auto *dialog = new RunDiagnosticsDialog(record, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    return dialog;
}

void RunsPage::deleteSelectedInteractive()
{
    const QVector<RunRecord> runs = selectedRuns();
    if (runs.isEmpty())
        return;
    QStringList names, folders;
    for (const RunRecord &r : runs) {
        names << QStringLiteral("• %1").arg(r.id);
        folders << r.folder;
    }
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Delete %n run(s) with their records, models and charts? This cannot be undone.\n\n%1", nullptr, int(runs.size()))
            .arg(names.mid(0, 15).join(u'\n') + (names.size() > 15 ? QStringLiteral("\n…") : QString())),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer != QMessageBox::Yes)
        return;
    const QString error = deleteRuns(folders);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Delete runs"), error);
}

void RunsPage::exportModelInteractive()
{
    const QVector<RunRecord> runs = selectedRuns();
    if (runs.size() == 1 && QFileInfo::exists(RunStore::modelPath(runs.first().folder))) {
        RunExport::exportModelInteractive(this, RunStore::modelPath(runs.first().folder), runs.first().id);
        return;
    }
    const QString model = QFileDialog::getOpenFileName(this, tr("Export model: choose a model"), m_folder,
                                                       tr("MNIST Lab model (*.mnlm)"));
    if (!model.isEmpty())
        RunExport::exportModelInteractive(this, model, QFileInfo(model).completeBaseName());
}

void RunsPage::exportCsvInteractive()
{
    RunExport::exportCsvInteractive(this, selectedRuns());
}

void RunsPage::openSelectedFolder()
{
    const QVector<RunRecord> runs = selectedRuns();
    if (runs.size() != 1)
        return;
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(runs.first().folder)))
        QMessageBox::information(this, tr("Open folder"),
                                 tr("No file manager answered. The run is in:\n%1").arg(QDir::toNativeSeparators(runs.first().folder)));
}

} // namespace lab
