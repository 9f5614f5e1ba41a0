#pragma once

namespace lab {

/** torch's intra-op thread count, which is process-wide and starts at 1 on Debian's build. */
class TorchThreads
{
public:
    /** Sets the count to `threads` (≥ 1; see TrainConfig::effectiveThreads) and returns the number in use. */
    static int apply(int threads);
};

} // namespace lab
