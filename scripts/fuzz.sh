#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan + coverage) in build-fuzz and runs
# each for a bounded time. Exits non-zero when any target found a crash, a leak, a
# timeout or an out-of-memory input; the input is saved under build-fuzz/artifacts/.
#
#   scripts/fuzz.sh [seconds-per-target] [target…]     default: 60 s, every target
#
# The committed seeds (fuzz/corpus/<target>/) are read, never written: new inputs the
# fuzzer finds go to build-fuzz/corpus/<target>/, which survives between runs.
# A crash found here becomes a regression test in tests/robustness (see docs/ROBUSTNESS.md).
set -uo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$repo/build-fuzz}"
seconds="${1:-${FUZZ_SECONDS:-60}}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_idx fuzz_modelfile)
jobs="${JOBS:-2}"

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (libFuzzer needs clang)" >&2; exit 2; }

echo "== configure $build (clang, libFuzzer, ASan+UBSan)"
cmake -S "$repo" -B "$build" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
      -DMNIST_LAB_FUZZ=ON -DMNIST_LAB_SANITIZE=ON \
      -DMNIST_LAB_BUILD_GUI=OFF -DMNIST_LAB_BUILD_TESTS=OFF >/dev/null || exit 2
echo "== build ${targets[*]} (-j$jobs)"
cmake --build "$build" -j "$jobs" --target "${targets[@]}" || exit 2

# libtorch and Qt are not instrumented (see scripts/sanitize.sh for why these options).
export ASAN_OPTIONS="detect_container_overflow=0:detect_leaks=1:allocator_may_return_null=0:suppressions=$repo/scripts/sanitizers/asan.supp"
export LSAN_OPTIONS="suppressions=$repo/scripts/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$repo/scripts/sanitizers/ubsan.supp"

failed=()
for target in "${targets[@]}"; do
    seeds="$repo/fuzz/corpus/$target"
    work="$build/corpus/$target"
    artifacts="$build/artifacts/$target"
    mkdir -p "$work" "$artifacts"
    dict=()
    [ -f "$repo/fuzz/$target.dict" ] && dict=("-dict=$repo/fuzz/$target.dict")
    echo "== $target for ${seconds}s (seeds: $(ls "$seeds" | wc -l), kept corpus: $(ls "$work" | wc -l))"
    log="$build/$target.log"
    # -rss_limit_mb: a parser that allocates what a header claims instead of what the
    # file holds shows up as an out-of-memory crash (malloc_limit defaults to the same).
    "$build/fuzz/$target" "$work" "$seeds" "${dict[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$log" | sed 's/^/   /'
    grep -E '#[0-9]+ *DONE' "$log" | tail -n1 | sed 's/^/   /'
    if [ $rc -ne 0 ]; then
        echo "   FAILED (exit $rc): see $log" >&2
        grep -E 'ERROR: |SUMMARY: |Test unit written to' "$log" | head -n 5 | sed 's/^/   /' >&2
        failed+=("$target")
    else
        echo "   ok: no crash"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: crashes in: ${failed[*]} (inputs in $build/artifacts/)" >&2
    exit 1
fi
echo "fuzz.sh: all targets ran ${seconds}s without a crash"
