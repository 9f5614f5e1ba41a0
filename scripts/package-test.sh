#!/bin/bash
# Builds the Debian package with CPack, installs it on this machine, checks what it
# installed and that both programs start (`--version`, without a display), then removes
# it again. Exit status 0 only when every step passed.
#
#   scripts/package-test.sh [build-dir]     (default: <repo>/build-pkg)
#
# Needs root (or sudo) for apt-get/dpkg. Set KEEP_INSTALLED=1 to leave the package installed.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build-pkg}"
jobs="${JOBS:-2}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

step() { printf '\n== %s\n' "$*"; }
fail() { printf 'package-test: FAILED: %s\n' "$*" >&2; exit 1; }

version="$(sed -n 's/^project(MnistLab VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
[ -n "$version" ] || fail "cannot read the project version from CMakeLists.txt"

step "configure $build"
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DMNIST_LAB_BUILD_GUI=ON -DMNIST_LAB_BUILD_TESTS=OFF -DMNIST_LAB_SANITIZE=OFF >/dev/null

step "build mnist-lab and mnist-lab-cli (-j$jobs)"
cmake --build "$build" -j "$jobs" --target mnist-lab mnist-lab-cli

step "cpack -G DEB"
rm -f "$build"/mnist-lab_*.deb
(cd "$build" && cpack -G DEB >/dev/null) || fail "cpack"
deb="$(ls "$build"/mnist-lab_"$version"_*.deb 2>/dev/null | head -n1)"
[ -n "$deb" ] || fail "no mnist-lab_${version}_*.deb in $build"
echo "$deb ($(du -h "$deb" | cut -f1))"

step "package metadata"
dpkg-deb --field "$deb" Package Version Architecture Depends
contents="$(dpkg-deb --contents "$deb" | awk '{print $NF}')"
expect=(
    ./usr/bin/mnist-lab
    ./usr/bin/mnist-lab-cli
    ./usr/share/applications/io.github.mnistlab.MnistLab.desktop
    ./usr/share/metainfo/io.github.mnistlab.MnistLab.metainfo.xml
    ./usr/share/icons/hicolor/scalable/apps/io.github.mnistlab.MnistLab.svg
)
for size in 16 24 32 48 64 128 256; do
    expect+=("./usr/share/icons/hicolor/${size}x${size}/apps/io.github.mnistlab.MnistLab.png")
done
for path in "${expect[@]}"; do
    grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
echo "all ${#expect[@]} expected files are in the package"

step "install with apt-get"
cleanup() {
    if [ "${KEEP_INSTALLED:-0}" != 1 ] && dpkg -s mnist-lab >/dev/null 2>&1; then
        step "remove the package"
        $sudo apt-get remove -y mnist-lab >/dev/null || $sudo dpkg -r mnist-lab
    fi
}
trap cleanup EXIT
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >/dev/null \
    || fail "apt-get install $deb"
dpkg -s mnist-lab | grep -E '^(Status|Version):'

step "installed files validate"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/io.github.mnistlab.MnistLab.desktop || fail "desktop-file-validate"
    echo "desktop-file-validate: ok"
else
    echo "desktop-file-validate not installed: skipped"
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net /usr/share/metainfo/io.github.mnistlab.MnistLab.metainfo.xml \
        || fail "appstreamcli validate"
else
    echo "appstreamcli not installed: skipped"
fi

# Both programs run from the installed paths, with no display and no Qt platform hint:
# --version must not need a window system.
run_version() {
    local exe="$1" out
    out="$(cd / && env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM timeout 60 "/usr/bin/$exe" --version 2>&1)" \
        || { echo "$out" >&2; fail "/usr/bin/$exe --version exited with $?"; }
    echo "$out" | sed "s/^/  $exe: /"
    grep -qF "$version" <<<"$out" || fail "$exe --version does not mention $version"
}
step "mnist-lab-cli --version"
run_version mnist-lab-cli
step "mnist-lab --version (no display)"
run_version mnist-lab

printf '\npackage-test: OK (%s)\n' "$(basename "$deb")"
