// The panel's markup as pure functions: data in, escaped HTML out (see html.ts). main.ts puts the
// strings into the page and wires events; everything a sample can influence passes through html``.
import type { EventDto, ExplainEventResult, ExplainNode, RunRuleResult, SearchEventsResult } from '../../server/src/protocol';
import { formatValue, getField } from './fields';
import { Html, html } from './html';
import { Group, Histogram, formatCount, formatDuration } from './model';

export interface Sort {
  column: number;
  descending: boolean;
}

function location(e: { file?: string; line?: number; column?: number; index?: string; esId?: string }): string {
  if (!e.file) return e.index ? `${e.index}/${e.esId ?? ''}` : '';
  const name = e.file.split(/[\\/]/).pop() ?? e.file;
  return e.line ? `${name}:${e.line}${e.column ? `:${e.column}` : ''}` : name;
}

function openLink(e: { file?: string; line?: number; column?: number }, label?: string): Html {
  if (!e.file) return html``;
  return html`<a href="#" class="open-link" data-action="open" data-file="${e.file}" data-line="${e.line ?? 1}" data-column="${e.column ?? 1}" title="${e.file}">${label ?? location(e)}</a>`;
}

const KIND_TITLES: Record<RunRuleResult['kind'], string> = {
  event: 'An event query: each matching event is a result',
  sequence: 'A sequence query: each result is events in order, one per step, sharing the join keys',
  sample: 'A sample query: each result is events, one per filter, sharing the join keys, in any order',
};

export function renderHeader(result: RunRuleResult, samples: string): Html {
  const s = result.stats;
  const errors = result.errors.length
    ? html`<details class="sample-errors" open><summary>${formatCount(result.errors.length)} sample error${result.errors.length === 1 ? '' : 's'}</summary><ul>${result.errors
        .slice(0, 100)
        .map((e) => html`<li>${openLink(e)} ${e.message}</li>`)}</ul></details>`
    : html``;
  const ev = result.evaluationErrors;
  const evaluationErrors = ev
    ? html`<div class="evaluation-errors" role="alert"><strong>${formatCount(ev.count)} event${ev.count === 1 ? '' : 's'} could not be evaluated and ${ev.count === 1 ? 'is' : 'are'} left out of the results.</strong><ul>${ev.first.map(
        (e) => html`<li>${openLink(e)} ${e.message}</li>`,
      )}</ul></div>`
    : html``;
  const queryErrors = result.queryErrors.length
    ? html`<div class="query-errors" role="alert"><strong>The query has errors; nothing ran.</strong><ul>${result.queryErrors.map(
        (e) => html`<li>${e.line}:${e.column} ${e.message}</li>`,
      )}</ul></div>`
    : html``;
  const c = result.cluster;
  const cluster = c
    ? html`<div class="cluster" id="cluster-summary">Cluster <b>${c.connection}</b> · ${c.indices.join(', ')} · ${c.from} → ${c.to} · ${c.summary}
    <button class="link" data-action="saveSamples" title="The shown events as an NDJSON sample file">Save as Sample File…</button></div>${c.compare ? html`<div class="compare" id="compare-summary">Compared on ${formatCount(c.compare.events)} sample events in <b>${c.compare.index}</b>: <b>${formatCount(c.compare.both)}</b> matched by both · <b>${formatCount(c.compare.onlyLocal.length)}</b> only local · <b>${formatCount(c.compare.onlyCluster.length)}</b> only on the cluster${
      c.compare.onlyLocal.length + c.compare.onlyCluster.length
        ? html`<ul>${c.compare.onlyLocal.slice(0, 50).map((m) => html`<li>only local: ${m}</li>`)}${c.compare.onlyCluster.slice(0, 50).map((m) => html`<li>only cluster: ${m}</li>`)}</ul>`
        : html` — the answers agree.`
    }</div>` : html``}${c.warnings.length ? html`<div class="query-errors cluster-warning" role="alert">${c.warnings.map((w) => html`<div>⚠ ${w}</div>`)}</div>` : html``}`
    : html``;
  return html`<header class="summary">
  <div class="title"><span class="source">${result.source}</span>${result.queryErrors.length ? html`` : html` <span class="badge kind" title="${KIND_TITLES[result.kind]}">${result.kind}</span>`}</div>${cluster}
  <pre class="query"><code>${result.query}</code></pre>
  <div class="counts" id="counts"><span class="count"><b id="count-matched">${formatCount(s.matched)}</b> matched</span>
    ${c ? html`<span class="count"><b>${formatCount(c.total ?? s.matched)}</b> hits on the cluster</span>` : html`<span class="count"><b>${formatCount(s.events)}</b> events scanned</span>
    <span class="count"><b>${formatCount(s.files)}</b> file${s.files === 1 ? '' : 's'}</span>`}
    <span class="count"><b>${formatDuration(s.ms)}</b></span></div>
  <div class="samples">Samples: <span class="sample-set">${samples}</span>
    <button class="link" data-action="chooseSamples">Change…</button>
    <button class="link" data-action="rerun">Run again</button></div>
  ${queryErrors}${evaluationErrors}${errors}${renderSampleFiles(result)}
</header>`;
}

