#!/bin/bash
# First 16-core look: PyTorch at 16 threads on every recipe, latent at 16 on
# every recipe, latent at 2 on ae3 and conv, CPU profiles at 16.
set -u
export OPENBLAS_NUM_THREADS=1 PYTHONUNBUFFERED=1
L=.dev/latent; M=.dev/mnist; K=$OUT/keep; mkdir -p $K
(lscpu; nproc; free -g; python3 -c 'import torch; print("torch", torch.__version__, torch.get_num_threads(), torch.__config__.parallel_info())') > $OUT/machine.txt 2>&1
for r in ae1 ae2 ae3 ae3b ae3c conv denoise inpaint vae; do
  case $r in ae*) e=3;; *) e=1;; esac
  prof=""; case $r in ae3|conv) prof="--cpuprofile $OUT/$r-16.prof";; esac
  echo "== $r latent 16"; timeout 60 $L bench $r --epochs $e --threads 16 --data-dir $M $prof 2>&1 | tee $K/$r.latent16
  echo "== $r torch 16"; timeout 60 python3 peers/pytorch/bench.py $r 16 $e $M 2>&1 | tee $K/$r.torch16
done
echo "== ae3 latent 2"; $L bench ae3 --epochs 3 --threads 2 --data-dir $M 2>&1 | tee $K/ae3.latent2
echo "== conv latent 2"; timeout 40 $L bench conv --epochs 1 --threads 2 --data-dir $M 2>&1 | tee $K/conv.latent2
tar -C $OUT -cf $OUT/keep.tar keep && rm -rf $K
