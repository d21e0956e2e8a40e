#!/bin/bash
# The 16-core figures of the README, on a machine without Go: run from the
# repository root with .dev/ holding
#
#   .dev/latent      CGO_ENABLED=0 go build -ldflags="-s -w" -o .dev/latent ./cmd/latent
#   .dev/latent-old  the same build of an earlier commit, to compare with
#   .dev/mnist/      MNIST's four IDX files (GoMNIST's data folder)
#
# and python3 with torch on the path. OUT names the folder the results go
# to. It times ae3 and conv at 16 threads with both binaries, alternated,
# then runs compare.sh: every recipe, latent at 2 and 16 threads and
# PyTorch at 16.
set -u
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
M=.dev/mnist
OUT=${OUT:-results/bench/16-cores}
mkdir -p "$OUT"
(lscpu | head -20; nproc) > "$OUT/machine.txt" 2>&1
for b in latent-old latent latent-old latent; do
  echo "== $b ae3 16"; timeout 30 .dev/$b bench ae3 --epochs 3 --threads 16 --data-dir $M | grep median
  echo "== $b conv 16"; timeout 30 .dev/$b bench conv --epochs 1 --threads 16 --data-dir $M | grep median
done 2>&1 | tee "$OUT/oldnew.txt"
LATENT=.dev/latent MNIST=$M PYTHON=python3 KEEP=$OUT BASE=2 THREADS=16 EPOCHS_DENSE=3 EPOCHS_IMAGE=1 \
  timeout 380 bash peers/pytorch/compare.sh 2>&1 | tee "$OUT/compare16.txt"
