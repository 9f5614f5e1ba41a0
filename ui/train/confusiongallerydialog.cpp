#include "ui/train/confusiongallerydialog.h"

#include "core/common/laberror.h"
#include "core/infer/predictor.h"
#include "core/model/modelfile.h"
#include "ui/canvas/digitpreview.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QDialogButtonBox>
#include <QImage>
#include <QFontMetrics>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPixmap>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>

namespace lab {

namespace {
constexpr int kClasses = 10;
constexpr int kMaxShown = 500;   // a cell can hold thousands (the diagonal); the rest adds nothing

int argmax(const float *p)
{
    return int(std::max_element(p, p + kClasses) - p);
}

QImage digitImage(const ImageSet &set, int index)
{
    QImage img(set.cols, set.rows, QImage::Format_Grayscale8);
    const std::uint8_t *src = set.image(index);
    for (int y = 0; y < set.rows; ++y) {
        uchar *line = img.scanLine(y);
        for (int x = 0; x < set.cols; ++x)
            line[x] = uchar(255 - src[y * set.cols + x]);   // dark ink on white, like paper
    }
    return img.scaled(set.cols * 3, set.rows * 3, Qt::IgnoreAspectRatio, Qt::FastTransformation);
}
} // namespace

QVector<int> ConfusionGalleryDialog::cellIndices(const ImageSet &test, const std::vector<float> &probs,
                                                 int trueLabel, int predicted)
{
    QVector<int> out;
    const int count = qMin<int>(test.count, int(probs.size() / kClasses));
    for (int i = 0; i < count; ++i) {
        if (test.labels[size_t(i)] != trueLabel)
            continue;
        if (argmax(probs.data() + size_t(i) * kClasses) == predicted)
            out.append(i);
    }
    std::stable_sort(out.begin(), out.end(), [&](int a, int b) {
        return probs[size_t(a) * kClasses + predicted] > probs[size_t(b) * kClasses + predicted];
    });
    return out;
}

ConfusionGalleryDialog::ConfusionGalleryDialog(std::shared_ptr<const Dataset> data,
                                               std::shared_ptr<const std::vector<float>> probabilities,
                                               int trueLabel, int predicted, int epoch, const QString &modelPath,
                                               QWidget *parent)
    : QDialog(parent), m_data(data), m_trueLabel(trueLabel), m_predicted(predicted)
{
    setWindowTitle(tr("True %1, predicted %2 (epoch %3)").arg(trueLabel).arg(predicted).arg(epoch));
    m_list = new QListWidget(this);
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(84, 84));
    // Room for the image and three caption lines ("P(3)=0.912") in the list's own font:
    // a fixed grid cut the third line with larger fonts.
    const QFontMetrics captionMetrics(m_list->font());
    m_list->setGridSize(QSize(qMax(120, captionMetrics.horizontalAdvance(QStringLiteral("P(8)=0.000")) + 24),
                              84 + 3 * captionMetrics.lineSpacing() + 16));
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setUniformItemSizes(true);
    m_list->setWordWrap(true);

