// The results panel in the browser: receives run results from the extension, renders them with
// the pure functions in render.ts and sends the user's actions back. No network, no eval.
import './panel.css';
import type { FromWebview, PersistedState, ToWebview } from '../src/panel/messages';
import type { EventDto, MatchDto, RunRuleResult, RunRuleRows } from '../../server/src/protocol';
import { html } from './html';
import { Group, buildGroups, filterGroups, histogram, matchTimes, sortGroups, tableColumns } from './model';
import { renderDetail, renderEmptyState, renderExplain, renderHeader, renderProgress, renderSearchResults, renderTable, renderTimeline, renderToolbar, renderWhyNot, Sort } from './render';
import { fitWidth, startResize } from './columns';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const PAGE = 500;
const saved = vscode.getState() ?? {};

let result: RunRuleResult | undefined;
let samples = '';
let columns: string[] = [];
let groups: Group[] = [];
let sort: Sort | undefined;
let sortColumnName = saved.sortColumn;
let filter = saved.filter ?? '';
let filterSource = saved.filterSource;
let widths: Record<string, number> = saved.widths ?? {};
let target = saved.target;
/** The join-key fields of the shown run (sequences, samples), highlighted in events. */
let joinFields: string[] = [];
let running: { source: string; samples: string; message?: string; percentage?: number } | undefined;
/** Set while the table shows a run's first rows (provisional): the result shown before them, restored on cancel. */
let provisional: { before: RunRuleResult | undefined; samples: string; selected: number | undefined } | undefined;
let selected: number | undefined;
let tab: 'doc' | 'raw' = 'doc';
let limit = PAGE;

const app = document.getElementById('app') as HTMLElement;
const byId = (id: string) => document.getElementById(id) as HTMLElement;
const post = (m: FromWebview) => vscode.postMessage(m);

function persist(): void {
  vscode.setState({ sortColumn: sortColumnName, sortDescending: sort?.descending, filter, filterSource, widths, target });
}

function findEvent(id: number): { event: EventDto; match?: MatchDto } | undefined {
  for (const m of result?.matches ?? []) for (const e of m.events) if (e.id === id && !e.missing) return { event: e, match: m };
  return extraEvents.get(id) ? { event: extraEvents.get(id) as EventDto } : undefined;
}
/** Events seen through search or explain, which need not be matches. */
const extraEvents = new Map<number, EventDto>();

function renderAll(): void {
  if (!result) return;
  columns = tableColumns(result);
  groups = buildGroups(result, columns);
  const sortIndex = sortColumnName ? columns.indexOf(sortColumnName) : -1;
  sort = sortIndex >= 0 ? { column: sortIndex, descending: saved.sortDescending ?? false } : undefined;
  if (selected !== undefined && !findEvent(selected)) selected = undefined;
  const empty = result.matches.length === 0;
  // A query that did not run has no events: no table, event or "Why not?" to show.
  const broken = result.queryErrors.length > 0;
  app.innerHTML = html`<div id="progress-host"></div>${renderHeader(result, samples)}${
    broken
      ? html``
      : html`${renderTimeline(histogram(matchTimes(result)))}${
          empty ? renderEmptyState(result) : html`${renderToolbar(filter, false)}<div id="table" class="table-wrap"></div>`
        }<section id="detail" class="detail" aria-label="Selected event"></section>${renderWhyNot()}`
  }`.value;
  if (!empty && !broken) renderTableOnly();
  if (!broken) renderDetailOnly();
  renderProgressOnly();
}

function renderProgressOnly(): void {
  document.body.classList.toggle('running', running !== undefined);
  const host = document.getElementById('progress-host');
  if (host) host.innerHTML = running ? renderProgress(running.source, running.samples, running.message, running.percentage).value : '';
}

function visibleGroups(): Group[] {
  const filtered = filterGroups(groups, filter);
  return sort ? sortGroups(filtered, sort.column, sort.descending) : filtered;
}

