import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRuleResult } from '../../server/src/protocol';
import { formatValue, getField } from '../../client/webview/fields';
import { buildGroups, filterGroups, formatDuration, histogram, matchTimes, sortGroups, tableColumns } from '../../client/webview/model';
import { fixture } from './helpers';

const nested = { event: { action: 'A', outcome: 'success' }, 'aws.cloudtrail': { user_identity: { arn: 'arn:1' } }, 'source.ip': '1.2.3.4', tags: ['x', 'y'] };
const fieldCases: [string, unknown][] = [
  ['event.action', 'A'],
  ['event.outcome', 'success'],
  ['aws.cloudtrail.user_identity.arn', 'arn:1'],
  ['source.ip', '1.2.3.4'],
  ['tags', ['x', 'y']],
  ['event.missing', undefined],
  ['nothing', undefined],
];
for (const [path, expected] of fieldCases) test(`getField ${path}`, () => assert.deepEqual(getField(nested, path), expected));

const formatCases: [unknown, string][] = [['s', 's'], [1.5, '1.5'], [true, 'true'], [null, ''], [undefined, ''], [['a', 1], '["a",1]'], [{ a: 1 }, '{"a":1}']];
for (const [value, expected] of formatCases) test(`formatValue ${JSON.stringify(value)}`, () => assert.equal(formatValue(value), expected));

const event = fixture<RunRuleResult>('event-result.json');
const sequence = fixture<RunRuleResult>('sequence-result.json');

test('columns: @timestamp, query fields, then CloudTrail key fields without duplicates', () => {
  assert.deepEqual(tableColumns(event), ['@timestamp', 'event.dataset', 'event.provider', 'event.action', 'event.outcome', 'user.name', 'source.ip', 'cloud.region', 'event.id']);
});

test('columns: the identity ARN stands in for user.name when no match has a user name', () => {
  const onlyArn = { ...event, matches: event.matches.slice(2) };
  assert.ok(tableColumns(onlyArn).includes('aws.cloudtrail.user_identity.arn'));
  assert.ok(!tableColumns(onlyArn).includes('user.name'));
});

const filterCases: [string, number[]][] = [
  ['', [0, 1, 2]],
  ['mallory', [1]],
  ['RESTOREDBINSTANCEFROMS3', [1]],
  ['eu-west', [1]],
  ['nobody', []],
  ['  alice ', [0]],
];
for (const [text, expected] of filterCases)
  test(`filter "${text}"`, () => {
    const groups = buildGroups(event, tableColumns(event));
    assert.deepEqual(filterGroups(groups, text).map((g) => g.matchIndex), expected);
  });

const sortCases: [string, boolean, number[]][] = [
  ['@timestamp', false, [1, 0, 2]],
  ['@timestamp', true, [2, 0, 1]],
  ['user.name', false, [0, 1, 2]],
  ['user.name', true, [1, 0, 2]],
  ['cloud.region', false, [1, 0, 2]],
];
for (const [column, descending, expected] of sortCases)
  test(`sort by ${column} ${descending ? 'desc' : 'asc'} (empty cells last)`, () => {
    const columns = tableColumns(event);
    const groups = buildGroups(event, columns);
    assert.deepEqual(sortGroups(groups, columns.indexOf(column), descending).map((g) => g.matchIndex), expected);
  });

test('sequence rows carry the time since the previous step', () => {
  const groups = buildGroups(sequence, tableColumns(sequence));
  assert.deepEqual(groups[0].rows.map((r) => r.sincePreviousMs), [undefined, 150000]);
  assert.equal(groups[1].rows[1].event.missing, true);
});

test('histogram counts every match once and spans first to last', () => {
  const h = histogram(matchTimes(event), 10);
  assert.ok(h);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 3);
  assert.equal(new Date(h.start).toISOString(), '2024-03-02T09:00:00.000Z');
  assert.equal(new Date(h.end).toISOString(), '2024-03-03T23:59:59.000Z');
  assert.equal(h.counts[9], 1);
  assert.equal(histogram([]), undefined);
});

const durations: [number, string][] = [[250, '250 ms'], [1500, '1.5 s'], [150000, '2.5 min'], [300000, '5 min'], [7200000, '2 h'], [-2000, '-2.0 s'], [172800000, '2 d']];
for (const [ms, text] of durations) test(`formatDuration ${ms}`, () => assert.equal(formatDuration(ms), text));
