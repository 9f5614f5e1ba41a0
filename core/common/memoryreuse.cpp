#include "core/common/memoryreuse.h"

#include <cstdlib>   // defines __GLIBC__ where the C library is glibc (tested below)

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace lab {

void keepFreedMemoryForReuse()
{
#if defined(__GLIBC__)
    static const bool done = [] {
        // Blocks up to 1 GB come from the heap (a fixed threshold also stops glibc's own
        // adjustment), and the heap is trimmed only when 2 GB at its top are free.
        mallopt(M_MMAP_THRESHOLD, 1 << 30);
        mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
        return true;
    }();
    (void)done;
#endif
}

} // namespace lab
