#include "ui/train/confusiongallerydialog.h"

#include <QDialogButtonBox>
#include <QImage>
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
                                               int trueLabel, int predicted, int epoch, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("True %1, predicted %2 (epoch %3)").arg(trueLabel).arg(predicted).arg(epoch));
    m_list = new QListWidget(this);
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(84, 84));
    m_list->setGridSize(QSize(120, 150));
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
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);
    resize(760, 560);
}

} // namespace lab
