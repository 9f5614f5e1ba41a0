#pragma once

namespace lab {

/**
 * Makes the C allocator keep freed memory for reuse instead of handing it back to the OS.
 * Why: every training step of a CNN allocates and frees tens of MB of activations,
 * max-pool indices and gradients. glibc serves blocks that large with fresh mmaps (or
 * trims its heap), so each step page-faults all of it in again, and on this VM a page
 * fault costs more than the arithmetic on the page: a step of the quick-99 net took
 * 150-163 ms instead of 240-272 ms on a busy machine once freed memory stayed mapped.
 * The cost: the process keeps its peak memory until it exits. Idempotent; a no-op where
 * the allocator is not glibc's.
 */
void keepFreedMemoryForReuse();

} // namespace lab
