import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplainEventResult, RunRuleResult, SearchEventsResult } from '../../server/src/protocol';
import { buildGroups, histogram, matchTimes, tableColumns } from '../../client/webview/model';
import { renderDetail, renderEmptyState, renderExplain, renderHeader, renderJsonTree, renderSearchResults, renderTable, renderTimeline } from '../../client/webview/render';
import { fixture, textOf, unexpectedMarkup } from './helpers';

const event = fixture<RunRuleResult>('event-result.json');
const sequence = fixture<RunRuleResult>('sequence-result.json');
const empty = fixture<RunRuleResult>('empty-result.json');
const explain = fixture<ExplainEventResult>('explain-result.json');
const search = fixture<SearchEventsResult>('search-result.json');
const XSS = '<img src=x onerror=alert(1)>';

function table(result: RunRuleResult, limit = 500, selected?: number): string {
  const columns = tableColumns(result);
  return renderTable(result, columns, buildGroups(result, columns), undefined, selected, limit).value;
}

// Every renderer over every fixture: only the panel's own tags, and the XSS value as text.
const renderers: [string, () => string][] = [
  ['header', () => renderHeader(event, `samples/<b>cloudtrail</b>`).value],
  ['table', () => table(event)],
  ['sequence table', () => table(sequence)],
  ['timeline', () => renderTimeline(histogram(matchTimes(event))).value],
  ['detail', () => renderDetail(event.matches[1].events[0], event.fields, 'doc').value],
  ['raw detail', () => renderDetail(event.matches[0].events[0], event.fields, 'raw').value],
  ['empty state', () => renderEmptyState(empty).value],
  ['explain', () => renderExplain(explain).value],
  ['search', () => renderSearchResults(XSS, search).value],
];
for (const [name, render] of renderers)
  test(`${name}: no markup from data`, () => assert.deepEqual(unexpectedMarkup(render()), []));

const texts: [string, () => string, string[]][] = [
  ['header counts', () => renderHeader(event, 'samples').value, ['3 matched', '1,204 events scanned', '2 files', '37 ms', 'AWS RDS DB Instance Restored']],
  ['header sample error with its place', () => renderHeader(event, 'samples').value, ['1 sample error', "broken.json:3:17 Unexpected token '}' <script>"]],
  ['table values', () => table(event), ['mallory', 'RestoreDBInstanceFromS3', 'eu-west-1', '203.0.113.9']],
  ['detail shows the XSS value as text', () => renderDetail(event.matches[1].events[0], event.fields, 'doc').value, [`original: "${XSS}"`]],
  ['table columns', () => table(event), ['@timestamp', 'event.action', 'user.name', 'source.ip', 'cloud.region']],
  ['sequence groups with join keys and maxspan', () => table(sequence), ['Sequence 1 · 2 steps · join keys alice', '2.5 min first to last of maxspan 5 min', '+2.5 min', '(missing event)']],
  ['timeline range', () => renderTimeline(histogram(matchTimes(event))).value, ['2024-03-02T09:00:00.000Z', '2024-03-03T23:59:59.000Z']],
  ['empty state explains presence', () => renderEmptyState(empty).value, ['No event matched among 1,204 events', '0 of 1,204 events have event.dataset', '1,100 of 1,204 events have event.outcome', 'Likely reason: no sample event has event.dataset']],
  ['empty state when all fields occur', () => renderEmptyState({ ...empty, fieldPresence: [{ field: 'event.action', present: 5 }] }).value, ['Why not?']],
  ['empty state without events', () => renderEmptyState({ ...empty, stats: { ...empty.stats, events: 0 } }).value, ['No events were read', 'Choose sample files']],
  ['detail with raw and normalized tabs', () => renderDetail(event.matches[0].events[0], event.fields, 'doc').value, ['Normalized (ECS)', 'Raw CloudTrail', 'Open in sample file', 'rds.json:40:5', 'eventName']],
  ['explain shows the failing clause and the compared value', () => renderExplain(explain).value, ['false event.outcome == "success" event.outcome = "failure"', 'does not match']],
  ['search results', () => renderSearchResults('eve', search).value, ['1 event contains “eve”', '#17', 'failure', 'rds.json:200']],
];
for (const [name, render, expected] of texts)
  test(name, () => {
    const text = textOf(render()).replace(/\s+/g, ' ');
    for (const e of expected) assert.ok(text.includes(e), `missing ${JSON.stringify(e)} in ${text.slice(0, 600)}`);
  });

test('table rows: one per match, focusable, selection marked', () => {
  const out = table(event, 500, 9);
  assert.equal(out.match(/<tr class="row/g)?.length, 3);
  assert.match(out, /<tr class="row selected" tabindex="0" aria-selected="true" data-event="9"/);
  assert.equal(out.match(/tabindex="-1"/g)?.length, 2);
});

test('without a selection the first row is the Tab stop', () => {
  const out = table(event);
  assert.equal(out.match(/tabindex="0"/g)?.length, 1);
  assert.match(out, /tabindex="0" aria-selected="false" data-event="3"/);
});

test('table renders at most the limit and offers the rest', () => {
  const out = table(event, 2);
  assert.equal(out.match(/<tr class="row/g)?.length, 2);
  assert.ok(textOf(out).includes('Show more (1 more)'));
});

test('sorted column is announced', () => {
  const columns = tableColumns(event);
  const out = renderTable(event, columns, buildGroups(event, columns), { column: 0, descending: true }, undefined, 10).value;
  assert.match(out, /<th aria-sort="descending"[^>]*><button class="sort" data-sort="0"[^>]*>@timestamp ▼/);
});

test('tabs announce which one is selected', () => {
  const out = renderDetail(event.matches[0].events[0], event.fields, 'raw').value;
  assert.match(out, /data-tab="doc" aria-selected="false"/);
  assert.match(out, /data-tab="raw" aria-selected="true"/);
});

test('json tree opens only the branches that lead to the query fields', () => {
  const out = renderJsonTree({ event: { action: 'A' }, source: { ip: '1.1.1.1' } }, new Set(['event.action'])).value;
  assert.match(out, /<details open><summary><span class="key">event<\/span>/);
  assert.match(out, /<details ><summary><span class="key">source<\/span>/);
});

test('json tree highlights the fields the query references', () => {
  const out = renderJsonTree({ event: { action: 'A', kind: 'k' }, 'source.ip': '1.1.1.1' }, new Set(['event.action', 'source.ip'])).value;
  assert.equal(out.match(/class="leaf hl"/g)?.length, 2);
  assert.equal(out.match(/class="leaf"/g)?.length, 1);
});
