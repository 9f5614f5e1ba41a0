// Why restart: libtorch and OpenBLAS share GNU OpenMP, whose idle threads spin for a while
// before sleeping. With as many threads as cores on a machine that is doing anything else
// (a browser, the GUI drawing charts), the spinning threads take the cores from the ones
// with work and every parallel region waits a scheduler time slice. Measured here
// (784-50-50-10, batch 50, 2 threads, load ~6): one epoch took 67 s with the default
// policy, 0.54 s with OMP_WAIT_POLICY=passive (1.2 s at 1 thread).
//
// GNU OpenMP reads the policy once, when it is loaded, before main() runs, and there is no
// call to change it later; glibc also rebuilds the environment after .preinit_array
// functions run (tried: a variable set there is gone by main). So the policy has to be in
// the environment the process starts with: set it and exec the same program again.
#include "passiveopenmp.h"

#if defined(__linux__)
#include <cstdlib>
#include <unistd.h>
#endif

void restartWithPassiveOpenMp(char **argv)
{
#if defined(__linux__)
    if (std::getenv("OMP_WAIT_POLICY") != nullptr)
        return;   // already restarted, or the user chose a policy
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    // exec failed (no /proc?): keep running with the default policy.
    unsetenv("OMP_WAIT_POLICY");
#else
    (void)argv;
#endif
}