function renderTableOnly(): void {
  if (!result) return;
  const host = document.getElementById('table');
  if (!host) return;
  host.innerHTML = renderTable(result, columns, visibleGroups(), sort, selected, limit, filter).value;
  applyWidths(host);
}

/** Content widths of this result's columns, measured on its first layout, so filtering and
 * sorting do not make the columns jump. Cleared with each new result. */
let contentWidths: Record<string, number> = {};

/** Fixed column widths: the user's (dragged) or the content's, capped, so wide values do not push columns out of view. */
function applyWidths(host: HTMLElement): void {
  const table = host.querySelector<HTMLTableElement>('table.matches');
  if (!table) return;
  const heads = Array.from(table.querySelectorAll<HTMLElement>('thead th'));
  table.classList.remove('fixed');
  const natural = heads.map((th) => th.getBoundingClientRect().width);
  // Not laid out (the panel is hidden): keep the automatic layout until it is shown.
  if (natural.every((w) => w === 0)) return;
  let total = 0;
  heads.forEach((th, i) => {
    const name = th.dataset.column ?? `#${i}`;
    contentWidths[name] ??= fitWidth(natural[i]);
    const width = widths[name] ?? contentWidths[name];
    th.style.width = `${width}px`;
    total += width;
  });
  table.style.width = `${total}px`;
  table.classList.add('fixed');
}

// A table rendered while the panel was hidden gets its widths once the panel is shown.
const relayout = () => {
  const host = document.getElementById('table');
  if (host && !host.querySelector('table.matches.fixed')) applyWidths(host);
};
window.addEventListener('resize', relayout);
document.addEventListener('visibilitychange', relayout);

function renderDetailOnly(): void {
  const found = selected === undefined ? undefined : findEvent(selected);
  const detail = document.getElementById('detail');
  if (detail) detail.innerHTML = renderDetail(found?.event, result?.fields ?? [], tab, joinFields).value;
}

function select(id: number, focus: boolean): void {
  selected = id;
  for (const row of Array.from(document.querySelectorAll<HTMLElement>('tr.row[data-event]'))) {
    const on = Number(row.dataset.event) === id;
    row.classList.toggle('selected', on);
    row.setAttribute('aria-selected', String(on));
    row.tabIndex = on ? 0 : -1;
    if (on && focus) row.focus();
  }
  renderDetailOnly();
  const found = findEvent(id);
  if (found) post({ type: 'select', event: found.event });
}

function moveSelection(delta: number): void {
  const rows = Array.from(document.querySelectorAll<HTMLElement>('tr.row[data-event]'));
  if (rows.length === 0) return;
  const at = rows.findIndex((r) => Number(r.dataset.event) === selected);
  const next = delta === Infinity ? rows.length - 1 : delta === -Infinity ? 0 : Math.max(0, Math.min(rows.length - 1, (at < 0 ? -1 : at) + delta));
  select(Number(rows[next].dataset.event), true);
}

