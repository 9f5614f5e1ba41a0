#include "core/train/torchthreads.h"

#include <torch/torch.h>

namespace lab {

int TorchThreads::apply(int threads)
{
    // Set every time: torch starts with 1 and another run may have changed it.
    if (threads > 0 && torch::get_num_threads() != threads)
        torch::set_num_threads(threads);
    return torch::get_num_threads();
}

} // namespace lab
