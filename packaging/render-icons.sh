#!/bin/sh
# Re-renders the committed PNG icons (hicolor sizes) and the Windows .ico from the SVG.
# Run after editing linux/icons/io.github.mnistlab.MnistLab.svg; needs ImageMagick.
# (ImageMagick's built-in SVG renderer ignores gradients and opacity: keep the SVG flat.)
set -eu
cd "$(dirname "$0")/linux/icons"
for s in 16 24 32 48 64 128 256; do
    convert -background none -density 300 io.github.mnistlab.MnistLab.svg -resize "${s}x${s}" "PNG32:mnist-lab-$s.png"
done
convert mnist-lab-16.png mnist-lab-24.png mnist-lab-32.png mnist-lab-48.png mnist-lab-64.png mnist-lab-256.png \
    ../../windows/mnist-lab.ico