/** Which sample files the run read and which it skipped (and why), notes about the run, and a cut-short result. */
export function renderSampleFiles(result: RunRuleResult): Html {
  const files = result.sampleFiles ?? [];
  const skipped = files.filter((f) => !f.used);
  const used = files.length - skipped.length;
  const notes = result.notes ?? [];
  const truncated = result.truncated
    ? html`<div class="truncated" role="status">${result.truncated.note} <button class="link" data-action="exportAll">Export all ${formatCount(result.truncated.total)} matches…</button></div>`
    : html``;
  const list = files.length
    ? html`<details class="sample-files"${skipped.length ? ' open' : ''}><summary>${formatCount(used)} sample file${used === 1 ? '' : 's'} read${
        skipped.length ? html`, ${formatCount(skipped.length)} skipped` : html``
      }</summary><ul>${[...skipped, ...files.filter((f) => f.used)].slice(0, 200).map(
        (f) => html`<li class="${f.used ? 'used' : 'skipped'}">${f.used ? openLink({ file: f.file }) : html`<span title="${f.file}">${location({ file: f.file })}</span>`} ${
          f.used ? html`${formatCount(f.events)} events` : html`skipped`
        }${f.reason ? html`: ${f.reason}` : html``}</li>`,
      )}</ul></details>`
    : html``;
  return html`${notes.map((n) => html`<div class="run-note">${n}</div>`)}${truncated}${list}`;
}

export function renderToolbar(filter: string, disabled: boolean): Html {
  return html`<div class="toolbar">
  <input id="filter" type="search" placeholder="Filter matches (any cell or join key)" aria-label="Filter matches" value="${filter}">
  <button data-action="export" data-format="ndjson" ${disabled ? 'disabled' : ''}>Export NDJSON</button>
  <button data-action="export" data-format="csv" ${disabled ? 'disabled' : ''}>Export CSV</button>
</div>`;
}

/** The histogram as inline SVG: bars in a 400×60 box, counts in tooltips. */
export function renderTimeline(h: Histogram | undefined): Html {
  if (!h) return html``;
  const width = 400;
  const height = 60;
  const max = Math.max(...h.counts);
  const barWidth = width / h.counts.length;
  const bars = h.counts.map((count, i) => {
    if (count === 0) return html``;
    const barHeight = Math.max(2, (count / max) * (height - 4));
    const from = new Date(h.start + i * h.bucketMs).toISOString();
    return html`<rect class="bar" x="${(i * barWidth + 0.5).toFixed(1)}" y="${(height - barHeight).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${count} match${count === 1 ? '' : 'es'} from ${from}</title></rect>`;
  });
  const start = new Date(h.start).toISOString();
  const end = new Date(h.end).toISOString();
  return html`<section class="timeline" aria-label="Matches over time">
  <svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="Histogram of matches from ${start} to ${end}">
    <line class="axis" x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}"></line>${bars}</svg>
  <div class="range"><span>${start}</span><span>${formatDuration(h.end - h.start)} · max ${max} per ${formatDuration(h.bucketMs)}</span><span>${end}</span></div>
</section>`;
}

function renderHead(columns: string[], sort: Sort | undefined, fields: Set<string>): Html {
  return html`<thead><tr><th class="num">#</th>${columns.map((c, i) => {
    const state = sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : 'none';
    const arrow = state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : '';
    return html`<th aria-sort="${state}" class="${fields.has(c) ? 'query-field' : ''}" data-column="${c}"><button class="sort" data-sort="${i}" title="Sort by ${c}">${c}${arrow}</button><span class="resize" data-resize="${i}" title="Drag to resize, double-click to fit" aria-hidden="true"></span></th>`;
  })}</tr></thead>`;
}

