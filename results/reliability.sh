#!/bin/bash
# Tries again each failure that issue 10 lists and prints what happens
# now; its output is results/reliability.txt. Run from the repository root.
set -u
go build -o /tmp/latent-rel ./cmd/latent
go build -o /tmp/addchecksum ./internal/cmd/addchecksum
L=/tmp/latent-rel
W=$(mktemp -d)
cd "$W"
try() { echo "\$ latent $*"; $L "$@" > out.txt 2> err.txt; code=$?; tail -n 1 err.txt; echo "(exit $code; files in the folder: $(ls -A ${OUTDIR:-.} 2>/dev/null | tr '\n' ' '))"; echo; }
# setnan FILE TENSOR: writes NaN over a tensor's values and seals the file again.
setnan() {
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
path, name = sys.argv[1], sys.argv[2]
b = bytearray(open(path, 'rb').read())
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8+n])
lo, hi = h[name]['data_offsets']
for i in range(8+n+lo, 8+n+hi, 4):
    b[i:i+4] = struct.pack('<f', float('nan'))
open(path, 'wb').write(bytes(b))
PY
  /tmp/addchecksum "$1" > /dev/null
}

echo "== A rerun silently replaces the last run"
$L run ae1 --epochs 1 > /dev/null
OUTDIR=ae1 try run ae1 --epochs 2
echo "== A checkpoint with two flipped data bytes"
cp ae1/checkpoint.safetensors saved.ck
python3 -c "
b=bytearray(open('ae1/checkpoint.safetensors','rb').read()); b[-100]^=0x10; b[-200]^=0x01; open('ae1/checkpoint.safetensors','wb').write(bytes(b))"
try run ae1 --epochs 2 --resume
echo "== NaN in Adam's moments (the file sealed with a valid checksum again)"
cp saved.ck ae1/checkpoint.safetensors
setnan ae1/checkpoint.safetensors optimizer/v/dense/kernel
try run ae1 --epochs 2 --resume
echo "== A model file full of NaN (sealed again)"
setnan ae1/model.safetensors dense/kernel
try encode ae1/model.safetensors mnist
echo "== A large layer, in run and in summary"
printf '{"name": "big", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 50000000}], "decoder": [{"type": "Dense", "units": 784}]}' > big.json
OUTDIR=big try run big.json
try summary big.json
echo "== Late errors: a bad dataset folder, an input shape, a mask size, a resume"
mkdir -p baddata && printf 'not idx' > baddata/train-images-idx3-ubyte
OUTDIR=l1 try run ae1 --data-dir baddata --out l1
OUTDIR=l2 try run conv --dataset mnist --train ae1/codes.txt --out l2
printf '{"name": "m", "epochs": 1, "input_shape": [28, 28, 1], "mask": {"size": 40}, "encoder": [{"type": "Flatten"}, {"type": "Dense", "units": 4}], "decoder": [{"type": "Dense", "units": 784, "activation": "sigmoid"}, {"type": "Reshape", "target_shape": [28, 28, 1]}]}' > mask.json
OUTDIR=l3 try run mask.json --out l3
cp saved.ck ae1/checkpoint.safetensors
OUTDIR=ae1 try run ae1 --epochs 3 --batch-size 128 --out ae1 --resume
echo "== Ctrl-C"
$L run ae1 --epochs 1000 --out ctrlc > /dev/null 2> err.txt &
pid=$!
while [ ! -f ctrlc/checkpoint.safetensors ]; do sleep 0.05; done
kill -INT $pid; wait $pid; echo "(exit $?)"; tail -n 1 err.txt; echo
echo "== Messages in Go's words"
printf '{"name": "x", "epochs": 1, "input_shape": [784],\n "encoder": [{"type": "Dense", "units": "32"}], "decoder": [{"type": "Dense", "units": 784}]}' > units.json
try summary units.json
printf '{"name": "x", "epochs": 1, "optimizer": {"name": "adam", "learning_rate": -1}}' > adam.json
try summary adam.json
printf '{"name": "x", "epochs": 1,\n "seed": 7,,}' > syntax.json
try summary syntax.json
echo "== Silent acceptances"
printf '{"name": "x", "epochs": 1, "batch_size": 0, "input_shape": [4], "encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 4}]}' > b0.json
try summary b0.json
printf '{"name": "x", "epochs": 1, "print_codes": -2, "input_shape": [4], "encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 4}]}' > pc.json
try summary pc.json
printf '{"name": "x", "epochs": 1, "epochs": 5}' > dup.json
try summary dup.json
printf '{"name": "../../evil", "epochs": 1, "input_shape": [784], "encoder": [{"type": "Dense", "units": 2}], "decoder": [{"type": "Dense", "units": 784}]}' > evil.json
try run evil.json
try run ae1 --batch-size 100000 --out bs
echo "== Two runs into one folder at once"
$L run ae1 --epochs 1000 --out twice > /dev/null 2>&1 &
pid=$!
while [ ! -f twice/.latent.lock ]; do sleep 0.05; done
try run ae1 --out twice --force
kill -INT $pid; wait $pid 2>/dev/null
rm -rf "$W"
