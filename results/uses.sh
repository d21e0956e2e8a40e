#!/bin/bash
# The uses of issue 9, rerun from scratch into results/uses/: PCA against
# the autoencoders at 2 and 32 dimensions on MNIST and Fashion-MNIST, and
# anomaly detection of each held-out class (ae1 trained without it, the
# test set scored, the ROC AUC of finding that class). Run from the
# repository root; about 15 minutes on 2 cores.
set -eu
go build -o /tmp/latent-uses ./cmd/latent
L=/tmp/latent-uses
mkdir -p results/uses
cd results/uses
for ds in mnist fashion; do
  for dim in 2 32; do
    $L pca "$ds" --dim "$dim" --out "pca-$ds-$dim" --json > "pca-$ds-$dim.json"
  done
  $L run ae1 --dataset "$ds" --out "ae1-$ds" --force > "ae1-$ds.log"
  $L run ae3b --dataset "$ds" --out "ae3b-$ds" --force > "ae3b-$ds.log"
  $L compare "ae1-$ds/model.safetensors" "pca-$ds-32/model.safetensors" --data "$ds" --out "compare-$ds-32" --json > "compare-$ds-32.json"
  $L compare "ae3b-$ds/model.safetensors" "pca-$ds-2/model.safetensors" --data "$ds" --out "compare-$ds-2" --json > "compare-$ds-2.json"
done
# Held-out classes: train ae1 without one class, score the whole test set.
mkdir -p held-out
while IFS=: read -r ds i class; do
  dir="held-out/$ds-$i"
  $L run ae1 --dataset "$ds" --exclude "$class" --out "$dir" --force > "$dir.log"
  $L anomalies "$dir/model.safetensors" "$ds" --labels "class=$class" --out "$dir/anomalies" --json > "$dir/anomalies.json"
  printf '%s %s %s ' "$ds" "$i" "$class"; cat "$dir/anomalies.json"
done <<'CLASSES' | tee held-out/auc.txt
mnist:0:0
mnist:1:1
mnist:2:2
mnist:3:3
mnist:4:4
mnist:5:5
mnist:6:6
mnist:7:7
mnist:8:8
mnist:9:9
fashion:0:T-shirt/top
fashion:1:Trouser
fashion:2:Pullover
fashion:3:Dress
fashion:4:Coat
fashion:5:Sandal
fashion:6:Shirt
fashion:7:Sneaker
fashion:8:Bag
fashion:9:Ankle boot
CLASSES
