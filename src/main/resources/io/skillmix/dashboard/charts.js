// skillmix dashboard, drawing: line charts in SVG (axes, ticks, step lines, dots, a hover read-out,
// legends). No library. Text from the run's files goes in as textContent, never as markup.
'use strict';
window.SkillmixCharts = (function () {
  const SVG = 'http://www.w3.org/2000/svg';
  const MAX_DRAWN = 1500; // points per drawn line; longer series are averaged in buckets

  const num = (v) => typeof v === 'number' && isFinite(v);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);


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
  function ticks(lo, hi, count, whole) {
    if (!(hi > lo)) { hi = lo + 1; }
    const raw = (hi - lo) / count;
    let mag = Math.pow(10, Math.floor(Math.log10(raw)));
    let step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
    if (whole && (step < 1 || step === 2.5)) { step = step < 1 ? 1 : 2; mag = 1; } // steps are whole numbers
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

  /** Axes shared by the runs shown side by side; {@code lastX}: how far a run has come. */
  function domains(section, runs, lastX) {
    let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
    for (const run of runs) {
      for (const s of section.series(run)) {
        for (const [x, y] of s.points) {
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
        if (s.extendTo !== undefined) x1 = Math.max(x1, s.extendTo);
      }
      x1 = Math.max(x1, lastX(run));
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
    const marks = section.marks ? section.marks(run) : null;
    const m = { l: 26 + 6.5 * longest, r: 14, t: marks ? 24 : 10, b: 34 }; // room for the longest y label
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
    const xt = ticks(dom.x[0], dom.x[1], Math.max(3, Math.floor(w / 90)), true);
    for (const v of xt.values) {
      el('line', { x1: sx(v), x2: sx(v), y1: m.t + h, y2: m.t + h + 4 }, axis);
      const label = el('text', { x: sx(v), y: m.t + h + 16, 'text-anchor': 'middle' }, axis);
      label.textContent = xt.label(v);
    }
    el('line', { x1: m.l, x2: m.l + w, y1: m.t + h, y2: m.t + h }, axis);
    el('text', { class: 'axis-label', x: m.l + w, y: height - 2, 'text-anchor': 'end' }, svg).textContent = section.xLabel;
    el('text', { class: 'axis-label', x: 10, y: m.t + h / 2, transform: `rotate(-90 10 ${m.t + h / 2})`, 'text-anchor': 'middle' }, svg)
      .textContent = section.yLabel;

    if (marks && marks.length) {
      const g = el('g', { class: 'axis', 'data-marks': section.key }, svg);
      el('text', { x: m.l - 14, y: 13, 'text-anchor': 'end' }, g).textContent = section.marksTitle;
      let lastAt = -Infinity;
      for (const mark of marks) {
        const at = sx(mark.x);
        el('line', { x1: at, x2: at, y1: m.t - 5, y2: m.t }, g);
        if (at - lastAt >= 30) { // as many labels as fit
          el('text', { x: at, y: 13, 'text-anchor': 'middle' }, g).textContent = mark.label;
          lastAt = at;
        }
      }
    }
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
      if (s.legend === false || (!s.points.length && !s.crosses)) continue;
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

  return { num, sum, fmt, domains, drawChart, legend };
})();
