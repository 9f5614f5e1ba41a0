#!/bin/bash
# Builds everything we compile with AddressSanitizer + UndefinedBehaviorSanitizer in its
# own build folder (preset "asan" -> build-asan) and runs the test suite under them.
#
#   scripts/sanitize.sh [ctest arguments…]      e.g.  scripts/sanitize.sh -R robustness
#
# libtorch and Qt are not instrumented. Two things follow, both set in the "asan" test
# preset (CMakePresets.json) and repeated here for runs outside the preset:
#   detect_container_overflow=0  std::vector annotations only hold when every frame that
#                                touches a container is instrumented; libtorch's are not.
#   suppressions                 scripts/sanitizers/*.supp name libraries that are NOT ours
#                                (libtorch, Qt, fontconfig…); a report in lab:: code is never
#                                suppressed.
# Any ASan/UBSan report aborts the test (halt_on_error=1), so ctest shows it as a failure.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="$repo/build-asan"
jobs="${JOBS:-2}"
supp="$repo/scripts/sanitizers"

cd "$repo"
echo "== configure (preset asan -> $build)"
cmake --preset asan >/dev/null
echo "== build (-j$jobs)"
cmake --build "$build" -j "$jobs"

export ASAN_OPTIONS="detect_container_overflow=0:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:halt_on_error=1:suppressions=$supp/asan.supp${ASAN_EXTRA:+:$ASAN_EXTRA}"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
echo "== ctest under ASan+UBSan"
cd "$build"
ctest --output-on-failure "$@"
