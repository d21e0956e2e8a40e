#!/bin/bash
# The 16-core figures of the README, on a machine without Go: run from the
# repository root with .dev/ holding (each may be gzipped)
#
#   .dev/latent      CGO_ENABLED=0 go build -ldflags="-s -w" -o .dev/latent ./cmd/latent
#   .dev/latent-old  the same build of an earlier commit, to compare with
#   .dev/mnist/      MNIST's four IDX files (GoMNIST's data folder)
#   .dev/bench.test  (optional) CGO_ENABLED=0 go test -c -o .dev/bench.test ./bench
#
# and python3 with torch on the path. OUT names the folder the results go
# to. It times ae3, conv, denoise and inpaint at 16 threads with both
# binaries, alternated (oldnew.txt); runs compare.sh: every recipe, latent
# at 2 and 16 threads and PyTorch at 16 (compare16.txt, each run's output
# in keep/); and prints where the parallel work goes (latent bench
# --parallel-sites) for conv, inpaint and ae3 at 16 threads and conv at 2
# (keep/sites-*.txt). It takes about 7 to 8 minutes (the A/B about 1.5, the
# side-by-side run up to its 330-second limit, the sites about 1): one run
# fits a 15-minute device budget with the machine's start; give the device
# call a limit of 540 s or more. In this round's last call the side-by-side
# run, limited to 260 s on a slow machine, was cut off before the VAE.
# ROUNDS (default 2) sets the rounds of the A/B, 0 to leave it out;
# SITES=0 leaves out the sites: with ROUNDS=1 SITES=0 it takes about 6
# minutes. With .dev/bench.test it first times ae3, conv, inpaint and vae's
# training steps at 2 and 16 threads taken in turn, step by step
# (BenchmarkStepsInTurn: the speed-up from 2 to 16 threads that a noisy
# machine moves least; steps16.txt, under a minute).
set -u
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
for f in .dev/*.gz; do [ -e "$f" ] && gunzip -f "$f"; done
chmod +x .dev/latent .dev/latent-old
M=.dev/mnist
OUT=${OUT:-results/bench/16-cores}
K=$OUT/keep
mkdir -p "$K"
(lscpu | head -20; nproc) > "$OUT/machine.txt" 2>&1
if [ -e .dev/bench.test ]; then
  chmod +x .dev/bench.test
  (cd bench && STEPS_THREADS=2,16 STEPS_RECIPES=ae3,conv,inpaint,vae timeout 90 ../.dev/bench.test \
    -test.run XXX -test.bench StepsInTurn -test.benchtime 30x) 2>&1 | tee "$OUT/steps16.txt"
fi
for i in $(seq "${ROUNDS:-2}"); do for b in latent-old latent; do
  echo "== $b ae3 16"; timeout 30 .dev/$b bench ae3 --epochs 3 --threads 16 --data-dir $M | grep -E "median|GEMM alone"
  for r in conv denoise inpaint; do
    echo "== $b $r 16"; timeout 40 .dev/$b bench $r --epochs 1 --threads 16 --data-dir $M | grep median
  done
done; done 2>&1 | tee "$OUT/oldnew.txt"
LATENT=.dev/latent MNIST=$M PYTHON=python3 KEEP=$K BASE=2 THREADS=16 EPOCHS_DENSE=3 EPOCHS_IMAGE=1 \
  timeout 330 bash peers/pytorch/compare.sh 2>&1 | tee "$OUT/compare16.txt"
[ "${SITES:-1}" = 0 ] && exit 0
for r in conv:16 inpaint:16 ae3:16 conv:2; do
  name=${r%%:*}; threads=${r##*:}
  case $name in ae*) e=2;; *) e=1;; esac
  timeout 40 .dev/latent bench "$name" --epochs $e --threads "$threads" --data-dir $M --parallel-sites > "$K/sites-$name-$threads.txt" 2>&1
done
