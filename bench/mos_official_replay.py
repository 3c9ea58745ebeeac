#!/usr/bin/env python3
"""Replays the official MoS scorer update on the rewards a skillmix run logged.

A peer of skillmix's MoS policy (mix.ScorerPolicies): the official code's scorer and update loop,
re-implemented in plain numpy (torch is not needed) so that skillmix's probabilities can be checked
against them update for update. What it reimplements, from the official trainer:

  * BaseActor: logits = weight * feature, weight of shape (1, N) filled with 1.0, feature = ones;
  * pretrain_data_actor: Adam (torch defaults: betas 0.9/0.999, eps 1e-8) at the actor's lr on
    mse_loss(softmax(logits), prior) (the mean over N) while the loss of the previous pass was
    above 1e-10; the loss is computed, then the step is taken, so the last step follows the first
    loss at or below 1e-10. The same Adam object then makes every RL update;
  * the EMA of rewards: prev = 1 at the start, R̂ = alpha * R + (1 - alpha) * prev;
  * update_dataset_probability: data_optim_steps = 200 Adam steps on
    sum(-log_softmax(logits) * R̂), then p = softmax(logits).

torch.optim.Adam's step, as its single-tensor path computes it:
  m = m + (1 - b1) (g - m);  v = b2 v + (1 - b2) g²;
  denom = sqrt(v) / sqrt(1 - b2^t) + eps;  w -= lr / (1 - b1^t) * m / denom.

Usage:
  bench/mos_official_replay.py RUN_DIR --tau 1 [--lr 1e-4] [--alpha 0.9] [--no-ema] [--steps 200]
      [--dtype float32|float64] [--json OUT]

The prior is p_i ∝ n_i^(1/τ) of the run's training sizes (its report.md). Prints, per update, the
largest difference between the replayed probabilities and the run's, and the largest overall.
"""
import argparse
import json
import math
import os
import sys

import numpy as np


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def log_softmax(z):
    m = z.max()
    return z - (m + np.log(np.exp(z - m).sum()))


class Adam:
    """torch.optim.Adam with its defaults (no weight decay, no amsgrad), one parameter tensor."""

    def __init__(self, shape, lr, dtype):
        self.lr = dtype(lr)
        self.m = np.zeros(shape, dtype=dtype)
        self.v = np.zeros(shape, dtype=dtype)
        self.t = 0
        self.dtype = dtype

    def step(self, w, g):
        d = self.dtype
        b1, b2, eps = d(0.9), d(0.999), d(1e-8)
        self.t += 1
        self.m = self.m + (d(1) - b1) * (g - self.m)
        self.v = b2 * self.v + (d(1) - b2) * g * g
        c1 = d(1) - b1 ** self.t
        c2 = d(1) - b2 ** self.t
        denom = np.sqrt(self.v) / np.sqrt(c2) + eps
        return w - (self.lr / c1) * self.m / denom


class OfficialScorer:
    """BaseActor with its Adam, the warm start and the RL update of the official code."""

    def __init__(self, n, lr, dtype):
        self.dtype = dtype
        self.w = np.ones(n, dtype=dtype)
        self.adam = Adam(n, lr, dtype)
        self.warm_steps = 0

    def probabilities(self):
        return softmax(self.w)

    def pretrain(self, prior):
        target = np.asarray(prior, dtype=self.dtype)
        n = len(target)
        loss = 100.0
        while loss > 1e-10:
            p = softmax(self.w)
            diff = p - target
            loss = float(np.mean(diff * diff))
            dp = self.dtype(2) * diff / self.dtype(n)
            g = p * (dp - np.dot(p, dp))  # through the softmax
            self.w = self.adam.step(self.w, g)
            self.warm_steps += 1

    def update(self, reward_hat, steps):
        r = np.asarray(reward_hat, dtype=self.dtype)
        for _ in range(steps):
            p = softmax(self.w)
            g = -r + p * r.sum()  # d/dz of sum(-log_softmax(z) * r)
            self.w = self.adam.step(self.w, g)
        return softmax(self.w)


def read_sizes(run):
    """The training sizes in dataset order, from the report's dataset table."""
    sizes = {}
    in_table = False
    with open(os.path.join(run, "report.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) > 3 and cells[1] == "dataset" and cells[2] == "train examples":
                in_table = True
            elif in_table and not line.strip():
                break
            elif in_table and cells[2].replace(",", "").isdigit():
                sizes[cells[1]] = int(cells[2].replace(",", ""))
    return sizes


def read_updates(run):
    events = []
    with open(os.path.join(run, "metrics.jsonl"), encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            if e.get("event") == "rewards":
                events.append(e)
    return events


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run")
    ap.add_argument("--tau", type=float, required=True, help="the run's mix.scorer.prior-temperature")
    ap.add_argument("--lr", type=float, default=1e-4, help="the run's mix.scorer.lr")
    ap.add_argument("--alpha", type=float, default=0.9, help="the run's mix.mos.ema-alpha")
    ap.add_argument("--no-ema", action="store_true", help="the run had mix.mos.ema = false")
    ap.add_argument("--steps", type=int, default=200, help="the run's mix.scorer.steps")
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float64",
                    help="float32 as torch computes by default; float64 as skillmix does")
    ap.add_argument("--json", help="also write the inputs and replayed probabilities here")
    args = ap.parse_args()
    dtype = np.float32 if args.dtype == "float32" else np.float64

    sizes = read_sizes(args.run)
    names = list(sizes)
    n = np.array([sizes[k] for k in names], dtype=np.float64)
    q = n / n.sum()
    prior = softmax(np.log(q) / args.tau) if math.isfinite(args.tau) else np.full(len(n), 1.0 / len(n))

    scorer = OfficialScorer(len(names), args.lr, dtype)
    scorer.pretrain(prior)
    prev = np.ones(len(names), dtype=np.float64)
    worst = 0.0
    replay = []
    print(f"datasets {names}; prior {np.round(prior, 6).tolist()}; warm start {scorer.warm_steps} Adam steps")
    for e in read_updates(args.run):
        rewards = np.array([e["rewards"][k] for k in names], dtype=np.float64)
        logged = np.array([e["probs"][k] for k in names], dtype=np.float64)
        if not args.no_ema:
            prev = args.alpha * rewards + (1 - args.alpha) * prev
            smoothed = prev
        else:
            smoothed = rewards
        p = scorer.update(smoothed, args.steps).astype(np.float64)
        d = float(np.abs(p - logged).max())
        worst = max(worst, d)
        replay.append({"version": e["version"], "rewards": rewards.tolist(), "probabilities": p.tolist()})
        print(f"update at step {e['version']:>5}: replay {np.round(p, 6).tolist()} max |diff| {d:.3e}")
    print(f"largest probability difference over {len(replay)} updates: {worst:.3e}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"datasets": names, "sizes": n.tolist(), "tau": args.tau, "lr": args.lr, "alpha": args.alpha,
                       "ema": not args.no_ema, "steps": args.steps, "dtype": args.dtype,
                       "warm_start_steps": scorer.warm_steps, "updates": replay}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
