'use strict';
// forkline serve's page: the job list, the submit form and a job's page, over the JSON API.
const view = document.getElementById('view');
let cleanup = () => {};

const api = async (path, options = {}) => {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = {error: text}; }
  return {status: response.status, ok: response.ok, body};
};
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
};
const fmt = n => (n == null ? '–' : Number(n).toLocaleString('en-US'));
const when = iso => (iso ? new Date(iso).toLocaleString() : '–');
const clock = ms => { const s = Math.round(ms / 1000); return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s'; };
const badge = state => el('span', {class: 'badge ' + state}, state);
const template = id => document.getElementById(id).content.cloneNode(true);

async function route() {
  cleanup();
  cleanup = () => {};
  const hash = location.hash || '#/';
  const job = hash.match(/^#\/jobs\/(\d+)/);
  if (job) return showJob(Number(job[1]));
  if (hash.startsWith('#/submit')) return showSubmit();
  return showJobs();
}
window.addEventListener('hashchange', route);

// ---- the job list
async function showJobs() {
  view.replaceChildren(template('tpl-jobs'));
  const tbody = view.querySelector('tbody');
  const refresh = async () => {
    const r = await api('/api/jobs');
    if (!r.ok) { tbody.replaceChildren(el('tr', {}, el('td', {colspan: 8}, r.body.error || 'cannot list jobs'))); return; }
    view.querySelector('.empty').hidden = r.body.jobs.length > 0;
    tbody.replaceChildren(...r.body.jobs.map(j => el('tr', {class: 'clickable', 'data-job': j.id, onclick: () => { location.hash = '#/jobs/' + j.id; }},
      el('td', {}, j.id), el('td', {}, badge(j.state)), el('td', {}, j.pipeline || ''), el('td', {}, el('code', {}, j.output || '')),
      el('td', {class: 'n'}, fmt(j.counters.ok)), el('td', {class: 'n'}, fmt(j.counters.failed)), el('td', {}, when(j.created_at)),
      el('td', {}, j.message || ''))));
  };
  await refresh();
  const timer = setInterval(refresh, 2000);
  cleanup = () => clearInterval(timer);
}

// ---- the submit form
async function showSubmit() {
  view.replaceChildren(template('tpl-submit'));
  const config = view.querySelector('#config');
  const gutter = view.querySelector('#gutter');
  const base = view.querySelector('#base');
  const overrides = view.querySelector('#overrides');
  const problems = view.querySelector('#problems');
  const status = view.querySelector('#check-status');
  const sample = view.querySelector('#sample');
  let marks = new Map();
  const drawGutter = () => {
    const lines = config.value.split('\n').length;
    const rows = [];
    for (let i = 1; i <= lines; i++) {
      const m = marks.get(i);
      rows.push(m ? el('span', {class: 'err', title: m}, String(i)) : String(i));
      rows.push('\n');
    }
    gutter.replaceChildren(...rows);
    gutter.scrollTop = config.scrollTop;
  };
  const body = () => JSON.stringify({config: config.value, base: base.value.trim() || null,
    set: overrides.value.split('\n').map(s => s.trim()).filter(Boolean)});
  const show = list => {
    marks = new Map();
    for (const p of list) if (p.line) marks.set(p.line, (marks.has(p.line) ? marks.get(p.line) + '\n' : '') + p.message);
    problems.replaceChildren(...list.map(p => el('li', {'data-line': p.line || '', onclick: () => goTo(p.line)},
      p.line ? 'line ' + p.line + ':' + p.column + ' ' : '', p.key ? el('code', {}, p.key) : '', p.key ? ' ' : '', p.message)));
    drawGutter();
  };
  const goTo = line => {
    if (!line) return;
    const lines = config.value.split('\n');
    const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    config.focus();
    config.setSelectionRange(at, at + lines[line - 1].length);
  };
  let pending = null;
  const check = async () => {
    if (!config.value.trim()) { show([]); status.textContent = ''; return; }
    const r = await api('/api/validate', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: body()});
    if (r.ok) { show([]); status.textContent = 'Valid: ' + r.body.pipeline + ', writing to ' + r.body.output; }
    else { show(r.body.problems || [{message: r.body.error}]); status.textContent = (r.body.problems || []).length + ' problem(s)'; }
  };
  const later = () => { clearTimeout(pending); pending = setTimeout(check, 400); };
  config.addEventListener('input', () => { drawGutter(); later(); });
  config.addEventListener('scroll', () => { gutter.scrollTop = config.scrollTop; });
  base.addEventListener('input', later);
  overrides.addEventListener('input', later);
  const samples = await api('/api/samples');
  for (const s of (samples.ok ? samples.body.samples : [])) sample.append(el('option', {value: s.name}, s.name));
  sample.addEventListener('change', () => {
    const s = samples.body.samples.find(x => x.name === sample.value);
    if (s) { config.value = s.config; base.value = s.base; drawGutter(); check(); }
  });
  view.querySelector('#submit-form').addEventListener('submit', async event => {
    event.preventDefault();
    const r = await api('/api/jobs', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: body()});
    if (r.status === 201) location.hash = '#/jobs/' + r.body.id;
    else { show(r.body.problems || [{message: r.body.error || ('HTTP ' + r.status)}]); status.textContent = 'Not queued.'; }
  });
  drawGutter();
}

