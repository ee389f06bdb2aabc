import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRuleResult } from '../../server/src/protocol';
import { csvField, shownMatches, toCsv, toNdjson } from '../../client/src/panel/export';
import { fixture } from './helpers';

const event = fixture<RunRuleResult>('event-result.json');
const sequence = fixture<RunRuleResult>('sequence-result.json');

const fields: [string, string][] = [
  ['plain', 'plain'],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['line\nbreak', '"line\nbreak"'],
  ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
  ['@SUM(1)', "'@SUM(1)"],
  ['-12.5', '-12.5'],
  ['', ''],
];
for (const [value, expected] of fields) test(`csvField ${JSON.stringify(value)}`, () => assert.equal(csvField(value), expected));

test('NDJSON: one document per event match', () => {
  const lines = toNdjson(event).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.deepEqual(lines[1], event.matches[1].events[0].doc);
});

test('NDJSON: one line per sequence with its join keys and steps', () => {
  const lines = toNdjson(sequence).trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0].joinKeys, ['alice']);
  assert.equal(lines[1].events[1], null);
});

test('CSV: header with the panel columns, a row per event, the XSS text intact', () => {
  const rows = toCsv(event).trimEnd().split('\r\n');
  assert.equal(rows[0], 'match,step,file,line,@timestamp,event.dataset,event.provider,event.action,event.outcome,user.name,source.ip,cloud.region,event.id');
  assert.equal(rows.length, 4);
  assert.ok(rows[2].startsWith('2,1,/ws/samples/cloudtrail/rds.json,120,2024-03-02T09:00:00.000Z,aws.cloudtrail'));
  assert.equal(toCsv(sequence).trimEnd().split('\r\n').length, 4);
});

test('export of what the filter shows: only those matches, in the shown order, their numbers kept out of range', () => {
  const shown = shownMatches(event, [2, 0, 99, -1]);
  assert.deepEqual(shown.matches, [event.matches[2], event.matches[0]]);
  assert.equal(toNdjson(shown).trimEnd().split('\n').length, 2);
  assert.equal(toCsv(shown).trimEnd().split('\r\n').length, 3);
  assert.equal(shownMatches(event, undefined), event);
});
