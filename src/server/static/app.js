// The bqx dashboard page: one view at a time, every filter and selection in the address (?view=…),
// refreshed by the server's event stream. DOM built with textContent only (no HTML from data).
'use strict';

const STATES = ['missing', 'pending', 'running', 'done', 'failed', 'stale'];
const main = document.getElementById('main');

// ---- helpers --------------------------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}
const params = () => new URLSearchParams(location.search);
function setParams(changes, push) {
  const p = params();
  for (const [k, v] of Object.entries(changes)) (v === undefined || v === null || v === '') ? p.delete(k) : p.set(k, v);
  const url = `?${p.toString()}`;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  render();
}
async function api(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}
function showError(e) {
  const box = document.getElementById('error');
  box.textContent = e ? String(e.message || e) : '';
  box.hidden = !e;
}
const fmtMs = (ms) => ms === null || ms === undefined || !isFinite(ms) ? '–'
  : ms < 1000 ? `${Math.round(ms)} ms` : ms < 60e3 ? `${(ms / 1e3).toFixed(1)} s` : ms < 3600e3 ? `${(ms / 60e3).toFixed(1)} min` : `${(ms / 3600e3).toFixed(1)} h`;
const fmtTime = (t) => t ? new Date(t).toISOString().slice(0, 19).replace('T', ' ') : '–';
const fmtNum = (n) => n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en');
function select(name, options, value, onchange) {
  return h('select', { name, onchange: (e) => onchange(e.target.value) },
    h('option', { value: '' }, `all ${name === 'family' ? 'families' : `${name}s`}`), options.map((o) => h('option', { value: o, selected: o === value }, o)));
}
function progressBar(u) {
  const pct = (n) => `${u.todo ? (100 * n) / u.todo : 0}%`;
  return h('span', { class: 'bar', title: `${u.done} done, ${u.failed} failed, ${u.running} running of ${u.todo}` },
    h('span', { class: 'done', style: `left:0;width:${pct(u.done)}` }),
    h('span', { class: 'failed', style: `left:${pct(u.done)};width:${pct(u.failed)}` }),
    h('span', { class: 'running', style: `left:${pct(u.done + u.failed)};width:${pct(u.running)}` }));
}

// ---- runs ---------------------------------------------------------------------------------------
function runPanel(r) {
  return h('div', { class: 'detail', id: 'run-detail' },
    h('h2', {}, `Run ${r.id} `, h('span', { class: `status-${r.status}` }, r.status)),
    h('div', {}, `started ${fmtTime(r.startedAt)} · ${fmtMs(r.durationMs)} · ${fmtNum(r.rowsPerSec)} rows/s · `,
      r.status === 'running' ? `ETA ${fmtMs(r.etaMs)} · ` : '', `${r.partitions.done}/${r.partitions.todo} partitions, ${r.partitions.failed} failed`),
    h('table', {}, h('tr', {}, ['unit', 'progress', 'done', 'failed', 'running', 'to do', 'rows', 'compute'].map((x) => h('th', {}, x))),
      r.units.map((u) => h('tr', { 'data-unit': u.unit }, h('td', {}, u.unit), h('td', {}, progressBar(u)), h('td', { class: 'num' }, u.done),
        h('td', { class: 'num' }, u.failed), h('td', { class: 'num' }, u.running), h('td', { class: 'num' }, u.todo),
        h('td', { class: 'num' }, fmtNum(u.rows)), h('td', { class: 'num' }, fmtMs(u.ms))))),
    r.failures.length ? [h('h2', {}, 'Failures'), h('table', {}, r.failures.map((f) => h('tr', { class: 'click', onclick: () => setParams({ view: 'heatmap', unit: f.unit, sel: `${f.pair}|${f.month}` }, true) },
      h('td', {}, f.unit), h('td', {}, f.pair), h('td', {}, f.month), h('td', { class: 'status-failed' }, f.error))))] : null);
}

