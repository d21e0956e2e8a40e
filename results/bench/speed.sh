#!/bin/bash
# Side-by-side speed measurements for the README's table, in one run on one
# machine. Run from the repository root; needs libopenblas-dev and Node.js.
set -eu
out=${1:-results/bench}
mkdir -p "$out"
go build -tags openblas -o /tmp/latent-bench ./cmd/latent
(cd peers/tfjs && npm install --no-audit --no-fund >/dev/null)
mnist=$(ls -d "$(go env GOMODCACHE)"/github.com/petar/\!go\!m\!n\!i\!s\!t@*/data | head -1)
for r in ae1 ae3; do
  for g in blocked-avx512 blocked-avx2 gonum openblas; do
    # OpenBLAS picks its AVX-512 kernel only without these overrides.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /tmp/latent-bench bench $r --epochs 5 --gemm $g --json > "$out/$r-$g.json"
  done
  (cd peers/tfjs && node bench.js $r 3 "$mnist") > "$out/$r-tfjs.txt"
done
