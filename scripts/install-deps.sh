#!/usr/bin/env bash
# Installs what MNIST Lab needs on Debian 12 / Ubuntu 24.04 and newer, skipping what is
# already there. OpenBLAS matters: Debian's libtorch uses whatever libblas.so.3 is
# selected, and the reference BLAS trains ~5x slower.
set -euo pipefail

packages=(
  cmake g++ ninja-build pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev libxkbcommon-dev qt6-image-formats-plugins
  libtorch-dev zlib1g-dev libdeflate-dev libopenblas0-openmp
  dataset-fashion-mnist   # the tests check that Fashion-MNIST loads through the same path
  libqt6svg6-dev          # charts exported as SVG
  libonnx-dev libprotobuf-dev   # ONNX export (onnx's CMake package needs Protobuf)
  libopencv-dev           # the tests load exported ONNX models in OpenCV's DNN, an independent runtime
  python3-torch           # the tests load exported PyTorch weights in Python; the peer benchmarks
  parallel                # the tests run an emitted sweep with GNU parallel
)
if [[ "${MNIST_LAB_WITH_EXTRAS:-0}" == 1 ]]; then
  packages+=(xvfb xauth imagemagick)   # screenshots
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Prefer OpenBLAS for libblas.so.3 (the package's alternative priority normally does this).
blas=$(update-alternatives --query "libblas.so.3-$(gcc -dumpmachine)" 2>/dev/null | awk '/^Value:/ {print $2}')
if [[ -n "$blas" && "$blas" != *openblas* ]]; then
  echo "warning: libblas.so.3 points to $blas (reference BLAS); training will be ~5x slower." >&2
  echo "         select OpenBLAS: sudo update-alternatives --config libblas.so.3-$(gcc -dumpmachine)" >&2
fi