async function viewRuns() {
  const data = await api('/api/runs');
  const p = params();
  const chosen = p.get('run') || data.live || (data.runs[0] && data.runs[0].id);
  const out = [];
  if (data.store) out.push(h('div', { class: 'muted' }, `store: ${data.store} — showing the run logs`));
  if (chosen) out.push(runPanel(await api(`/api/runs/${encodeURIComponent(chosen)}`)));
  out.push(h('h2', {}, `History (${data.runs.length})`), h('table', { id: 'runs' },
    h('tr', {}, ['run', 'status', 'started', 'took', 'partitions', 'failed', 'rows', 'rows/s'].map((x) => h('th', {}, x))),
    data.runs.map((r) => h('tr', { class: 'click', onclick: () => setParams({ run: r.id }) },
      h('td', {}, r.id), h('td', { class: `status-${r.status}` }, r.status), h('td', {}, fmtTime(r.startedAt)),
      h('td', { class: 'num' }, fmtMs(r.durationMs)), h('td', { class: 'num' }, `${r.partitions.done}/${r.partitions.todo}`),
      h('td', { class: 'num' }, r.partitions.failed), h('td', { class: 'num' }, fmtNum(r.rows)), h('td', { class: 'num' }, fmtNum(r.rowsPerSec))))));
  return out;
}

// ---- heatmap ------------------------------------------------------------------------------------
async function viewHeatmap() {
  const p = params();
  const { units } = await api('/api/units');
  const unit = p.get('unit') || units[0].name;
  const g = await api(`/api/heatmap?unit=${encodeURIComponent(unit)}`);
  const sel = p.get('sel');
  const byKey = new Map(g.cells.map((c) => [`${c.pair}|${c.month}`, c]));
  const tip = (c) => [`${c.pair} ${c.month}: ${c.state}`, `duration ${fmtMs(c.ms)}`, `rows ${fmtNum(c.rows)}`, `attempts ${c.attempts ?? '–'}`,
    `worker ${c.worker ?? '–'}`, `data version ${c.dataVersion ? c.dataVersion.slice(0, 12) : '–'}`, c.note, c.error].filter(Boolean).join('\n');
  const grid = h('table', { class: 'grid', id: 'heatmap', 'data-unit': g.unit },
    h('tr', {}, h('th', {}), g.months.map((m) => h('th', { class: 'month' }, m))),
    g.pairs.map((pair) => h('tr', {}, h('th', {}, pair), g.months.map((m) => {
      const c = byKey.get(`${pair}|${m}`) || { pair, month: m, state: 'missing' };
      return h('td', { class: `cell ${c.state}${sel === `${pair}|${m}` ? ' selected' : ''}`, title: tip(c), 'data-pair': pair, 'data-month': m, 'data-state': c.state,
        onclick: () => setParams({ sel: `${pair}|${m}` }) });
    }))));
  const out = [
    h('div', { class: 'tabs' }, units.map((u) => h('button', { class: u.name === unit ? 'active' : '', onclick: () => setParams({ unit: u.name, sel: null }) }, u.name))),
    h('div', { class: 'legend' }, STATES.map((s) => h('span', { class: `cell ${s}` }, `${s} ${g.counts[s]}`))),
    g.store ? h('div', { class: 'muted' }, `store: ${g.store}${g.snapshotAt ? ` (snapshot of ${fmtTime(g.snapshotAt)})` : ''}; live state from the run log`) : null,
    grid,
  ];
  if (sel) {
    const [pair, month] = sel.split('|');
    out.push(partitionPanel(await api(`/api/partition?unit=${encodeURIComponent(unit)}&pair=${encodeURIComponent(pair)}&month=${encodeURIComponent(month)}`)));
  }
  if (g.store && !g.live) refreshSoon(3000); // the store will be readable once the command lets go of it
  return out;
}