function renderRow(
  row: Group['rows'][number],
  label: string,
  selected: number | undefined,
  maxspanMs: number | undefined,
  firstMatch: number,
): Html {
  if (row.event.missing)
    return html`<tr class="row missing"><td class="num">${label}</td><td colspan="${row.cells.length}">(missing event)</td></tr>`;
  const since =
    row.sincePreviousMs !== undefined
      ? html`<span class="since ${maxspanMs !== undefined && row.sincePreviousMs > maxspanMs ? 'over' : ''}">+${formatDuration(row.sincePreviousMs)}</span>`
      : html``;
  const isSelected = selected === row.event.id;
  // Roving tabindex: the selected row, or the first row while nothing is selected, is the Tab stop.
  const tabStop = isSelected || (selected === undefined && row.matchIndex === firstMatch && row.stepIndex === 0);
  return html`<tr class="row${isSelected ? ' selected' : ''}" tabindex="${tabStop ? 0 : -1}" aria-selected="${String(isSelected)}" data-event="${row.event.id}" data-match="${row.matchIndex}"><td class="num">${label}${since}</td>${row.cells.map(
    (c) => html`<td title="${c}">${c}</td>`,
  )}</tr>`;
}

function groupHeader(group: Group, result: RunRuleResult, columns: number): Html {
  const times = group.rows.map((r) => r.sincePreviousMs ?? 0);
  const total = times.reduce((a, b) => a + b, 0);
  const keys = group.match.joinKeys.length ? html` · join keys ${group.match.joinKeys.map((k) => html`<code>${formatValue(k)}</code> `)}` : html``;
  const span =
    result.kind === 'sequence' && group.rows.length > 1
      ? html` · ${formatDuration(total)} first to last${result.maxspanMs !== undefined ? html` of maxspan ${formatDuration(result.maxspanMs)}` : html``}`
      : html``;
  return html`<tr class="group"><th colspan="${columns + 1}">${result.kind === 'sample' ? 'Sample' : 'Sequence'} ${group.matchIndex + 1} · ${group.rows.length} step${group.rows.length === 1 ? '' : 's'}${keys}${span}</th></tr>`;
}

/** The match table; `limit` caps the rendered rows (the rest behind "Show more"). */
export function renderTable(
  result: RunRuleResult,
  columns: string[],
  groups: Group[],
  sort: Sort | undefined,
  selected: number | undefined,
  limit: number,
  filter = '',
): Html {
  const fields = new Set(result.fields);
  let rendered = 0;
  const bodies: Html[] = [];
  for (const g of groups) {
    if (rendered >= limit) break;
    if (result.kind === 'event') {
      bodies.push(renderRow(g.rows[0], String(g.matchIndex + 1), selected, undefined, groups[0].matchIndex));
      rendered++;
    } else {
      bodies.push(html`<tbody class="match">${groupHeader(g, result, columns.length)}${g.rows.map((r) => renderRow(r, `${g.matchIndex + 1}.${r.stepIndex + 1}`, selected, result.maxspanMs, groups[0].matchIndex))}</tbody>`);
      rendered += g.rows.length;
    }
  }
  const body = result.kind === 'event' ? html`<tbody>${bodies}</tbody>` : html`${bodies}`;
  const shownGroups = result.kind === 'event' ? rendered : bodies.length;
  const more =
    shownGroups < groups.length
      ? html`<button class="more" data-action="more">Show more (${formatCount(groups.length - shownGroups)} more)</button>`
      : html``;
  const filtered =
    filter.trim() !== ''
      ? html`<div class="filtered" id="filtered" role="status"><span class="badge filter-on">Filter on</span> ${formatCount(groups.length)} of ${formatCount(result.matches.length)} matches shown by the filter “${filter.trim()}”; exports write these. <button class="link" data-action="clearFilter">Clear filter</button></div>`
      : html``;
  return html`${filtered}<table class="matches" id="matches" aria-label="Matches" aria-rowcount="${groups.length}">${renderHead(columns, sort, fields)}${body}</table>${more}`;
}