function handleMessage(message: ToWebview): void {
  switch (message.type) {
    case 'running':
      running = { source: message.source, samples: message.samples };
      if (message.target) {
        target = message.target;
        persist();
      }
      if (!result) app.innerHTML = html`<div id="progress-host"></div>`.value;
      renderProgressOnly();
      break;
    case 'progress':
      if (!running) break;
      running.message = message.message;
      running.percentage = message.percentage ?? running.percentage;
      if (document.getElementById('progress')) {
        byId('progress-text').textContent = message.message;
        const bar = document.querySelector<HTMLProgressElement>('#progress progress');
        if (bar && running.percentage !== undefined) bar.value = running.percentage;
      } else renderProgressOnly();
      break;
    case 'rows':
      if (!running) break;
      if (!provisional) {
        provisional = { before: result, samples, selected };
        selected = undefined;
      }
      samples = running.samples;
      result = rowsResult(message.rows);
      joinFields = [];
      renderAll();
      break;
    case 'cancelled':
      running = undefined;
      if (restoreProvisional() && result) renderAll();
      if (result) renderProgressOnly();
      else app.innerHTML = html`<p class="placeholder">${message.message}</p>`.value;
      break;
    case 'result':
      running = undefined;
      provisional = undefined;
      // The filter belongs to the rule it was typed for: another rule's run starts unfiltered.
      if (message.result.source !== filterSource) {
        filter = '';
        filterSource = message.result.source;
        persist();
      }
      result = message.result;
      contentWidths = {};
      joinFields = message.result.joinFields ?? [];
      samples = message.samples;
      extraEvents.clear();
      limit = PAGE;
      renderAll();
      break;
    case 'search': {
      for (const e of message.result.events) extraEvents.set(e.id, e);
      const host = document.getElementById('search-results');
      if (host) host.innerHTML = renderSearchResults(message.text, message.result).value;
      break;
    }
    case 'explain': {
      extraEvents.set(message.result.event.id, message.result.event);
      if (message.result.joinFields) joinFields = message.result.joinFields;
      // The candidate list folds away so the explanation is in view; its summary reopens it.
      const candidates = document.getElementById('candidates') as HTMLDetailsElement | null;
      if (candidates) candidates.open = false;
      // The explained event becomes the selection, so its document shows next to the clauses.
      select(message.result.event.id, false);
      const host = document.getElementById('explain-view');
      if (host) {
        host.innerHTML = renderExplain(message.result).value;
        host.scrollIntoView({ block: 'nearest' });
      }
      break;
    }
    case 'failed':
      running = undefined;
      if (restoreProvisional()) {
        if (result) renderAll();
        else app.innerHTML = '';
      }
      renderProgressOnly();
      app.insertAdjacentHTML('afterbegin', html`<div class="failed" role="alert">${message.message}</div>`.value);
      break;
  }
}

/** Puts back the result shown before a run's first rows (the run was cancelled or failed); false when none were shown. */
function restoreProvisional(): boolean {
  if (!provisional) return false;
  ({ before: result, samples, selected } = provisional);
  provisional = undefined;
  return true;
}

/** A run's first rows shown as a result: the counts so far, and a note that the run goes on. */
function rowsResult(rows: RunRuleRows): RunRuleResult {
  const more = rows.matched > rows.matches.length ? ` (the first ${rows.matches.length.toLocaleString('en-US')} of ${rows.matched.toLocaleString('en-US')} so far)` : '';
  return {
    runId: '',
    query: rows.query,
    source: rows.source,
    kind: rows.kind,
    matches: rows.matches,
    stats: { events: rows.events, files: rows.files, matched: rows.matched, ms: rows.ms },
    errors: [],
    fields: rows.fields,
    fieldPresence: [],
    queryErrors: [],
    notes: [`First rows${more}: the run is still going; the complete result replaces them.`],
  };
}

window.addEventListener('message', (e: MessageEvent<ToWebview>) => handleMessage(e.data));