function partitionPanel(d) {
  const m = d.manifest;
  return h('div', { class: 'detail', id: 'partition' },
    h('h2', {}, `${d.unit} · ${d.pair} · ${d.month}`),
    m ? h('table', {}, [['status', m.status], ['rows', fmtNum(m.rows)], ['bytes', fmtNum(m.bytes)], ['started', fmtTime(m.startedAt)],
      ['finished', fmtTime(m.finishedAt)], ['duration', fmtMs(m.finishedAt - m.startedAt)], ['attempts', m.attempts], ['worker', m.worker || '–'],
      ['data version', m.dataVersion], ['code version', m.codeVersion], ['checksum', m.checksum || '–']]
      .map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v)))) : h('div', { class: 'muted' }, d.store ? `manifest: ${d.store}` : 'no manifest'),
    m && m.error ? [h('h2', {}, 'Error'), h('pre', { class: 'status-failed' }, m.error)] : null,
    m ? [h('h2', {}, 'Manifest'), h('pre', {}, JSON.stringify({ inputVersions: m.inputVersions, extra: m.extra, path: m.path }, null, 1))] : null,
    d.lakeFile ? h('div', {}, `lake file ${d.lakeFile.path}, ${fmtNum(d.lakeFile.bytes)} bytes, written ${fmtTime(d.lakeFile.modifiedAt)}`) : null,
    h('h2', {}, 'Log lines'),
    d.runs.length ? d.runs.map((r) => [h('div', {}, `run ${r.runId}: ${r.state}, ${fmtMs(r.ms)}`, r.error ? ` — ${r.error}` : ''),
      h('pre', { class: 'log' }, r.lines.map((l) => JSON.stringify(l)).join('\n'))]) : h('div', { class: 'muted' }, 'no run logged this partition'));
}

// ---- validation ---------------------------------------------------------------------------------
async function viewValidation() {
  const p = params();
  const [{ families }, data] = await Promise.all([api('/api/catalog?role=target'), api(`/api/validation?${new URLSearchParams([...p].filter(([k]) => ['check', 'family', 'pair', 'run'].includes(k)))}`)]);
  if (!data.report) return [h('div', { class: 'muted' }, 'no validation report yet (bqx run or bqx validate writes one)')];
  const r = data.report;
  const checks = ['static', 'truncation', 'perturbation', 'warmup', 'boundary', 'cross_pair', 'model_fit', 'rows', 'non_null', 'timestamps', 'finite', 'range', 'outliers'];
  return [
    h('h2', {}, `Validation of run ${r.runId} (${fmtTime(Date.parse(r.createdAt))}): `, h('span', { class: r.passed ? 'status-done' : 'status-failed' }, r.passed ? 'passed' : 'FAILED')),
    h('div', { class: 'filters' }, select('check', checks, p.get('check'), (v) => setParams({ check: v })),
      select('family', families, p.get('family'), (v) => setParams({ family: v })),
      select('pair', [...new Set(r.partitions.map((x) => x.pair))], p.get('pair'), (v) => setParams({ pair: v }))),
    h('table', { id: 'checks' }, h('tr', {}, ['check', 'status', 'checked', 'failed', 'targets', 'unavailable', 'info'].map((x) => h('th', {}, x))),
      r.summary.map((s) => h('tr', {}, h('td', { title: s.title }, s.check), h('td', { class: `outcome-${s.status}` }, s.status),
        [s.checked, s.failed, s.targets, s.unavailable, s.info].map((n) => h('td', { class: 'num' }, n))))),
    h('h2', {}, `Findings (${r.findings.length})`),
    h('table', { id: 'findings' }, h('tr', {}, ['outcome', 'check', 'feature', 'family', 'partition', 'message'].map((x) => h('th', {}, x))), r.findings.slice(0, 500).map((f) => h('tr', {}, h('td', { class: `outcome-${f.outcome}` }, f.outcome), h('td', {}, f.check),
      h('td', {}, f.feature || ''), h('td', {}, f.family || ''), h('td', {}, [f.unit, f.pair, f.month].filter(Boolean).join(' ')), h('td', {}, f.message)))),
    h('h2', {}, `Features (${r.features.length})`),
    h('table', {}, h('tr', {}, ['feature', 'family', 'unit', 'results', 'non-null'].map((x) => h('th', {}, x))), r.features.slice(0, 800).map((f) => h('tr', {}, h('td', {}, f.name), h('td', {}, f.family), h('td', {}, f.unit),
      h('td', {}, Object.entries(f.results).map(([k, v]) => `${k}:${v}`).join(' ')), h('td', { class: 'num' }, f.nonNull === null ? '–' : f.nonNull.toFixed(4))))),
  ];
}