export function renderEmptyState(result: RunRuleResult): Html {
  if (result.queryErrors.length) return html``;
  const total = result.stats.events;
  if (total === 0)
    return html`<div class="empty" id="empty"><p><strong>No events were read.</strong> The sample set is empty or unreadable.</p>
  <p><button data-action="chooseSamples">Choose sample files…</button></p></div>`;
  const presence = [...result.fieldPresence].sort((a, b) => a.present - b.present);
  const lines = presence.map(
    (p) => html`<li class="${p.present === 0 ? 'absent' : ''}"><b>${formatCount(p.present)}</b> of ${formatCount(total)} events have <code>${p.field}</code></li>`,
  );
  const missing = presence.filter((p) => p.present === 0);
  const reason = missing.length
    ? html`<p class="reason">Likely reason: no sample event has <code>${missing[0].field}</code>. Check the field name, the sample set, or whether the samples are in the shape the rule expects (raw CloudTrail records are mapped to ECS).</p>`
    : html`<p class="reason">Every field the query uses occurs in the samples, so their values did not line up. Pick an event under “Why not?” to see which clause fails.</p>`;
  return html`<div class="empty" id="empty"><p><strong>No event matched</strong> among ${formatCount(total)} events.</p><ul class="presence">${lines}</ul>${reason}</div>`;
}

function scalarClass(value: unknown): string {
  if (value === null) return 'v-null';
  return `v-${typeof value}`;
}

/** A document as nested <details>; fields the query references are highlighted, join keys (`keys`) more strongly. */
export function renderJsonTree(value: unknown, highlight: Set<string>, path = '', depth = 0, keys: Set<string> = new Set()): Html {
  if (value !== null && typeof value === 'object') {
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    const items = entries.map(([key, child]) => {
      const childPath = Array.isArray(value) ? path : path ? `${path}.${key}` : key;
      const hl = !Array.isArray(value) && highlight.has(childPath);
      const jk = !Array.isArray(value) && keys.has(childPath);
      const cls = `${hl ? ' hl' : ''}${jk ? ' jk' : ''}`;
      if (child !== null && typeof child === 'object') {
        const size = Array.isArray(child) ? `[${child.length}]` : `{${Object.keys(child).length}}`;
        // Open only what leads to a field the query uses, so the document stays short and the point is visible.
        const open = [...highlight, ...keys].some((f) => f.startsWith(`${childPath}.`)) || (highlight.size === 0 && depth < 1);
        return html`<li><details ${open ? 'open' : ''}><summary><span class="key${cls}">${key}</span> <span class="size">${size}</span></summary>${renderJsonTree(child, highlight, childPath, depth + 1, keys)}</details></li>`;
      }
      return html`<li class="leaf${cls}"${jk ? html` title="join key"` : html``}><span class="key">${key}</span>: <span class="${scalarClass(child)}">${JSON.stringify(child)}</span>${jk ? html` <span class="badge jk-badge">join key</span>` : html``}</li>`;
    });
    return html`<ul class="tree">${items}</ul>`;
  }
  return html`<span class="${scalarClass(value)}">${JSON.stringify(value)}</span>`;
}

export function renderDetail(event: EventDto | undefined, fields: string[], tab: 'doc' | 'raw', joinFields: string[] = []): Html {
  if (!event) return html`<div class="detail-hint">Select a match to see its event (↑/↓ to move, Enter to open).</div>`;
  const highlight = new Set(fields);
  const keys = new Set(joinFields);
  const hasRaw = event.raw !== undefined;
  const active = hasRaw ? tab : 'doc';
  const tabs = hasRaw
    ? html`<div class="tabs" role="tablist"><button role="tab" data-tab="doc" aria-selected="${String(active === 'doc')}">Normalized (ECS)</button><button role="tab" data-tab="raw" aria-selected="${String(active === 'raw')}">Raw CloudTrail</button></div>`
    : html``;
  return html`<div class="detail-head"><span>Sample event #${event.id}${event.timestamp ? html` · ${event.timestamp}` : html``}${event.file ? html` · ${openLink(event)}` : html``}${event.index ? html` · <span class="es-doc">${location(event)}</span>` : html``}</span>
  <span class="actions">${event.file ? html`<button data-action="open" data-file="${event.file}" data-line="${event.line ?? 1}" data-column="${event.column ?? 1}">Open in sample file</button>` : html``}
  <button data-action="copy" data-event="${event.id}">Copy as JSON</button>
  <button data-action="explain" data-event="${event.id}">Explain</button>
  <button data-action="addToTests" data-expect="match" data-event="${event.id}" title="Append this event to the rule's tests as an expected match">Add to rule tests: match</button>
  <button data-action="addToTests" data-expect="no-match" data-event="${event.id}" title="Append this event to the rule's tests as an expected non-match">no-match</button></span></div>
${tabs}<div class="tree-panel" data-panel="doc" ${active === 'doc' ? '' : 'hidden'}>${renderJsonTree(event.doc ?? {}, highlight, '', 0, keys)}</div>
${hasRaw ? html`<div class="tree-panel" data-panel="raw" ${active === 'raw' ? '' : 'hidden'}>${renderJsonTree(event.raw, new Set())}</div>` : html``}`;
}