// ---- a job
async function showJob(id) {
  view.replaceChildren(template('tpl-job'));
  const f = name => view.querySelector('[data-f="' + name + '"]');
  let job = null;
  let lastProgress = null;
  const paint = j => {
    job = j;
    f('id').textContent = j.id;
    f('state').className = 'badge ' + j.state;
    f('state').textContent = j.state;
    f('meta').textContent = (j.pipeline || '') + ' · output ' + (j.output || '') + ' · submitted ' + when(j.created_at)
      + (j.started_at ? ' · started ' + when(j.started_at) : '') + (j.exit_code != null ? ' · exit ' + j.exit_code : '');
    f('message').textContent = j.message || '';
    if (!lastProgress || j.state !== 'running') for (const k of ['inputs', 'rows', 'ok', 'failed']) f(k).textContent = fmt(j.counters[k]);
    view.querySelector('[data-a="cancel"]').disabled = !(j.state === 'queued' || j.state === 'running');
    view.querySelector('[data-a="resume"]').disabled = j.state === 'queued' || j.state === 'running';
    for (const a of view.querySelectorAll('[data-l]')) a.href = j.links[a.dataset.l];
    if (j.config !== undefined) f('config').textContent = j.config;
    if (j.stages && j.state !== 'running') {
      const stages = {};
      for (const s of j.stages) stages[s.name] = {done: s.done, failed: s.failed};
      progress({elapsed_ms: j.wall_ms || 0, inputs: j.counters.inputs, rows: j.counters.rows, ok: j.counters.ok, failed: j.counters.failed, stages});
    }
  };
  const progress = p => {
    lastProgress = p;
    f('inputs').textContent = fmt(p.inputs);
    f('rows').textContent = fmt(p.rows);
    f('ok').textContent = fmt(p.ok);
    f('failed').textContent = fmt(p.failed);
    f('elapsed').textContent = clock(p.elapsed_ms);
    const total = Math.max(p.inputs, 1);
    f('stages').replaceChildren(...Object.entries(p.stages).map(([name, s]) => el('div', {class: 'stage', 'data-stage': name},
      el('span', {}, name),
      el('span', {class: 'track'}, el('span', {class: s.failed > 0 ? 'bad' : '', style: 'width:' + Math.min(100, 100 * s.done / total).toFixed(1) + '%'})),
      el('span', {}, fmt(s.done) + ' / ' + fmt(p.inputs) + (s.failed ? ' (' + fmt(s.failed) + ' failed)' : '')))));
  };
  const finished = async () => {
    const rows = await api('/api/jobs/' + id + '/rows?status=failed&limit=100');
    const holder = f('failed-rows');
    if (!rows.ok) { holder.replaceChildren(el('p', {class: 'note'}, rows.body.error)); }
    else if (rows.body.matched === 0) { holder.replaceChildren(el('p', {class: 'note'}, 'No failed rows.')); }
    else {
      const key = 'url' in rows.body.rows[0] ? 'url' : 'input';
      holder.replaceChildren(el('p', {class: 'note'}, fmt(rows.body.matched) + ' failed rows' + (rows.body.matched > 100 ? ', the first 100' : '') + '.'),
        el('table', {class: 'failed-rows'}, el('thead', {}, el('tr', {}, el('th', {}, key), el('th', {}, 'stage'), el('th', {}, 'kind'), el('th', {}, 'message'))),
          el('tbody', {}, ...rows.body.rows.map(r => el('tr', {}, el('td', {}, el('code', {}, r[key])), el('td', {}, r.failure_stage), el('td', {}, el('code', {}, r.failure_kind)), el('td', {}, r.failure_message))))));
    }
    const report = await fetch('/api/jobs/' + id + '/report').catch(() => null);
    if (report && report.ok) f('report').src = '/api/jobs/' + id + '/report';
  };
  const first = await api('/api/jobs/' + id);
  if (!first.ok) { view.replaceChildren(el('p', {}, first.body.error)); return; }
  paint(first.body);
  for (const action of ['cancel', 'resume']) {
    view.querySelector('[data-a="' + action + '"]').addEventListener('click', async () => {
      const r = await api('/api/jobs/' + id + '/' + action, {method: 'POST'});
      if (r.ok) paint({...job, ...r.body}); else alert(r.body.error);
      if (action === 'resume' && r.ok) listen();
    });
  }
  let source = null;
  const listen = () => {
    if (source) source.close();
    source = new EventSource('/api/jobs/' + id + '/events');
    source.addEventListener('state', e => paint({...job, ...JSON.parse(e.data)}));
    source.addEventListener('progress', e => progress(JSON.parse(e.data)));
    source.addEventListener('end', async e => {
      source.close();
      const full = await api('/api/jobs/' + id);
      paint(full.ok ? full.body : {...job, ...JSON.parse(e.data)});
      finished();
    });
    source.onerror = () => {};
  };
  if (first.body.state === 'queued' || first.body.state === 'running') listen(); else finished();
  cleanup = () => { if (source) source.close(); };
}

route();
