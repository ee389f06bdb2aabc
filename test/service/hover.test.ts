// Hover at `|`: the text must contain every expected fragment (and none of the excluded ones).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { doHover } from '../../server/src/service/hover';
import { catalogFromSamples } from '../../server/src/core/schema/sources';
import { CLOUDTRAIL_RULE, context, cursor, queryDoc, registry } from '../core/schema/fixtures';

const reg = registry();
const ctx = context(reg);

function check(input: string, has: string[] | null, not: string[] = [], c = ctx, rule = false): void {
  const { text, offset } = cursor(input);
  const h = doHover(queryDoc(text, rule ? CLOUDTRAIL_RULE : undefined), offset, c);
  if (has === null) {
    assert.equal(h, null);
    return;
  }
  assert.ok(h, 'no hover');
  const value = (h.contents as MarkupContent).value;
  for (const s of has) assert.ok(value.includes(s), `"${s}" not in:\n${value}`);
  for (const s of not) assert.ok(!value.includes(s), `"${s}" in:\n${value}`);
}

const cases: [string, string[] | null, string[]?][] = [
  // fields
  ['process where event.ac|tion == "x"', ['**event.action** `keyword`', 'Source: AWS CloudTrail', 'Active schemas: AWS CloudTrail, ECS']],
  ['process where even|t.action == "x"', ['**event.action**']],
  ['process where process.na|me == "x"', ['**process.name** `keyword`', 'Example: `ssh`', 'Source: ECS']],
  ['any where event.outcome| == "x"', ['Known values: `failure`, `success`, `unknown`']],
  ['any where process.args| == "x"', ['(array)']],
  ['any where user.name.te|xt : "x"', ['match_only_text', 'Multi-field of `user.name`']],
  ['any where aws.cloudtrail.flattened.request_parameters.dBInstan|ceIdentifier == "x"', ['any sub-path is accepted']],
  ['any where event.act|oin == "x"', ['not in the active schemas', '?event.actoin', 'Did you mean `event.action`']],
  ['any where ?event.act|oin == "x"', ['**?event.actoin**', 'optional field'], ['rejects']],
  // categories
  ['pro|cess where true', ['**process** event category']],
  ['sequence [fi|le where true]', ['**file** event category']],
  ['an|y where true', ['every category']],
  ['fooba|r where true', ['Not a known value of `event.category`']],
  // functions
  ['any where startsWith~|(a, "b")', ['startsWith(source, prefix)', 'ignores case', 'Null:']],
  ['any where cidr|Match(source.ip, "10.0.0.0/8")', ['cidrMatch(', 'Null:']],
  ['any where arrayCo|ntains(a, "b")', ['only in the older EQL engine']],
  // operators and keywords
  ['any where x =|= "a"', ['case-sensitive', 'literal']],
  ['any where x :| "a"', ['case-insensitive', 'wildcards']],
  ['any where x li|ke~ "a"', ['case-insensitive']],
  ['any where x n|ot in ("a")', ['membership']],
  ['any where x i|n~ ("a")', ['case-insensitive membership']],
  ['sequ|ence [any where true]', ['in order']],
  ['sequence with maxs|pan=5m [any where true]', ['within this time']],
  ['any where true | he|ad 5', ['first N']],
  ['any where ?x| == 1', ['**?x**']],
  // values
  ['any where event.provider == "rds.amaz|onaws.com"', ['known value of `event.provider`', 'Amazon RDS']],
  ['any where event.action == "RestoreDBInstanceFromDB|Snapshot"', ['API of rds.amazonaws.com']],
  ['any where event.outcome == "succ|ess"', ['known value']],
  ['any where process.name == "cm|d.exe"', null],
  // nothing
  ['any where 4|2 == x', null],
];

describe('hover', () => {
  for (const [input, has, not] of cases) test(input, () => check(input, has, not ?? []));
  test('ECS fields show the long description', () => {
    const long = reg.longDescription('event.outcome');
    assert.ok(long && long.length > (reg.ecsCatalog()!.fields.get('event.outcome')!.description ?? '').length);
    check('any where event.out|come == "x"', [long]);
    assert.equal(reg.longDescription('aws.cloudtrail.user_identity.type'), undefined);
  });
  test('a rule with event_category_override matches categories against that field', () => {
    const { text, offset } = cursor('in|fo where true');
    const doc = queryDoc(text, CLOUDTRAIL_RULE);
    doc.regions[0].rule!.eventCategoryField = 'event.type';
    const h = doHover(doc, offset, ctx);
    assert.match((h!.contents as MarkupContent).value, /`event.type` is `info`/);
  });
  // Escaped so Markdown shows the `*` instead of reading emphasis.
  test('a rule region names its index patterns', () => check('any where event.ac|tion == "x"', ['from index filebeat-\\*, logs-aws.cloudtrail-\\*'], [], ctx, true));
});

describe('hover with samples', () => {
  const reg2 = registry();
  reg2.setSamples(catalogFromSamples([{ doc: { event: { action: 'CreateUser' } } }, { doc: { event: { action: 'DeleteUser' } } }]));
  const c2 = context(reg2);
  test('observed values', () => check('any where event.act|ion == "x"', ['In samples: 2 event(s)', '`CreateUser`', '`DeleteUser`'], [], c2));
  test('absent from samples', () => check('any where process.na|me == "x"', ['no sample event has this field'], [], c2));
});
