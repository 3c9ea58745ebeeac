#!/usr/bin/env bash
set -eu
cd "$(dirname "$0")/../../.."
export SKILLMIX_THREADS=1
C="scripts/skillmix compare conf/benchmark.conf --seeds 5 --devices cpu,cpu --no-progress --out runs/bench"
K=""  # the comparison's own overrides, if it was started with any
A=(--arm "temp-10=mix.method=temp,mix.prior-temperature=10"
   --arm "corner-noise=mix.method=fixed,mix.weights={math=0.075,definitions=0.075,nlp=0.075,writing=0.075,noise=0.7}"
   --arm "mos-prior-1=mix.method=mos,mix.scorer-prior-temperature=1"
   --arm "mos-prior-10=mix.method=mos,mix.scorer-prior-temperature=10"
   --arm "mos-diff-ema-lr0.01=mix.method=mos,mix.reward=diff,mix.ema=true,mix.scorer-lr=0.01")
$C "${A[@]}" --arms prop,temp-10,uni,corner-noise ${K:+"$K"} > /dev/null && cp runs/bench/table.md runs/bench/view-sweep.md
$C "${A[@]}" --arms prop,mos-prior-1,temp-10,mos-prior-10,uni,mos-cossim-ema ${K:+"$K"} > /dev/null && cp runs/bench/table.md runs/bench/view-t3.md
$C "${A[@]}" --specialist writing --arms only,prop,temp-10,uni,mos-cossim-ema,mospec-cossim-ema ${K:+"$K"} > /dev/null && cp runs/bench/table-writing.md runs/bench/view-t5.md
# Last: the folder's table.md is the full Table 2 view.
$C "${A[@]}" --arms prop,temp-10,uni,corner-noise,mos-cossim-ema,mos-diff-ema,multidds,multiuat,mos-diff-ema-lr0.01 ${K:+"$K"} > /dev/null && cp runs/bench/table.md runs/bench/view-t2.md
echo views done