document.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest<HTMLElement>('[data-action],[data-sort],[data-tab],tr.row[data-event]');
  if (!target) return;
  if (target.dataset.sort !== undefined) {
    const column = Number(target.dataset.sort);
    sort = { column, descending: sort?.column === column ? !sort.descending : false };
    sortColumnName = columns[column];
    saved.sortDescending = sort.descending;
    persist();
    renderTableOnly();
    return;
  }
  if (target.dataset.tab) {
    tab = target.dataset.tab === 'raw' ? 'raw' : 'doc';
    renderDetailOnly();
    return;
  }
  if (target.matches('tr.row')) {
    select(Number(target.dataset.event), true);
    return;
  }
  e.preventDefault();
  const d = target.dataset;
  // First rows: the run that can explain, search and export them has not finished yet.
  if (provisional && ['explain', 'export', 'exportAll', 'saveSamples'].includes(d.action ?? '')) return;
  switch (d.action) {
    case 'open':
      post({ type: 'open', file: d.file ?? '', line: Number(d.line ?? 1), column: Number(d.column ?? 1) });
      break;
    case 'explain':
      post({ type: 'explain', eventId: Number(d.event) });
      break;
    case 'copy': {
      const found = findEvent(Number(d.event));
      if (!found) break;
      const value =
        found.match && found.match.kind !== 'event'
          ? { kind: found.match.kind, joinKeys: found.match.joinKeys, events: found.match.events.map((x) => x.doc ?? null) }
          : found.event.doc;
      post({ type: 'copy', text: JSON.stringify(value, null, 2) });
      break;
    }
    case 'addToTests': {
      const found = findEvent(Number(d.event));
      if (found) post({ type: 'addToTests', event: found.event, expect: d.expect === 'no-match' ? 'no-match' : 'match' });
      break;
    }
    case 'export': {
      const format = d.format === 'csv' ? 'csv' : 'ndjson';
      // Exports write what the table shows: the filtered matches, in the shown order.
      if (filter.trim() !== '') post({ type: 'export', format, matches: visibleGroups().map((g) => g.matchIndex), filter: filter.trim() });
      else post({ type: 'export', format });
      break;
    }
    case 'clearFilter': {
      filter = '';
      const input = document.getElementById('filter') as HTMLInputElement | null;
      if (input) input.value = '';
      limit = PAGE;
      persist();
      renderTableOnly();
      break;
    }
    case 'cancel':
      post({ type: 'cancel' });
      break;
    case 'exportAll':
      post({ type: 'exportAll' });
      break;
    case 'more':
      limit += PAGE;
      renderTableOnly();
      break;
    case 'rerun':
      post({ type: 'rerun' });
      break;
    case 'chooseSamples':
      post({ type: 'chooseSamples' });
      break;
    case 'saveSamples':
      post({ type: 'saveSamples' });
      break;
  }
});

document.addEventListener('mousedown', (e) => {
  const handle = (e.target as HTMLElement).closest<HTMLElement>('[data-resize]');
  const th = handle?.closest<HTMLElement>('th');
  const table = th?.closest<HTMLTableElement>('table');
  if (!handle || !th || !table) return;
  e.preventDefault();
  startResize(e, th, table, (width) => {
    if (th.dataset.column) widths[th.dataset.column] = width;
    persist();
  });
});

document.addEventListener('dblclick', (e) => {
  const th = (e.target as HTMLElement).closest<HTMLElement>('[data-resize]')?.closest<HTMLElement>('th');
  if (!th?.dataset.column) return;
  delete widths[th.dataset.column];
  delete contentWidths[th.dataset.column];
  persist();
  renderTableOnly();
});

document.addEventListener('keydown', (e) => {
  const row = (e.target as HTMLElement).closest?.('tr.row[data-event]');
  if (!row) return;
  const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
  if (e.key in moves) {
    e.preventDefault();
    moveSelection(moves[e.key]);
  } else if (e.key === 'Enter') {
    e.preventDefault();
    const found = findEvent(Number((row as HTMLElement).dataset.event));
    if (found?.event.file) post({ type: 'open', file: found.event.file, line: found.event.line ?? 1, column: found.event.column ?? 1 });
  }
});

let filterTimer: ReturnType<typeof setTimeout> | undefined;
document.addEventListener('input', (e) => {
  const input = e.target as HTMLInputElement;
  if (input.id !== 'filter') return;
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    filter = input.value;
    limit = PAGE;
    persist();
    renderTableOnly();
  }, 80);
});

document.addEventListener('submit', (e) => {
  const form = e.target as HTMLFormElement;
  if (form.id !== 'search-form') return;
  e.preventDefault();
  const text = (document.getElementById('search') as HTMLInputElement).value.trim();
  if (text && !provisional) post({ type: 'search', text });
});

app.innerHTML = html`<p class="placeholder">Run a rule (EQL: Run Rule on Samples) to see its matches here.</p>`.value;
post({ type: 'ready' });
