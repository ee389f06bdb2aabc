// The results panel in the browser: receives run results from the extension, renders them with
// the pure functions in render.ts and sends the user's actions back. No network, no eval.
import './panel.css';
import type { FromWebview, PersistedState, ToWebview } from '../src/panel/messages';
import type { EventDto, MatchDto, RunRuleResult } from '../../server/src/protocol';
import { html } from './html';
import { Group, buildGroups, filterGroups, histogram, matchTimes, sortGroups, tableColumns } from './model';
import { renderDetail, renderEmptyState, renderExplain, renderHeader, renderSearchResults, renderTable, renderTimeline, renderToolbar, renderWhyNot, Sort } from './render';

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
let selected: number | undefined;
let tab: 'doc' | 'raw' = 'doc';
let limit = PAGE;

const app = document.getElementById('app') as HTMLElement;
const byId = (id: string) => document.getElementById(id) as HTMLElement;
const post = (m: FromWebview) => vscode.postMessage(m);

function persist(): void {
  vscode.setState({ sortColumn: sortColumnName, sortDescending: sort?.descending, filter });
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
  app.innerHTML = html`${renderHeader(result, samples)}${renderTimeline(histogram(matchTimes(result)))}${
    empty ? renderEmptyState(result) : html`${renderToolbar(filter, false)}<div id="table" class="table-wrap"></div>`
  }<section id="detail" class="detail" aria-label="Selected event"></section>${renderWhyNot()}`.value;
  if (!empty) renderTableOnly();
  renderDetailOnly();
  document.body.classList.remove('running');
}

function visibleGroups(): Group[] {
  const filtered = filterGroups(groups, filter);
  return sort ? sortGroups(filtered, sort.column, sort.descending) : filtered;
}

function renderTableOnly(): void {
  if (!result) return;
  const host = document.getElementById('table');
  if (host) host.innerHTML = renderTable(result, columns, visibleGroups(), sort, selected, limit).value;
}

function renderDetailOnly(): void {
  const found = selected === undefined ? undefined : findEvent(selected);
  byId('detail').innerHTML = renderDetail(found?.event, result?.fields ?? [], tab).value;
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
      document.body.classList.add('running');
      if (!result) app.innerHTML = html`<p class="placeholder">Running ${message.source} on ${message.samples}…</p>`.value;
      break;
    case 'result':
      result = message.result;
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
      document.body.classList.remove('running');
      app.insertAdjacentHTML('afterbegin', html`<div class="failed" role="alert">${message.message}</div>`.value);
      break;
  }
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
    case 'export':
      post({ type: 'export', format: d.format === 'csv' ? 'csv' : 'ndjson' });
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
  if (text) post({ type: 'search', text });
});

app.innerHTML = html`<p class="placeholder">Run a rule (EQL: Run Rule on Samples) to see its matches here.</p>`.value;
post({ type: 'ready' });