export function renderSearchResults(text: string, result: SearchEventsResult): Html {
  if (result.events.length === 0) return html`<p class="none">No event contains “${text}”.</p>`;
  // Bounded and collapsible: picking an event folds the list so the explanation below stays in view.
  return html`<details class="candidates" id="candidates" open><summary class="total">${formatCount(result.total)} event${result.total === 1 ? ' contains' : 's contain'} “${text}”${result.total > result.events.length ? html`, first ${result.events.length} shown` : html``} — pick one to explain</summary>
<ul class="picks">${result.events.map(
    (e) =>
      html`<li><button class="pick" data-action="explain" data-event="${e.id}">#${e.id} ${e.timestamp ?? ''} ${formatValue(getField(e.doc, 'event.action'))} ${formatValue(getField(e.doc, 'event.outcome'))} <span class="where">${location(e)}</span></button></li>`,
  )}</ul></details>`;
}

function renderNode(node: ExplainNode): Html {
  return html`<li class="clause v-${node.value}${node.children.length ? '' : ' leaf'}"><span class="badge ${node.value}">${node.value}</span> <code>${node.text}</code>${node.detail ? html` <span class="compared">${node.detail}</span>` : html``}${
    node.children.length ? html`<ul>${node.children.map(renderNode)}</ul>` : html``
  }</li>`;
}

function reasonText(text: string): Html {
  // Event numbers in a reason become links that explain that event.
  const parts = text.split(/(#\d+)/);
  return html`${parts.map((p) => (/^#\d+$/.test(p) ? html`<button class="link" data-action="explain" data-event="${p.slice(1)}" title="Explain event ${p}">${p}</button>` : p))}`;
}

export function renderExplain(result: ExplainEventResult): Html {
  const e = result.event;
  const reasons = result.reasons ?? [];
  const keys = result.joinFields?.length
    ? html`<div class="join-fields">Join key${result.joinFields.length === 1 ? '' : 's'}: ${result.joinFields.map((f) => html`<code class="jk">${f}</code> `)}(highlighted in the event above)</div>`
    : html``;
  return html`<div class="explain" id="explain"><div class="explain-head">Sample event #${e.id}${e.timestamp ? html` · ${e.timestamp}` : html``}${e.file ? html` · ${openLink(e)}` : html``}</div>
${reasons.length ? html`<div class="reasons" id="reasons"><strong>Across the run’s events</strong><ul>${reasons.map((r) => html`<li>${reasonText(r.text)}</li>`)}</ul></div>` : html``}${keys}
${result.steps.map(
  (s) =>
    html`<div class="step ${s.matched ? 'matched' : 'unmatched'}"><div class="step-head">${s.label}: <strong>${s.matched ? 'matches' : 'does not match'}</strong></div><ul class="conditions">${renderNode(s.tree)}</ul></div>`,
)}
${result.notes.length ? html`<ul class="notes">${result.notes.map((n) => html`<li>${n}</li>`)}</ul>` : html``}</div>`;
}

export function renderWhyNot(): Html {
  return html`<section class="whynot" aria-label="Why not?"><h3>Why not?</h3>
  <form id="search-form"><input id="search" type="search" placeholder="Find an event by any text, e.g. AccessDenied" aria-label="Find an event"><button type="submit">Find</button></form>
  <div id="search-results"></div><div id="explain-view"></div></section>`;
}

/** While a run reads the samples: what it read so far, a bar (indeterminate until a percentage is known) and Cancel. */
export function renderProgress(source: string, samples: string, message: string | undefined, percentage: number | undefined): Html {
  const value = percentage === undefined ? html`` : html` value="${Math.max(0, Math.min(100, Math.round(percentage)))}"`;
  return html`<div class="progress" id="progress" role="status" aria-live="polite"><div class="progress-head"><span>Running <b>${source}</b> on ${samples}…</span>
  <button data-action="cancel" id="cancel-run">Cancel</button></div>
  <progress max="100"${value} aria-label="Run progress"></progress>
  <div class="progress-text" id="progress-text">${message ?? 'Starting…'}</div></div>`;
}
