#include "core/common/hugepages.h"

#include <QtGlobal>
#include <cstdint>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

namespace lab {

void adviseHugePages(void *data, std::size_t bytes)
{
#ifdef Q_OS_LINUX
    // madvise wants page-aligned ranges; huge pages only fit whole 2 MB-aligned extents.
    constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
    const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(data) + huge - 1) & ~(huge - 1);
    const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(huge - 1);
    if (end > begin)
        madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);   // advice only: failure is harmless
#else
    Q_UNUSED(data);
    Q_UNUSED(bytes);
#endif
}

} // namespace lab
