// skillmix dashboard, what is drawn: each chart's series from a run's metrics lines, and the
// figures of the overview table.
'use strict';
window.SkillmixSections = (function () {
  const { num, sum, fmt } = window.SkillmixCharts;
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#ff9da7',
    '#9c755f', '#bab0ac'];

  function colorOf(run, name) {
    const i = run.datasets.indexOf(name);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  function ema(points, alpha) {
    let s = null;
    return points.map(([x, y]) => { s = s === null ? y : alpha * y + (1 - alpha) * s; return [x, s]; });
  }

  function movingMean(points, window) {
    const out = [];
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      total += points[i][1];
      if (i >= window) total -= points[i - window][1];
      out.push([points[i][0], total / Math.min(i + 1, window)]);
    }
    return out;
  }

  /** The figures of the overview table, from the lines read so far. */
  function figures(run) {
    const t = run.train;
    const loop = sum(t.map((s) => s.seconds + s.wait_seconds));
    const recent = t.slice(-20);
    const recentTime = sum(recent.map((s) => s.seconds + s.wait_seconds));
    const evalSeconds = sum(run.evals.map((e) => e.seconds || 0));
    const evaluator = sum(run.rewards.map((r) => r.evaluator_seconds || 0));
    const latencies = run.answered.map((a) => a.latency_seconds).filter(num);
    const updates = run.weights.filter((w) => w.version > 0);
    const stale = updates.map((w) => w.step - w.version);
    const last = run.evals[run.evals.length - 1];
    const heldOut = last ? Object.values(last.heldout_loss || {}).filter(num) : [];
    return {
      steps: t.length ? t[t.length - 1].step + 1 : 0,
      tokensPerSecond: recentTime > 0 ? sum(recent.map((s) => s.tokens)) / recentTime : NaN,
      waiting: loop > 0 ? sum(t.map((s) => s.wait_seconds)) / loop : NaN,
      evaluatorSeconds: evaluator,
      evaluatorShare: loop + evalSeconds > 0 ? evaluator / (loop + evalSeconds) : NaN,
      latencyMean: latencies.length ? sum(latencies) / latencies.length : NaN,
      latencyMax: latencies.length ? Math.max(...latencies) : NaN,
      stalenessMean: stale.length ? sum(stale) / stale.length : NaN,
      stalenessMax: stale.length ? Math.max(...stale) : NaN,
      updates: updates.length,
      skipped: run.notes.filter((n) => n.event === 'skipped_update').length,
      heldOut: heldOut.length ? sum(heldOut) / heldOut.length : NaN,
      heldOutStep: last ? last.step : null,
    };
  }

  function perDataset(run, rows, x, y) {
    return run.datasets.map((name) => ({
      name, color: colorOf(run, name),
      points: rows.map((r) => [x(r), y(r, name)]).filter(([a, b]) => num(a) && num(b)),
    }));
  }

  function lossOf(r, name) { return r.losses ? r.losses[name] : undefined; }

  const stepped = (run) => run.train.length > 0;
  const NO_STEP = 'no step yet';

  const SECTIONS = [
    {
      key: 'probabilities', title: 'Sampling probabilities',
      note: 'From the step each update took effect; hover for the snapshot it came from.',
      xLabel: 'step', yLabel: 'probability', yFromZero: true,
      series(run) {
        return perDataset(run, run.weights, (w) => w.step, (w, n) => w.probs[n]).map((s) => {
          const meta = run.weights.map((w) => `snapshot ${w.version}` + (w.version > 0 ? `, ${w.step - w.version} steps stale` : ' (prior)'));
          return Object.assign(s, { kind: 'value', style: 'step', width: 2, meta, extendTo: lastStep(run) });
        });
      },
      legendValue(run, s) {
        const w = run.weights[run.weights.length - 1];
        return w ? `${fmt(w.probs[s.name], 3)}` : '';
      },
      // Above the plot, the snapshot each change of the probabilities came from.
      marks(run) { return run.weights.map((w) => ({ x: w.step, label: `#${w.version}` })); },
      marksTitle: 'snapshot',
      caption(run) {
        const w = run.weights[run.weights.length - 1];
        return w ? `now: snapshot ${w.version}, in effect from step ${w.step}` : '';
      },
    },
    {
      key: 'loss', title: 'Training loss per dataset',
      note: 'Each step\'s token-weighted loss of the dataset\'s examples (thin), and its moving average (EMA 0.1).',
      xLabel: 'step', yLabel: 'loss', needs: stepped, empty: NO_STEP,
      series(run) {
        const raw = perDataset(run, run.train, (r) => r.step, lossOf);
        return raw.flatMap((s) => [
          Object.assign({}, s, { kind: 'raw', width: 1, opacity: 0.3, legend: false }),
          Object.assign({}, s, { kind: 'smoothed', points: ema(s.points, 0.1), width: 2 }),
        ]);
      },
      legendValue(run, s) { return s.points.length ? fmt(s.points[s.points.length - 1][1], 3) : ''; },
    },
    {
      key: 'rewards', title: 'Rewards per snapshot',
      note: 'Raw (dashed, dots) and smoothed as the scorer used them (solid).',
      xLabel: 'snapshot (step)', yLabel: 'reward', needs: (run) => run.rewards.length > 0,
      empty: 'no rewards yet: the first snapshot is taken after mix.update-every steps',
      series(run) {
        const raw = perDataset(run, run.rewards, (r) => r.version, (r, n) => r.rewards[n]);
        const smooth = perDataset(run, run.rewards, (r) => r.version, (r, n) => r.smoothed[n]);
        return raw.flatMap((s, i) => [
          Object.assign(s, { kind: 'raw', dash: true, dots: true, width: 1.2, legend: false }),
          Object.assign(smooth[i], { kind: 'smoothed', width: 2 }),
        ]);
      },
      legendValue(run, s) { return s.points.length ? s.points[s.points.length - 1][1].toPrecision(6) : ''; },
    },
    {
      key: 'heldout', title: 'Held-out loss',
      note: 'Evaluations during training (eval.every): mean response-token loss on each dataset\'s held-out examples.',
      xLabel: 'step', yLabel: 'loss', needs: (run) => run.evals.length > 0, empty: 'no evaluation yet (eval.every)',
      series(run) {
        return perDataset(run, run.evals, (e) => e.step, (e, n) => (e.heldout_loss || {})[n])
          .map((s) => Object.assign(s, { kind: 'value', dots: true, width: 2 }));
      },
      legendValue(run, s) { return s.points.length ? fmt(s.points[s.points.length - 1][1], 3) : ''; },
    },
    {
      key: 'scores', title: 'Evaluation scores',
      note: 'Each skill\'s score (0–100) on the built-in mix, and the overall score.',
      xLabel: 'step', yLabel: 'score', yFromZero: true,
      needs: (run) => run.evals.some((e) => e.scores && Object.keys(e.scores).length),
      empty: 'no skill scores: they come with the built-in skill mix and eval.every',
      series(run) {
        const names = [];
        run.evals.forEach((e) => Object.keys(e.scores || {}).forEach((n) => { if (!names.includes(n)) names.push(n); }));
        return names.map((name) => ({
          name, kind: 'value', dots: true, width: name === 'overall' ? 2.5 : 1.5,
          color: name === 'overall' ? '#1f2933' : colorOf(run, name),
          points: run.evals.map((e) => [e.step, (e.scores || {})[name]]).filter(([a, b]) => num(a) && num(b)),
        }));
      },
      legendValue(run, s) { return s.points.length ? fmt(s.points[s.points.length - 1][1], 1) : ''; },
    },
    {
      key: 'throughput', title: 'Tokens per second',
      note: 'Real (non-pad) tokens of each step over its time, waits included (thin), and the EMA (0.1).',
      xLabel: 'step', yLabel: 'tokens/s', yFromZero: true, needs: stepped, empty: NO_STEP,
      series(run) {
        const raw = run.train.filter((r) => r.seconds + r.wait_seconds > 0)
          .map((r) => [r.step, r.tokens / (r.seconds + r.wait_seconds)]);
        return [
          { name: 'each step', kind: 'raw', color: '#4e79a7', points: raw, width: 1, opacity: 0.35, legend: false },
          { name: 'tokens/s', kind: 'smoothed', color: '#4e79a7', points: ema(raw, 0.1), width: 2 },
        ];
      },
      legendValue(run, s) { return s.points.length ? fmt(s.points[s.points.length - 1][1], 0) : ''; },
    },
    {
      key: 'waiting', title: 'Learner: stepping and waiting',
      note: 'Seconds per step computing, and waiting for batches or for probabilities it must apply.',
      xLabel: 'step', yLabel: 'seconds', yFromZero: true, needs: stepped, empty: NO_STEP,
      series(run) {
        return [
          { name: 'stepping', kind: 'value', color: '#9aa5b1', width: 1.2,
            points: run.train.map((r) => [r.step, r.seconds]).filter(([, y]) => num(y)) },
          { name: 'waiting', kind: 'value', color: '#e15759', width: 1.6,
            points: run.train.map((r) => [r.step, r.wait_seconds]).filter(([, y]) => num(y)) },
        ];
      },
      legendValue(run, s) {
        const total = sum(s.points.map((p) => p[1]));
        return `${fmt(total, 1)} s in all`;
      },
    },
    {
      key: 'evaluator', title: 'Reward evaluator',
      note: 'Per snapshot: the evaluator\'s working seconds, and the latency from sending it to its probabilities reaching the learner.',
      xLabel: 'snapshot (step)', yLabel: 'seconds', yFromZero: true, needs: (run) => run.sent.length > 0,
      empty: 'no snapshot sent yet',
      series(run) {
        return [
          { name: 'evaluator busy', kind: 'value', color: '#59a14f', dots: true, width: 1.6,
            points: run.rewards.map((r) => [r.version, r.evaluator_seconds]).filter(([, y]) => num(y)) },
          { name: 'reward latency', kind: 'value', color: '#b07aa1', dots: true, width: 1.6,
            points: run.answered.map((a) => [a.version, a.latency_seconds]).filter(([, y]) => num(y)) },
        ];
      },
      legendValue(run, s) { return s.points.length ? `${fmt(s.points[s.points.length - 1][1], 2)} s` : ''; },
    },
    {
      key: 'staleness', title: 'Staleness per update, and skipped updates',
      note: 'Steps between a snapshot and the step its probabilities took effect; a red mark where an update was skipped.',
      xLabel: 'step', yLabel: 'steps', yFromZero: true, needs: (run) => run.sent.length > 0, empty: 'no snapshot sent yet',
      series(run) {
        const updates = run.weights.filter((w) => w.version > 0);
        return [
          { name: 'staleness', kind: 'value', color: '#f28e2b', dots: true, width: 0, points: updates.map((w) => [w.step, w.step - w.version]),
            meta: updates.map((w) => `snapshot ${w.version}`) },
          { name: 'skipped', kind: 'skipped', color: '#c0392b', crosses: true, width: 0,
            points: run.notes.filter((n) => n.event === 'skipped_update').map((n) => [n.step, 0]),
            meta: run.notes.filter((n) => n.event === 'skipped_update').map((n) => n.message) },
        ];
      },
      legendValue(run, s) { return s.kind === 'skipped' ? `${s.points.length}` : (s.points.length ? `last ${s.points[s.points.length - 1][1]}` : ''); },
    },
    {
      key: 'prefetch', title: 'Dataset actors\' prefetch',
      note: 'Batches of the asked size each dataset actor held ready when the learner asked (0: encoded on demand); thin: each ask, thick: mean of the last 10.',
      xLabel: 'step', yLabel: 'ready batches', yFromZero: true, needs: (run) => run.train.some((r) => r.prefetch),
      empty: 'no step yet, or a run from before prefetch was recorded',
      series(run) {
        const raw = perDataset(run, run.train.filter((r) => r.prefetch), (r) => r.step, (r, n) => r.prefetch[n]);
        return raw.flatMap((s) => [
          Object.assign({}, s, { kind: 'raw', width: 1, opacity: 0.25, legend: false }),
          Object.assign({}, s, { kind: 'smoothed', points: movingMean(s.points, 10), width: 2 }),
        ]);
      },
      legendValue(run, s) {
        const raw = run.train.filter((r) => r.prefetch && num(r.prefetch[s.name]));
        const hits = raw.filter((r) => r.prefetch[s.name] > 0).length;
        return raw.length ? `ready at ${Math.round(100 * hits / raw.length)}% of asks` : '';
      },
    },
  ];

  function lastStep(run) {
    const t = run.train;
    return t.length ? t[t.length - 1].step : (run.weights.length ? run.weights[run.weights.length - 1].step : 0);
  }

  return { SECTIONS, figures, lastStep };
})();
