#!/usr/bin/env bash
# One entry point for a fresh machine:
#   scripts/lab.sh run    install what is missing, build (Release), launch the app
#   scripts/lab.sh test   install what is missing, build, run every test through CTest
#   scripts/lab.sh build  install and build only
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}
shift || true

scripts/install-deps.sh
build=${MNIST_LAB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
# Compiling a torch translation unit takes ~1.5 GB of memory; two jobs per 2 cores is the safe pace.
cmake --build "$build" -j"$(nproc)"

case "$mode" in
  run)   exec "$build/app/gui/mnist-lab" "$@" ;;
  test)  exec ctest --test-dir "$build" --output-on-failure "$@" ;;
  build) ;;
  *) echo "usage: scripts/lab.sh run|test|build" >&2; exit 2 ;;
esac
