#!/usr/bin/env bash
# Learner step time with the reward evaluator local (one JVM) vs remote (scripts/cluster-local), alternating.
cd "$(dirname "$0")/.."
S="train.steps=80 mix.update-every=20 mix.lag-steps=10 data.builtin.total=2000 run.progress=false"
export SKILLMIX_THREADS=1 SKILLMIX_JAVA_OPTS=-Xmx3g
for r in 1 2; do
  s=$(date +%s.%N); scripts/skillmix train run.dir=runs/stepcmp/local-$r $S > /tmp/stepcmp-local-$r.log 2>&1; echo "local-$r exit $? wall $(echo "$(date +%s.%N) - $s" | bc)"
  s=$(date +%s.%N); scripts/cluster-local run.dir=runs/stepcmp/remote-$r $S > /tmp/stepcmp-remote-$r.log 2>&1; echo "remote-$r exit $? wall $(echo "$(date +%s.%N) - $s" | bc)"
done
