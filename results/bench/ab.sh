#!/bin/bash
# usage: ab.sh REGEX CPU ROUNDS : alternates old (/tmp/oldtree) and new (/work/main) nn benchmarks, prints medians
re=$1; cpu=$2; rounds=$3
cd /work/main && go test -c -o /tmp/nn-new.test ./nn >/dev/null
cd /tmp/oldtree && go test -c -o /tmp/nn-old.test ./nn >/dev/null
rm -f /tmp/ab-*.txt
for i in $(seq $rounds); do
  for v in old new; do
    (cd /work/main/nn && /tmp/nn-$v.test -test.run XXX -test.bench "$re" -test.cpu $cpu -test.benchtime 10x) | grep Bench | awk -v v=$v '{print v, $1, $3}' >> /tmp/ab-raw.txt
  done
done
python3 - <<'PY'
import collections, statistics
d=collections.defaultdict(list)
for l in open('/tmp/ab-raw.txt'):
    v,n,t=l.split(); d[(n,v)].append(float(t))
names=sorted(set(n for n,v in d))
for n in names:
    o=statistics.median(d[(n,'old')]); w=statistics.median(d[(n,'new')])
    print(f"{n:70s} old {o/1e6:8.3f} ms  new {w/1e6:8.3f} ms  old/new {o/w:5.2f}")
PY
