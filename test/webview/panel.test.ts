// The panel's newer parts: no event badge or "Why not?" for a broken query, the filter banner,
// join keys in the event, sequence reasons in words, the bounded candidate list, run progress,
// column widths. Pure rendering over fixtures (test-fixtures/panel).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplainEventResult, RunRuleResult, SearchEventsResult } from '../../server/src/protocol';
import { buildGroups, filterGroups, tableColumns } from '../../client/webview/model';
import { renderDetail, renderExplain, renderHeader, renderProgress, renderSearchResults, renderTable } from '../../client/webview/render';
import { fitWidth, MAX_START_WIDTH, MIN_WIDTH } from '../../client/webview/columns';
import { fixture, textOf, unexpectedMarkup } from './helpers';

const event = fixture<RunRuleResult>('event-result.json');
const sequenceWhy = fixture<ExplainEventResult>('explain-sequence-result.json');
const search = fixture<SearchEventsResult>('search-result.json');
const XSS = '<img src=x onerror=alert(1)>';
const broken: RunRuleResult = { ...event, matches: [], queryErrors: [{ line: 3, column: 7, message: 'EQL001 expected a value' }] };
const plain = (markup: string) => textOf(markup).replace(/\s+/g, ' ');

test('a query with errors: the errors, no kind badge', () => {
  const out = renderHeader(broken, 'samples').value;
  assert.ok(plain(out).includes('The query has errors; nothing ran.'));
  assert.ok(plain(out).includes('3:7 EQL001 expected a value'));
  assert.doesNotMatch(out, /badge kind/);
  assert.match(renderHeader(event, 'samples').value, /<span class="badge kind" title="An event query[^"]*">event<\/span>/);
});

test('the filter banner names the filter, the counts, that exports follow it, and clears', () => {
  const columns = tableColumns(event);
  const groups = filterGroups(buildGroups(event, columns), 'mallory');
  const out = renderTable(event, columns, groups, undefined, undefined, 500, ' mallory ').value;
  assert.ok(plain(out).includes(`Filter on ${groups.length} of 3 matches shown by the filter “mallory”; exports write these. Clear filter`), plain(out));
  assert.match(out, /data-action="clearFilter"/);
  assert.doesNotMatch(renderTable(event, columns, buildGroups(event, columns), undefined, undefined, 500, '').value, /Filter on/);
});

test('columns have resize handles and their names', () => {
  const columns = tableColumns(event);
  const out = renderTable(event, columns, buildGroups(event, columns), undefined, undefined, 500).value;
  assert.equal(out.match(/<span class="resize" data-resize="\d+"/g)?.length, columns.length);
  assert.match(out, /<th aria-sort="none" class="" data-column="@timestamp">/);
});

test('column starting widths stay within bounds', () => {
  assert.equal(fitWidth(10), MIN_WIDTH);
  assert.equal(fitWidth(120.4), 120);
  assert.equal(fitWidth(2000), MAX_START_WIDTH);
});

test('join keys are marked in the event, the query fields stay highlighted', () => {
  const out = renderDetail(sequenceWhy.event, ['event.action'], 'doc', ['user.name']).value;
  assert.deepEqual(unexpectedMarkup(out), []);
  assert.match(out, /<li class="leaf jk" title="join key"><span class="key">name<\/span>/);
  assert.match(out, /<li class="leaf hl"><span class="key">action<\/span>/);
  assert.ok(plain(out).includes(`name: "mallory ${XSS}" join key`));
  assert.doesNotMatch(renderDetail(sequenceWhy.event, ['event.action'], 'doc').value, /join key/);
});

test('a sequence "Why not?" says the reason in words, links the events it names, lists the join keys', () => {
  const out = renderExplain(sequenceWhy).value;
  assert.deepEqual(unexpectedMarkup(out), []);
  const text = plain(out);
  assert.ok(text.includes(`no AssumeRole (step 2) with user.name = "mallory ${XSS}" within 30m after this event`), text);
  assert.ok(text.includes('Join key: user.name (highlighted in the event above)'), text);
  assert.match(out, /<button class="link" data-action="explain" data-event="903" title="Explain event #903">#903<\/button>/);
  // An event query's explanation has neither.
  assert.doesNotMatch(renderExplain({ ...sequenceWhy, reasons: undefined, joinFields: undefined }).value, /reasons|Join key/);
});

test('candidate events: a collapsible list with a summary, so the explanation stays in view', () => {
  const out = renderSearchResults('eve', search).value;
  assert.match(out, /^<details class="candidates" id="candidates" open><summary class="total">/);
  assert.ok(plain(out).includes('1 event contains “eve” — pick one to explain'));
});

test('progress: what was read, a bar with the percentage, Cancel; data escaped', () => {
  const out = renderProgress(`rule ${XSS}`, 'samples', '12,000 events · 2 files read', 41.6).value;
  assert.deepEqual(unexpectedMarkup(out), []);
  assert.match(out, /<progress max="100" value="42" aria-label="Run progress"><\/progress>/);
  assert.match(out, /<button data-action="cancel" id="cancel-run">Cancel<\/button>/);
  assert.ok(plain(out).includes(`Running rule ${XSS} on samples… Cancel`));
  assert.ok(plain(out).includes('12,000 events · 2 files read'));
  // Before the first report: an indeterminate bar.
  assert.match(renderProgress('r', 's', undefined, undefined).value, /<progress max="100" aria-label="Run progress">/);
});
