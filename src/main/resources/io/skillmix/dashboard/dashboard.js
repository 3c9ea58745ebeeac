// skillmix dashboard: polls /api/runs/ID/events for the lines of each run's metrics.jsonl and draws
// them as SVG. No outside resources, no libraries. Everything read from the files is shown as text
// (textContent), never as markup.
'use strict';
(function () {
  const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#ff9da7',
    '#9c755f', '#bab0ac'];
  const POLL_ACTIVE_MS = 1000; // while some run is writing
  const POLL_QUIET_MS = 4000; // every run finished or quiet, or the server gone
  const QUIET_AFTER_MS = 30000;
  const MAX_DRAWN = 1500; // points per drawn line; longer series are averaged in buckets
  const SHOWN_AT_START = 6;
  const SVG = 'http://www.w3.org/2000/svg';

  const state = { runs: [], updates: 0, down: false, lastChange: 0 };
  window.dashboard = state; // for the curious (and the browser test): the runs as the page holds them

  // ---------------------------------------------------------------- data

  function newRun(info, index) {
    const run = { id: info.id, name: info.name, dir: info.dir, settings: {}, finished: false, shown: index < SHOWN_AT_START,
      generation: null, next: 0, unreadable: 0, lastNewAt: 0 };
    clear(run);
    return run;
  }

  function clear(run) {
    Object.assign(run, { datasets: [], weights: [], train: [], rewards: [], sent: [], answered: [], evals: [], notes: [],
      system: null, next: 0 });
  }

  function learnNames(run, byName) {
    if (!byName) return;
    for (const name of Object.keys(byName)) {
      if (!run.datasets.includes(name)) run.datasets.push(name);
    }
  }

  function ingest(run, e) {
    switch (e.event) {
      case 'weights': learnNames(run, e.probs); run.weights.push(e); break;
      case 'train': learnNames(run, e.losses); run.train.push(e); break;
      case 'rewards': learnNames(run, e.rewards); run.rewards.push(e); break;
      case 'snapshot_sent': run.sent.push(e); break;
      case 'snapshot_answered': run.answered.push(e); break;
      case 'eval': run.evals.push(e); break;
      case 'system': run.system = e; break;
      default: run.notes.push(e);
    }
  }

  function colorOf(run, name) {
    const i = run.datasets.indexOf(name);
    return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
  }

  const num = (v) => typeof v === 'number' && isFinite(v);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);

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

  // ---------------------------------------------------------------- the charts' series

  function perDataset(run, rows, x, y) {
    return run.datasets.map((name) => ({
      name, color: colorOf(run, name),
      points: rows.map((r) => [x(r), y(r, name)]).filter(([a, b]) => num(a) && num(b)),
    }));
  }

  function lossOf(r, name) { return r.losses ? r.losses[name] : undefined; }

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
      caption(run) {
        const w = run.weights[run.weights.length - 1];
        return w ? `now: snapshot ${w.version}, in effect from step ${w.step}` : '';
      },
    },
    {
      key: 'loss', title: 'Training loss per dataset',
      note: 'Each step\'s token-weighted loss of the dataset\'s examples (thin), and its moving average (EMA 0.1).',
      xLabel: 'step', yLabel: 'loss',
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
      xLabel: 'snapshot (step)', yLabel: 'reward',
      series(run) {
        const raw = perDataset(run, run.rewards, (r) => r.version, (r, n) => r.rewards[n]);
        const smooth = perDataset(run, run.rewards, (r) => r.version, (r, n) => r.smoothed[n]);
        return raw.flatMap((s, i) => [
          Object.assign(s, { kind: 'raw', dash: true, dots: true, width: 1.2, legend: false }),
          Object.assign(smooth[i], { kind: 'smoothed', width: 2 }),
        ]);
      },
      legendValue(run, s) { return s.points.length ? fmt(s.points[s.points.length - 1][1], 4) : ''; },
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
      xLabel: 'step', yLabel: 'tokens/s', yFromZero: true,
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
      xLabel: 'step', yLabel: 'seconds', yFromZero: true,
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
      empty: 'not recorded by this run',
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

  // ---------------------------------------------------------------- drawing

  function fmt(v, digits) {
    if (!num(v)) return '–';
    if (digits !== undefined) return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    const a = Math.abs(v);
    if (a >= 1000) return Math.round(v).toLocaleString('en-US');
    if (a >= 100) return v.toFixed(0);
    if (a >= 10) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    if (a === 0) return '0';
    return v.toPrecision(3);
  }

  /** About {@code count} round values between lo and hi, and how to write them (as many decimals as the step needs). */
  function ticks(lo, hi, count) {
    if (!(hi > lo)) { hi = lo + 1; }
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) out.push(i * step);
    const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9) + (String(step / mag).includes('.') ? 1 : 0));
    const label = (v) => (Math.abs(v) >= 1e4 ? Math.round(v).toLocaleString('en-US') : v.toFixed(Math.min(decimals, 8)));
    return { values: out, step, label };
  }

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  /** At most MAX_DRAWN points: longer series are averaged in equal runs of points. */
  function decimate(points) {
    if (points.length <= MAX_DRAWN) return points;
    const size = Math.ceil(points.length / MAX_DRAWN);
    const out = [];
    for (let i = 0; i < points.length; i += size) {
      const part = points.slice(i, i + size);
      out.push([part[part.length - 1][0], sum(part.map((p) => p[1])) / part.length]);
    }
    return out;
  }

  function domains(section, runs) {
    let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
    for (const run of runs) {
      for (const s of section.series(run)) {
        for (const [x, y] of s.points) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
        if (s.extendTo !== undefined) x1 = Math.max(x1, s.extendTo);
      }
      x1 = Math.max(x1, lastStep(run));
    }
    if (!isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    x0 = Math.min(x0, 0);
    if (section.yFromZero) y0 = Math.min(0, y0);
    if (y1 - y0 < 1e-9) { const pad = Math.max(Math.abs(y1) * 0.05, 0.5); y0 -= section.yFromZero && y0 === 0 ? 0 : pad; y1 += pad; }
    else { const pad = (y1 - y0) * 0.06; y1 += pad; if (!section.yFromZero || y0 < 0) y0 -= pad; }
    if (x1 <= x0) x1 = x0 + 1;
    return { x: [x0, x1], y: [y0, y1] };
  }

  function drawChart(card, section, run, dom) {
    const width = Math.max(320, card.clientWidth - 20);
    const height = 210;
    const yt = ticks(dom.y[0], dom.y[1], 5);
    const longest = Math.max(...yt.values.map((v) => yt.label(v).length));
    const m = { l: 26 + 6.5 * longest, r: 14, t: 10, b: 34 }; // room for the longest y label
    const w = width - m.l - m.r; const h = height - m.t - m.b;
    const sx = (x) => m.l + (x - dom.x[0]) / (dom.x[1] - dom.x[0]) * w;
    const sy = (y) => m.t + h - (y - dom.y[0]) / (dom.y[1] - dom.y[0]) * h;
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, 'data-chart': section.key, 'data-run': run.id,
      role: 'img', 'aria-label': `${section.title}: ${run.name}` });
    const grid = el('g', { class: 'grid' }, svg);
    const axis = el('g', { class: 'axis' }, svg);
    for (const v of yt.values) {
      el('line', { x1: m.l, x2: m.l + w, y1: sy(v), y2: sy(v) }, grid);
      const label = el('text', { x: m.l - 6, y: sy(v) + 4, 'text-anchor': 'end' }, axis);
      label.textContent = yt.label(v);
    }
    const xt = ticks(dom.x[0], dom.x[1], Math.max(3, Math.floor(w / 90)));
    for (const v of xt.values) {
      el('line', { x1: sx(v), x2: sx(v), y1: m.t + h, y2: m.t + h + 4 }, axis);
      const label = el('text', { x: sx(v), y: m.t + h + 16, 'text-anchor': 'middle' }, axis);
      label.textContent = xt.label(v);
    }
    el('line', { x1: m.l, x2: m.l + w, y1: m.t + h, y2: m.t + h }, axis);
    el('text', { class: 'axis-label', x: m.l + w, y: height - 2, 'text-anchor': 'end' }, svg).textContent = section.xLabel;
    el('text', { class: 'axis-label', x: 10, y: m.t + h / 2, transform: `rotate(-90 10 ${m.t + h / 2})`, 'text-anchor': 'middle' }, svg)
      .textContent = section.yLabel;

    const series = section.series(run);
    const plot = el('g', {}, svg);
    for (const s of series) {
      const drawn = decimate(s.points);
      const g = el('g', { 'data-series': s.name, 'data-kind': s.kind, 'data-count': s.points.length,
        'data-xy': JSON.stringify(drawn) }, plot);
      if (s.width > 0 && drawn.length) {
        let d = '';
        drawn.forEach(([x, y], i) => {
          if (s.style === 'step' && i > 0) d += `H${sx(x).toFixed(1)}`;
          d += `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`;
        });
        if (s.style === 'step' && s.extendTo !== undefined) d += `H${sx(Math.max(s.extendTo, drawn[drawn.length - 1][0])).toFixed(1)}`;
        el('path', { d, fill: 'none', stroke: s.color, 'stroke-width': s.width, 'stroke-opacity': s.opacity || 1,
          'stroke-dasharray': s.dash ? '4 3' : 'none', 'stroke-linejoin': 'round' }, g);
      }
      if (s.dots || s.style === 'step' || s.width === 0) {
        for (const [x, y] of drawn.length <= 200 ? drawn : []) {
          if (s.crosses) {
            const cx = sx(x); const cy = sy(y) - 1;
            el('path', { d: `M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`, stroke: s.color, 'stroke-width': 2 }, g);
          } else {
            el('circle', { cx: sx(x), cy: sy(y), r: s.style === 'step' ? 2.5 : 3, fill: s.color }, g);
          }
        }
      }
    }
    hover(svg, series, sx, sy, m, h, dom, section);
    return svg;
  }

  function hover(svg, series, sx, sy, m, h, dom, section) {
    const line = el('line', { class: 'hoverline', y1: m.t, y2: m.t + h, visibility: 'hidden' }, svg);
    const tip = document.getElementById('tooltip');
    const box = el('rect', { x: m.l, y: m.t, width: Math.max(0, sx(dom.x[1]) - m.l), height: h, fill: 'transparent' }, svg);
    box.addEventListener('mousemove', (ev) => {
      const r = svg.getBoundingClientRect();
      const scale = r.width / svg.viewBox.baseVal.width;
      const px = (ev.clientX - r.left) / scale;
      const x = dom.x[0] + (px - m.l) / (sx(dom.x[1]) - m.l) * (dom.x[1] - dom.x[0]);
      const rows = [];
      let at = null;
      for (const s of series) {
        if (s.legend === false || !s.points.length) continue;
        const i = nearest(s.points, x, s.style === 'step');
        if (i < 0) continue;
        const [px2, py] = s.points[i];
        if (at === null || Math.abs(px2 - x) < Math.abs(at - x)) at = px2;
        rows.push({ s, x: px2, y: py, meta: s.meta ? s.meta[i] : null });
      }
      if (!rows.length) { tip.hidden = true; return; }
      line.setAttribute('x1', sx(at)); line.setAttribute('x2', sx(at)); line.setAttribute('visibility', 'visible');
      tip.replaceChildren();
      const head = document.createElement('b');
      head.textContent = `${section.xLabel} ${fmt(at)}`;
      tip.appendChild(head);
      for (const row of rows) {
        const div = document.createElement('div');
        const dot = document.createElement('i');
        dot.style.background = row.s.color;
        div.appendChild(dot);
        div.appendChild(document.createTextNode(`${row.s.name}: ${fmt(row.y)}` + (row.x !== at ? ` (at ${fmt(row.x)})` : '')
          + (row.meta ? ` · ${row.meta}` : '')));
        tip.appendChild(div);
      }
      tip.hidden = false;
      tip.style.left = `${Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8)}px`;
      tip.style.top = `${ev.clientY + 12}px`;
    });
    box.addEventListener('mouseleave', () => { tip.hidden = true; line.setAttribute('visibility', 'hidden'); });
  }

  /** Index of the point nearest x (for a step line: the last at or before x). */
  function nearest(points, x, step) {
    let lo = 0; let hi = points.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (points[mid][0] <= x) lo = mid; else hi = mid - 1; }
    if (step) return points[lo][0] <= x ? lo : (lo === 0 ? 0 : -1);
    if (lo + 1 < points.length && Math.abs(points[lo + 1][0] - x) < Math.abs(points[lo][0] - x)) return lo + 1;
    return lo;
  }

  function legend(section, run) {
    const div = document.createElement('div');
    div.className = 'legend';
    for (const s of section.series(run)) {
      if (s.legend === false) continue;
      const item = document.createElement('span');
      item.setAttribute('data-legend', s.name);
      const swatch = document.createElement('i');
      swatch.style.background = s.color;
      if (s.crosses) swatch.style.height = '8px';
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      const value = section.legendValue ? section.legendValue(run, s) : '';
      if (value) {
        const v = document.createElement('span');
        v.className = 'value';
        v.textContent = value;
        item.appendChild(v);
      }
      div.appendChild(item);
    }
    return div;
  }

  function render() {
    const shown = state.runs.filter((r) => r.shown);
    document.body.classList.toggle('single', shown.length === 1);
    const root = document.getElementById('charts');
    root.replaceChildren();
    const pending = []; // charts are drawn once every card is laid out, at its final width
    for (const section of SECTIONS) {
      const wrap = document.createElement('section');
      wrap.className = 'section';
      wrap.setAttribute('data-section', section.key);
      const h2 = document.createElement('h2');
      h2.textContent = section.title;
      const p = document.createElement('p');
      p.textContent = section.note;
      const row = document.createElement('div');
      row.className = 'row';
      wrap.append(h2, p, row);
      root.appendChild(wrap);
      const ready = shown.filter((run) => !section.needs || section.needs(run));
      const dom = domains(section, ready);
      for (const run of shown) {
        const card = document.createElement('div');
        card.className = 'card';
        if (shown.length > 1) {
          const name = document.createElement('div');
          name.className = 'runname';
          name.textContent = run.name;
          card.appendChild(name);
        }
        row.appendChild(card);
        if (section.needs && !section.needs(run)) {
          const empty = document.createElement('div');
          empty.className = 'empty';
          empty.textContent = section.empty || 'nothing yet';
          card.appendChild(empty);
          continue;
        }
        card.appendChild(legend(section, run));
        if (section.caption) {
          const c = document.createElement('div');
          c.className = 'legend';
          c.setAttribute('data-caption', section.key);
          c.textContent = section.caption(run);
          card.appendChild(c);
        }
        pending.push(() => card.insertBefore(drawChart(card, section, run, dom), card.querySelector('.legend')));
      }
    }
    renderNotes(root, shown);
    pending.forEach((draw) => draw());
    renderTable();
  }

  function renderNotes(root, shown) {
    const notes = shown.map((run) => ({ run, list: run.notes.filter((n) => n.event !== 'checkpoint').slice(-8) }));
    if (!notes.some((n) => n.list.length)) return;
    const wrap = document.createElement('section');
    wrap.className = 'section';
    wrap.setAttribute('data-section', 'notes');
    const h2 = document.createElement('h2');
    h2.textContent = 'Notes';
    const p = document.createElement('p');
    p.textContent = 'The latest lines that are neither steps nor figures: skipped updates, restarts, faults.';
    const row = document.createElement('div');
    row.className = 'row';
    wrap.append(h2, p, row);
    for (const { run, list } of notes) {
      const card = document.createElement('div');
      card.className = 'card';
      const ul = document.createElement('ul');
      ul.className = 'notes';
      for (const n of list) {
        const li = document.createElement('li');
        const step = document.createElement('span');
        step.className = 'step';
        step.textContent = `step ${n.step}`;
        const kind = document.createElement('span');
        kind.className = 'kind' + (/skipped|fail|fault|restart/.test(n.event) ? ' bad' : '');
        kind.textContent = n.event;
        li.append(step, kind, document.createTextNode(n.message || ''));
        ul.appendChild(li);
      }
      if (shown.length > 1) {
        const name = document.createElement('div');
        name.className = 'runname';
        name.textContent = run.name;
        card.appendChild(name);
      }
      card.appendChild(ul);
      row.appendChild(card);
    }
    root.appendChild(wrap);
  }

  function cell(tr, text, key, sub) {
    const td = document.createElement('td');
    if (key) td.setAttribute('data-figure', key);
    td.textContent = text;
    if (sub) {
      const s = document.createElement('div');
      s.className = 'sub';
      s.textContent = sub;
      td.appendChild(s);
    }
    tr.appendChild(td);
    return td;
  }

  function runState(run) {
    if (run.finished) return 'finished';
    if (state.down) return 'server stopped';
    if (Date.now() - run.lastNewAt < QUIET_AFTER_MS) return 'training';
    return run.next > 0 ? 'quiet' : 'waiting for lines';
  }

  function renderTable() {
    const body = document.querySelector('#runs tbody');
    body.replaceChildren();
    for (const run of state.runs) {
      const f = figures(run);
      const st = run.settings;
      const tr = document.createElement('tr');
      tr.setAttribute('data-run', run.id);
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = run.shown;
      box.addEventListener('change', () => { run.shown = box.checked; render(); });
      const first = document.createElement('td');
      first.appendChild(box);
      tr.appendChild(first);
      cell(tr, run.name, null, run.dir).className = 'name';
      const every = Number(st['mix.update-every']);
      const lagSetting = Number(st['mix.lag-steps']);
      const lagValue = lagSetting === -1 && Number.isInteger(every) ? Math.floor(every / 2) : st['mix.lag-steps'];
      const lag = lagValue !== undefined && st['mix.apply'] === 'lagged' ? `, L ${lagValue}` : '';
      cell(tr, [st['mix.method'], st['mix.apply']].filter(Boolean).join(' · ') || '–', 'method',
        st['mix.update-every'] !== undefined ? `S ${st['mix.update-every']}${lag}` : '');
      cell(tr, `${f.steps}` + (st['train.steps'] ? ` / ${st['train.steps']}` : ''), 'steps');
      cell(tr, fmt(f.tokensPerSecond, 0), 'tokens-per-second');
      cell(tr, num(f.waiting) ? `${(100 * f.waiting).toFixed(1)}%` : '–', 'waiting');
      cell(tr, `${fmt(f.evaluatorSeconds, 1)} s`, 'evaluator', num(f.evaluatorShare) ? `${(100 * f.evaluatorShare).toFixed(0)}% of the loop` : '');
      cell(tr, num(f.latencyMean) ? `${fmt(f.latencyMean, 2)} / ${fmt(f.latencyMax, 2)} s` : '–', 'latency');
      cell(tr, num(f.stalenessMean) ? `${fmt(f.stalenessMean, 1)} / ${f.stalenessMax}` : '–', 'staleness');
      cell(tr, `${f.updates} / ${f.skipped}`, 'updates');
      cell(tr, fmt(f.heldOut, 3), 'heldout', f.heldOutStep !== null ? `step ${f.heldOutStep}` : '');
      cell(tr, runState(run), 'state', run.unreadable ? `${run.unreadable} unreadable line(s)` : '');
      body.appendChild(tr);
    }
  }

  function renderStatus() {
    const status = document.getElementById('status');
    const banner = document.getElementById('banner');
    const live = state.runs.some((r) => !r.finished && Date.now() - r.lastNewAt < QUIET_AFTER_MS);
    let text;
    if (state.down) {
      status.dataset.state = 'down';
      text = 'server not answering';
      banner.hidden = false;
      banner.textContent = (state.runs.length && state.runs.every((r) => r.finished)
        ? 'The run has finished and its server has stopped.'
        : 'The dashboard\'s server is not answering: the run has ended or was stopped.')
        + ' The page keeps what it had read; `skillmix dashboard RUN_DIR` shows a run from its folder.';
    } else {
      banner.hidden = true;
      status.dataset.state = live ? 'live' : (state.runs.length && state.runs.every((r) => r.finished) ? 'finished' : 'quiet');
      text = live ? 'live' : status.dataset.state;
    }
    const n = state.runs.length;
    const written = Math.max(0, ...state.runs.map((r) => r.modified || 0));
    status.textContent = `${text} · ${n} run${n === 1 ? '' : 's'}`
      + (written ? ` · metrics last written ${new Date(written).toLocaleTimeString()}` : '');
  }

  // ---------------------------------------------------------------- polling

  async function getJson(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  }

  /** Reads what is new of one run's metrics; true when something was. */
  async function pollRun(run) {
    let changed = false;
    for (;;) {
      const known = run.generation === null ? '' : `&generation=${run.generation}`;
      const body = await getJson(`api/runs/${encodeURIComponent(run.id)}/events?from=${run.next}${known}`);
      if (body.reset || (run.generation !== null && body.generation !== run.generation)) {
        clear(run);
        changed = true;
      }
      run.generation = body.generation;
      body.events.forEach((e) => ingest(run, e));
      run.next = body.next;
      run.unreadable = body.unreadable;
      if (body.events.length) {
        run.lastNewAt = Date.now();
        state.lastChange = run.lastNewAt;
        changed = true;
      }
      if (!body.more) return changed;
    }
  }

  let detailsAt = 0;

  async function refreshDetails() {
    for (const run of state.runs) {
      const d = await getJson(`api/runs/${encodeURIComponent(run.id)}`);
      run.settings = d.settings || {};
      run.finished = !!d.finished;
      run.modified = d.metrics_modified ? Date.parse(d.metrics_modified) : 0;
    }
    detailsAt = Date.now();
  }

  async function tick() {
    let changed = false;
    try {
      if (!state.runs.length) {
        state.runs = (await getJson('api/runs')).runs.map(newRun);
      }
      for (const run of state.runs) {
        if (await pollRun(run)) changed = true;
      }
      // Whether a run has finished (its report is written) is read when its lines move, and every 5 s.
      if (changed || Date.now() - detailsAt > 5000) {
        await refreshDetails();
        changed = true;
      }
      if (state.down) changed = true;
      state.down = false;
    } catch (e) {
      if (!state.down) changed = true;
      state.down = true;
    }
    if (changed) render(); else renderTable();
    renderStatus();
    state.updates++;
    window.dispatchEvent(new CustomEvent('dashboard:update', { detail: { changed } }));
    const active = state.runs.some((r) => !r.finished && Date.now() - r.lastNewAt < QUIET_AFTER_MS);
    setTimeout(tick, active && !state.down ? POLL_ACTIVE_MS : POLL_QUIET_MS);
  }

  function start() {
    let resizeTimer = null;
    window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(render, 150); });
    tick();
  }

  start();
})();
