// skillmix dashboard: polls /api/runs/ID/events for the lines of each run's metrics.jsonl and draws
// them (charts.js, sections.js). No outside resources, no libraries. Everything read from the files
// is shown as text (textContent), never as markup.
'use strict';
(function () {
  const { num, fmt, domains, drawChart, legend } = window.SkillmixCharts;
  const { SECTIONS, figures, lastStep } = window.SkillmixSections;
  const POLL_ACTIVE_MS = 1000; // while some run is writing
  const POLL_QUIET_MS = 4000; // every run finished or quiet, or the server gone
  const QUIET_AFTER_MS = 30000;
  const SHOWN_AT_START = 6;

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
      const dom = domains(section, ready, lastStep);
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
      const named = cell(tr, run.name, null, run.dir);
      named.className = 'name';
      named.title = run.dir;
      // S as set, or (auto) as the run's first snapshot shows it; L = -1 is S/2.
      let every = Number(st['mix.update-every']);
      let everyText = st['mix.update-every'];
      if (!Number.isInteger(every) && run.sent.length) {
        every = run.sent[0].version;
        everyText = `${every} (${st['mix.update-every']})`;
      }
      const lagSetting = Number(st['mix.lag-steps']);
      const lagValue = lagSetting === -1 ? (Number.isInteger(every) ? Math.floor(every / 2) : 'S/2') : st['mix.lag-steps'];
      const lag = lagValue !== undefined && st['mix.apply'] === 'lagged' ? `, L ${lagValue}` : '';
      cell(tr, [st['mix.method'], st['mix.apply']].filter(Boolean).join(' · ') || '–', 'method',
        everyText !== undefined ? `S ${everyText}${lag}` : '');
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
      // Whether a run has finished (its report is written): read while one has not, and every 5 s.
      if (changed || Date.now() - detailsAt > 5000 || state.runs.some((r) => !r.finished)) {
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