    auto *header = new QLabel(this);
    header->setWordWrap(true);
    if (data && probabilities) {
        const ImageSet &test = data->test;
        const std::vector<float> &p = *probabilities;
        m_indices = cellIndices(test, p, trueLabel, predicted);
        const int shown = qMin<int>(int(m_indices.size()), kMaxShown);
        header->setText(tr("%1 test images of a %2 predicted as %3, most confident first%4. "
                           "Hover an image for all ten probabilities.")
                            .arg(m_indices.size()).arg(trueLabel).arg(predicted)
                            .arg(shown < m_indices.size() ? tr(" (first %1 shown)").arg(shown) : QString()));
        for (int k = 0; k < shown; ++k) {
            const int idx = m_indices.at(k);
            const float *row = p.data() + size_t(idx) * kClasses;
            // The runner-up: what else the model considered.
            std::array<int, kClasses> order;
            std::iota(order.begin(), order.end(), 0);
            std::sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });
            QString text = QStringLiteral("P(%1)=%2").arg(predicted).arg(QLocale().toString(row[predicted], 'f', 3));
            const int other = order[0] == predicted ? order[1] : order[0];
            text += QStringLiteral("\nP(%1)=%2").arg(other).arg(QLocale().toString(row[other], 'f', 3));
            if (trueLabel != predicted && other != trueLabel)
                text += QStringLiteral("\nP(%1)=%2").arg(trueLabel).arg(QLocale().toString(row[trueLabel], 'f', 3));
            QStringList tip;
            tip << tr("Test image #%1, label %2").arg(idx).arg(trueLabel);
            for (int c : order)
                tip << QStringLiteral("%1: %2").arg(c).arg(QLocale().toString(row[c], 'f', 4));
            auto *item = new QListWidgetItem(QIcon(QPixmap::fromImage(digitImage(test, idx))), text, m_list);
            item->setToolTip(tip.join(u'\n'));
            item->setData(Qt::UserRole, idx);
        }
    } else {
        header->setText(tr("The images of this cell are only available for epochs trained in this session."));
    }

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *content = new QHBoxLayout;
    content->addWidget(m_list, 1);
    content->addWidget(buildExplainPanel(modelPath));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addLayout(content, 1);
    layout->addWidget(buttons);
    resize(940, 560);
    connect(m_list, &QListWidget::currentRowChanged, this, &ConfusionGalleryDialog::explainSelected);
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
}

ConfusionGalleryDialog::~ConfusionGalleryDialog() = default;

QWidget *ConfusionGalleryDialog::buildExplainPanel(const QString &modelPath)
{
    auto *panel = new QWidget(this);
    panel->setFixedWidth(200);
    m_explained = new DigitPreview(panel);
    m_explained->setObjectName(QStringLiteral("galleryExplained"));
    m_explained->setFixedSize(196, 196);
    m_explained->setToolTip(tr("The selected image; red pixels pushed the model towards the chosen digit, blue against"));
    m_explainDigit = new QComboBox(panel);
    m_explainDigit->setObjectName(QStringLiteral("galleryExplainDigit"));
    m_explainDigit->addItem(tr("Why %1 (predicted)").arg(m_predicted), m_predicted);
    if (m_trueLabel != m_predicted)
        m_explainDigit->addItem(tr("What spoke for %1 (true)").arg(m_trueLabel), m_trueLabel);
    connect(m_explainDigit, &QComboBox::currentIndexChanged, this, &ConfusionGalleryDialog::explainSelected);
    m_explainNote = new QLabel(panel);
    m_explainNote->setObjectName(QStringLiteral("galleryExplainNote"));
    m_explainNote->setWordWrap(true);
    m_explainNote->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    if (QFileInfo::exists(modelPath)) {
        try {
            m_predictor = std::make_unique<Predictor>(ModelFile::load(modelPath), QFileInfo(modelPath).fileName());
            m_explainNote->setText(tr("Saliency of the run's final model (gradient × input against a blank image)."));
        } catch (const LabError &e) {
            m_explainNote->setText(tr("No saliency: %1").arg(e.message()));
        }
    } else {
        m_explainNote->setText(tr("Saliency appears once the run has saved its model."));
    }
    m_explainDigit->setEnabled(m_predictor != nullptr);

    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_explained);
    layout->addWidget(m_explainDigit);
    layout->addWidget(m_explainNote);
    layout->addStretch(1);
    return panel;
}

void ConfusionGalleryDialog::explainSelected()
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item || !m_data) {
        m_explained->setPixels({});
        return;
    }
    const ImageSet &test = m_data->test;
    const int index = item->data(Qt::UserRole).toInt();
    std::vector<float> pixels(size_t(test.pixelsPerImage()));
    const std::uint8_t *src = test.image(index);
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = src[i] / 255.0f;
    m_explained->setPixels(pixels);
    if (!m_predictor) {
        m_explained->setSaliency({});
        return;
    }
    try {
        m_explained->setSaliency(m_predictor->explain(pixels, m_explainDigit->currentData().toInt()));
    } catch (const LabError &e) {
        m_explained->setSaliency({});
        m_explainNote->setText(tr("No saliency: %1").arg(e.message()));
    }
}

} // namespace lab
