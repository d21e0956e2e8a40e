#!/bin/bash
# One device call for the next session lent a 16-core machine (about 8
# minutes; give it timeout_s 590 and carry [".dev"]): the code since
# d3b75bb (.dev/latent, 0720f19 on: ReLU folded into convolutions, rows
# asked for ahead, Dense kernel gradients overwritten, short wide products
# cut by columns) against d3b75bb (.dev/latent-old, the last 16-core
# figures) at 16 threads, alternated once; the side-by-side run at 2 and 16
# threads with PyTorch (compare16.txt, each recipe's JSON with its layers'
# shares in keep/); then the two knobs of knobs.patch (small products on
# fewer threads; the column cut with one task a worker rather than two)
# alternated step by step at 16 threads; last, what one parallel call costs
# at 2 and 16 threads (BenchmarkParallelFor, parallelfor.txt: 3fcdbfc took
# two of its four allocations away, timed on 2 threads only). See
# README.md here for the builds.
set -u
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
ROUNDS=1 SITES=0 bash peers/pytorch/on16cores.sh
for f in .dev/*.gz; do [ -e "$f" ] && gunzip -f "$f"; done
chmod +x .dev/bench.test .dev/compute.test
(cd bench && KNOB_THREADS=16 STEPS_RECIPES=ae3,ae1,conv KNOB_SETTINGS=0:2,1048576:2,0:1,1048576:1 \
  timeout 100 ../.dev/bench.test -test.run XXX -test.bench Knobs -test.benchtime 60x) 2>&1 | tee "$OUT/knobs.txt"
for p in 2 16; do GOMAXPROCS=$p timeout 60 .dev/compute.test -test.run XXX -test.bench ParallelFor -test.benchtime 100ms; done 2>&1 | tee "$OUT/parallelfor.txt"
