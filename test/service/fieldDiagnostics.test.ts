// Unknown-field and not-in-samples diagnostics: code, severity, where, and the fixes offered.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/core/syntax/parser';
import { getFieldDiagnostics, fieldSource } from '../../server/src/service/fieldDiagnostics';
import { catalogFromSamples } from '../../server/src/core/schema/sources';
import { registry } from '../core/schema/fixtures';

const reg = registry();
const cloudtrail = reg.schemasFor({ indices: ['logs-aws.cloudtrail-*'], integrations: ['aws'] });
const endpoint = reg.schemasFor({ indices: ['logs-endpoint.events.*'], integrations: [] });
const plain = reg.schemasFor();

type Expect = [text: string, code: string, severity: string, firstFix?: string][];

function check(query: string, schemas = cloudtrail, expected: Expect, samples?: ReturnType<typeof catalogFromSamples>): void {
  const diags = getFieldDiagnostics(parse(query), schemas, samples);
  assert.deepEqual(
    diags.map((d) => [query.slice(d.range.start, d.range.end), d.code, d.severity, ...(d.fixes?.length ? [d.fixes[0].edits[0].newText] : [])]),
    expected,
  );
}

describe('unknown fields', () => {
  const cases: [string, typeof cloudtrail, Expect][] = [
    ['iam where event.actoin == "AttachUserPolicy"', cloudtrail, [['event.actoin', 'EQL201', 'warning', 'event.action']]],
    ['iam where event.action == "x" and aws.cloudtrail.user_identity.typ == "Root"', cloudtrail, [['aws.cloudtrail.user_identity.typ', 'EQL201', 'warning', 'aws.cloudtrail.user_identity.type']]],
    ['any where ?event.actoin == "x"', cloudtrail, []],
    ['any where aws.cloudtrail.flattened.request_parameters.anything == "x"', cloudtrail, []],
    ['any where process.name == "x"', cloudtrail, []],
    ['sequence by user.nmae [any where true] [any where true]', cloudtrail, [['user.nmae', 'EQL201', 'warning', 'user.name']]],
    ['any where startsWith(totally.unknown.field, "x")', cloudtrail, [['totally.unknown.field', 'EQL201', 'warning', '?']]],
    // data we have no catalog for: an unknown field is a hint unless it looks like a typo
    ['process where process.Ext.api.name == "x"', endpoint, [['process.Ext.api.name', 'EQL201', 'hint', '?']]],
    ['process where process.nmae == "x"', endpoint, [['process.nmae', 'EQL201', 'warning', 'process.name']]],
    ['any where aws.cloudtrail.user_identity.type == "Root"', endpoint, [['aws.cloudtrail.user_identity.type', 'EQL201', 'hint', '?']]],
    ['process where processor.name == "x"', endpoint, [['processor.name', 'EQL201', 'hint', 'process.name']]],
    ['any where aws.cloudtrail.user_identity.type == "Root"', plain, []],
    // a group is not a field
    ['any where aws.cloudtrail.user_identity == "x"', cloudtrail, [['aws.cloudtrail.user_identity', 'EQL201', 'warning', 'aws.cloudtrail.user_identity.access_key_id']]],
    // field segments that need backticks in the fix
    ['any where `event`.`actoin` == "x"', cloudtrail, [['`event`.`actoin`', 'EQL201', 'warning', 'event.action']]],
  ];
  for (const [query, schemas, expected] of cases) test(query, () => check(query, schemas, expected));

  test('fixes: closest names first (preferred), then ?optional', () => {
    const q = 'iam where event.actoin == "x"';
    const [d] = getFieldDiagnostics(parse(q), cloudtrail);
    const titles = d.fixes!.map((f) => f.title);
    assert.equal(titles[0], 'Change to `event.action`');
    assert.equal(d.fixes![0].preferred, true);
    assert.match(titles[titles.length - 1], /optional/);
    const opt = d.fixes![d.fixes!.length - 1].edits[0];
    assert.equal(q.slice(0, opt.range.start) + opt.newText + q.slice(opt.range.end), 'iam where ?event.actoin == "x"');
    assert.match(d.message, /Did you mean `event.action`/);
    assert.match(d.message, /from index logs-aws\.cloudtrail-\*/);
  });
  test('fieldSource quotes segments that are not identifiers', () => {
    assert.equal(fieldSource('a.b-c.d'), 'a.`b-c`.d');
    assert.equal(fieldSource('@timestamp'), '@timestamp');
  });
  test('broken query: no exception, fields that parsed are still checked', () => {
    const diags = getFieldDiagnostics(parse('any where event.actoin == and ('), cloudtrail);
    assert.ok(diags.some((d) => d.code === 'EQL201'));
  });
});

describe('fields no sample holds', () => {
  const samples = catalogFromSamples([{ doc: { event: { action: 'CreateUser' }, aws: { cloudtrail: { flattened: { request_parameters: { userName: 'bob' } } } } } }]);
  const cases: [string, Expect][] = [
    ['any where event.action == "x" and event.outcome == "success"', [['event.outcome', 'EQL209', 'information']]],
    ['any where aws.cloudtrail.flattened.request_parameters.userName == "bob"', []],
    ['any where event.actoin == "x"', [['event.actoin', 'EQL201', 'warning', 'event.action']]],
    ['any where ?event.outcome == "x"', []],
  ];
  for (const [query, expected] of cases) test(query, () => check(query, cloudtrail, expected, samples));
  test('no samples configured: nothing', () => check('any where event.outcome == "x"', cloudtrail, []));
});
