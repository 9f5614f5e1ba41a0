#pragma once

/**
 * Restarts the program once with OMP_WAIT_POLICY=passive unless its environment already
 * sets a policy (a user's own choice wins). Call first thing in main(). Linux only; where
 * it cannot (or need not) restart, it returns and the program goes on as it is.
 */
void restartWithPassiveOpenMp(char **argv);