// ---- catalog ------------------------------------------------------------------------------------
async function viewCatalog() {
  const p = params();
  const keys = ['q', 'family', 'stage', 'domain', 'role'];
  const data = await api(`/api/catalog?${new URLSearchParams([...p].filter(([k]) => keys.includes(k)))}`);
  const search = h('input', { type: 'search', placeholder: 'search name or definition', value: p.get('q') || '', id: 'catalog-q' });
  search.addEventListener('change', () => setParams({ q: search.value }));
  return [
    h('div', { class: 'filters' }, search, select('family', data.families, p.get('family'), (v) => setParams({ family: v })),
      select('stage', ['base', 'ti', 'ci', 'arb', 'erm', 'regime', 'cross'], p.get('stage'), (v) => setParams({ stage: v })),
      select('domain', ['idx', 'bqx', 'cross'], p.get('domain'), (v) => setParams({ domain: v })),
      select('role', ['feature', 'target'], p.get('role'), (v) => setParams({ role: v })),
      h('span', { class: 'muted' }, `${data.count} of ${data.total} columns`)),
    h('table', { id: 'catalog' }, h('tr', {}, ['name', 'family', 'stage', 'domain', 'role', 'lookback', 'range', 'definition', 'notes', ''].map((x) => h('th', {}, x))),
      data.columns.map((c) => h('tr', {}, h('td', {}, c.name), h('td', {}, c.family), h('td', {}, c.stage), h('td', {}, c.domain), h('td', {}, c.role),
        h('td', { class: 'num' }, c.lookback), h('td', {}, c.range ? `[${c.range[0]}, ${c.range[1]}]` : c.discrete ? `{${c.discrete.join(', ')}}` : 'any'),
        h('td', {}, c.description), h('td', { class: 'muted' }, c.notes || ''),
        h('td', {}, c.implemented ? h('a', { href: `?view=chart&feature=${encodeURIComponent(c.name)}` }, 'chart') : h('span', { class: 'muted' }, 'not implemented')))))];
}

// ---- chart --------------------------------------------------------------------------------------
let plot = null;
async function viewChart() {
  const p = params();
  const catalog = await api('/api/catalog');
  const names = catalog.columns.filter((c) => c.implemented).map((c) => c.name);
  const pairs = ['AUDCAD', 'AUDCHF', 'AUDJPY', 'AUDNZD', 'AUDUSD', 'CADCHF', 'CADJPY', 'CHFJPY', 'EURAUD', 'EURCAD', 'EURCHF', 'EURGBP', 'EURJPY', 'EURNZD', 'EURUSD',
    'GBPAUD', 'GBPCAD', 'GBPCHF', 'GBPJPY', 'GBPNZD', 'GBPUSD', 'NZDCAD', 'NZDCHF', 'NZDJPY', 'NZDUSD', 'USDCAD', 'USDCHF', 'USDJPY'];
  const pair = p.get('pair') || 'EURUSD';
  const feature = p.get('feature') || names[0];
  const featureInput = h('input', { list: 'features', value: feature, id: 'chart-feature', size: 32 });
  const from = h('input', { type: 'text', placeholder: 'from (YYYY-MM-DD)', value: p.get('from') || '', id: 'chart-from', size: 12 });
  const to = h('input', { type: 'text', placeholder: 'to', value: p.get('to') || '', id: 'chart-to', size: 12 });
  const draw = () => setParams({ feature: featureInput.value, from: from.value, to: to.value });
  const box = h('div', { id: 'chart' });
  const status = h('div', { class: 'muted', id: 'chart-status' });
  const out = [h('div', { class: 'filters' }, h('select', { id: 'chart-pair', onchange: (e) => setParams({ pair: e.target.value }) }, pairs.map((x) => h('option', { selected: x === pair }, x))),
    featureInput, h('datalist', { id: 'features' }, names.map((n) => h('option', { value: n }))), from, to, h('button', { onclick: draw, id: 'chart-draw' }, 'draw')), status, box];
  queueMicrotask(() => drawChart(box, status, pair, feature, p.get('from'), p.get('to')).catch(showError));
  return out;
}

