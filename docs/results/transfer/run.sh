#!/usr/bin/env bash
# Issue 30.3, does a proxy's mixture transfer? The two best learned arms of the mixers table
# (docs/results/mixers: MoS-Diff and ODM, their seed-1 runs on the 0.77M tiny proxy) replayed on a
# larger model pretrained the same way (1.71M parameters, 500 steps of conf/pretrain.conf), against
# uniform and proportional: fixed at the source's final probabilities, fixed at its draw-weighted
# average, and its whole schedule by fraction of training. Run from the repository root after the
# mixers table (runs/bench-mixers) and runs/bench/english.jsonl exist.
set -eu
export SKILLMIX_THREADS=1
scripts/skillmix model init --preset tiny --hidden-size 192 --intermediate-size 528 --heads 6 --kv-heads 3 \
  --out runs/bench/mid-init
scripts/skillmix train conf/pretrain.conf model.path=runs/bench/mid-init run.dir=runs/bench/mid-base \
  train.lr=3e-3 train.steps=500 run.progress=false
S=runs/bench-mixers
A=()
for src in mos-diff-ema odm; do
  short=${src%%-ema}; short=${short#mos-}
  A+=(--arm "$short-final=mix.method=fixed,mix.fixed.weights-from=\"$S/$src/seed-1@final\""
      --arm "$short-average=mix.method=fixed,mix.fixed.weights-from=\"$S/$src/seed-1@average\""
      --arm "$short-schedule=mix.method=replay,mix.replay.schedule-from=\"$S/$src/seed-1\"")
done
scripts/skillmix compare conf/benchmark.conf model.path=runs/bench/mid-base/final eval.every=0 "${A[@]}" \
  --arms uni,prop,diff-final,diff-average,diff-schedule,odm-final,odm-average,odm-schedule \
  --seeds 3 --devices cpu,cpu --no-progress --out runs/bench-transfer