async function drawChart(box, status, pair, feature, from, to) {
  const width = Math.max(200, Math.min(4000, box.clientWidth || 1000));
  const q = new URLSearchParams({ pair, feature, width: String(width) });
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  const d = await api(`/api/chart?${q}`);
  // One x axis over the union of bucket starts; each series null where its bucket is empty.
  const xs = [...new Set([...d.values.t, ...(d.price ? d.price.t : [])])].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const spread = (b, key) => { const a = new Array(xs.length).fill(null); b.t.forEach((t, i) => { a[index.get(t)] = b[key][i]; }); return a; };
  const data = [xs.map((x) => x / 1000), spread(d.values, 'min'), spread(d.values, 'max')];
  const series = [{}, { label: `${feature} min`, stroke: '#1e88e5', scale: 'f' }, { label: `${feature} max`, stroke: '#0d47a1', scale: 'f' }];
  if (d.price) { data.push(spread(d.price, 'min'), spread(d.price, 'max')); series.push({ label: `${pair} close min`, stroke: '#bbb', scale: 'p' }, { label: `${pair} close max`, stroke: '#888', scale: 'p' }); }
  window.__bqxChart = { pair, feature, unit: d.unit, from: d.from, to: d.to, width: d.width, values: d.values, price: d.price, serverMs: d.serverMs };
  status.textContent = `${d.unit} · ${fmtNum(d.values.points)} values in ${d.values.t.length} buckets from ${d.values.files} files · server ${fmtMs(d.serverMs)}${d.priceNote ? ` · ${d.priceNote}` : ''}`;
  if (plot) plot.destroy();
  box.textContent = '';
  plot = new uPlot({ width, height: 380, series, scales: { f: {}, p: {} }, tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    axes: [{}, { scale: 'f', label: feature }, { scale: 'p', side: 1, label: `${pair} close`, grid: { show: false } }] }, data, box);
  window.__bqxChart.drawn = plot.data.map((s) => Array.from(s));
}

// ---- shell --------------------------------------------------------------------------------------
const VIEWS = { runs: viewRuns, heatmap: viewHeatmap, validation: viewValidation, catalog: viewCatalog, chart: viewChart };
let rendering = null;
async function render() {
  const view = VIEWS[params().get('view')] ? params().get('view') : 'runs';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.view === view);
  const token = {};
  rendering = token;
  try {
    const nodes = await VIEWS[view]();
    if (rendering !== token) return; // a newer render started
    main.replaceChildren(...nodes.flat().filter(Boolean));
    main.dataset.view = view;
    showError(null);
  } catch (e) {
    showError(e);
  }
}
for (const a of document.querySelectorAll('#nav a')) a.addEventListener('click', (e) => { e.preventDefault(); setParams({ view: a.dataset.view, run: null, sel: null }, true); });
window.addEventListener('popstate', render);

// Live updates: a run event refreshes the runs and partitions views (at most once a second).
let pending = null;
function refreshSoon(ms) {
  if (!pending) pending = setTimeout(() => { pending = null; render(); }, ms);
}
function setLive(id) {
  const el = document.getElementById('live');
  el.textContent = id ? `live: ${id}` : 'no live run';
  el.className = `live ${id ? 'on' : 'idle'}`;
}
const events = new EventSource('/api/events');
events.addEventListener('hello', (e) => setLive(JSON.parse(e.data).live));
events.addEventListener('run', (e) => {
  const r = JSON.parse(e.data);
  setLive(r.status === 'running' ? r.id : null);
  const view = params().get('view') || 'runs';
  if (view === 'runs' || view === 'heatmap') refreshSoon(1000);
});
render();
