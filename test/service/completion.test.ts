// Completion at `|`: what must be offered, what must not, and which item comes first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { toServiceDocument } from '../../server/src/service/embedded';
import type { CompletionItem } from 'vscode-languageserver-types';
import { doComplete, type CompletionTrigger } from '../../server/src/service/completion';
import { catalogFromSamples } from '../../server/src/core/schema/sources';
import { CLOUDTRAIL_RULE, context, cursor, queryDoc, registry } from '../core/schema/fixtures';

const reg = registry();
const ctx = context(reg);

interface Expect {
  has?: string[];
  not?: string[];
  first?: string;
  /** label -> inserted text */
  insert?: Record<string, string>;
  none?: boolean;
  rule?: boolean;
}

function sorted(items: CompletionItem[]): CompletionItem[] {
  return [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
}

function check(input: string, e: Expect, c = ctx): void {
  const { text, offset } = cursor(input);
  const list = doComplete(queryDoc(text, e.rule ? CLOUDTRAIL_RULE : undefined), offset, c);
  // Every edit replaces a range around the cursor.
  for (const i of list.items) {
    assert.ok(i.textEdit && 'range' in i.textEdit);
    assert.ok(i.textEdit.range.start.character <= offset && i.textEdit.range.end.character >= offset, `${i.label}: edit range does not contain the cursor`);
  }
  const items = sorted(list.items);
  const labels = items.map((i) => i.label);
  if (e.none) assert.deepEqual(labels, []);
  for (const h of e.has ?? []) assert.ok(labels.includes(h), `${h} not offered; got ${labels.slice(0, 15).join(' ')}`);
  for (const n of e.not ?? []) assert.ok(!labels.includes(n), `${n} offered`);
  if (e.first) assert.equal(labels[0], e.first);
  for (const [label, newText] of Object.entries(e.insert ?? {})) {
    const item = items.find((i) => i.label === label);
    assert.ok(item, `${label} not offered`);
    assert.ok(item.textEdit && 'range' in item.textEdit);
    assert.equal(item.textEdit.newText, newText);
  }
}

const cases: [string, Expect][] = [
  // dotted segments
  ['process where event.|', { has: ['action', 'provider', 'outcome', 'category'], not: ['event', 'where', 'and'] }],
  ['any where aws.cloudtrail.|', { has: ['user_identity', 'request_parameters', 'flattened', 'error_code'], insert: { user_identity: 'user_identity.', error_code: 'error_code' } }],
  ['any where aws.cloudtrail.user_identity.ty|', { has: ['type'], not: ['arn'], insert: { type: 'type' } }],
  ['any where aws.cloudtrail.us| == "x"', { has: ['user_identity'] }],
  ['any where ev|', { has: ['event'], not: ['process', 'startsWith', 'not'], insert: { event: 'event.' } }],
  ['any where st|', { has: ['startsWith', 'stringContains'], not: ['event'] }],
  ['any where n|', { has: ['not', 'null'] }],
  ['any where ?user.na|', { has: ['name'], not: ['id'] }],
  ['any where user.name.|', { has: ['text'] }],
  ['any where nosuch.|', { none: true }],
  // the cursor inside a name: the replaced range is the whole segment
  ['any where event.act|ion == "x"', { has: ['action'], not: ['provider'], insert: { action: 'action' } }],
  ['any where event.|action == "x"', { has: ['action', 'outcome'] }],
  ['any where aws.cloud|trail.user_identity.type == "x"', { has: ['cloudtrail'], not: ['type'] }],
  ['any where aws.cloudtrail.user_identity|.type == "x"', { has: ['user_identity'], not: ['error_code'] }],
  ['any where eve|nt.action == "x"', { has: ['event'], not: ['process'] }],
  ['sequence with maxspan=|', { has: ['5m', '1h'], not: ['event'] }],
  ['sequence [any where true] with runs=|', { none: true }],
  // ranking: the rule's integration first
  ['any where |', { rule: true, first: '@timestamp', has: ['aws', 'event', 'process'] }],
  ['any where aws.cloudtrail.user_identity.|', { rule: true, first: 'access_key_id' }],
  // categories
  ['|', { first: 'any', has: ['process', 'iam', 'network', 'sequence', 'sample'], insert: { process: 'process where $0' } }],
  ['pro|', { has: ['process'] }],
  ['sequence [|', { first: 'any', has: ['process', 'file'], not: ['event', 'startsWith'] }],
  ['sequence by user.name [process where true] ![|', { has: ['file'] }],
  ['process |', { has: ['where'], not: ['process'] }],
  ['[any |', { has: ['where'] }],
  // keywords and operators after things
  ['process where process.name |', { has: ['==', ':', 'in', 'like~', 'not in', 'and', 'or'], insert: { 'in': 'in ($0)' } }],
  ['process where process.name == "a" |', { has: ['and', 'or'], not: ['==', 'in'] }],
  ['sequence [process where process.name == "a" |', { has: [']', 'and'] }],
  ['sequence |', { has: ['by', 'with maxspan=', '['], not: ['process'] }],
  ['sequence by user.name |', { has: ['with maxspan=', '['], not: ['=='] }],
  ['sample by host.id |', { has: ['['], not: ['with maxspan=', '=='] }],
  ['sample |', { has: ['by', '['], not: ['with maxspan='] }],
  ['sequence with maxspan=5m [any where true] |', { has: ['by', '[', 'until', 'with runs='] }],
  ['process where true | |', { has: ['head', 'tail'] }],
  // functions
  ['process where starts|', { has: ['startsWith'], insert: { startsWith: 'startsWith(${1:source}, ${2:prefix})' } }],
  ['process where not |', { has: ['cidrMatch', 'process'] }],
  // values
  ['any where event.outcome == |', { first: 'failure', has: ['success', 'unknown'], insert: { success: '"success"' } }],
  ['any where event.outcome : "|"', { has: ['success'], not: ['event', 'process'], insert: { success: 'success' } }],
  ['any where event.outcome : "su|', { has: ['success'], insert: { success: 'success' } }],
  ['any where event.kind in ("alert", |', { has: ['event', 'signal'] }],
  ['any where event.category in~ (|', { has: ['process', 'iam'] }],
  ['any where event.provider == "|"', { has: ['rds.amazonaws.com', 'iam.amazonaws.com', 's3.amazonaws.com'] }],
  ['any where event.provider == "rds.amazonaws.com" and event.action in (|', { has: ['RestoreDBInstanceFromDBSnapshot', 'ModifyDBInstance', 'DeleteDBSnapshot'], not: ['AttachUserPolicy', 'PutBucketPolicy'], insert: { ModifyDBInstance: '"ModifyDBInstance"' } }],
  ['any where event.action == "|" and event.provider : "iam.amazonaws.com"', { has: ['AttachUserPolicy', 'CreateAccessKey'], not: ['ModifyDBInstance'] }],
  ['any where event.provider in ("s3.amazonaws.com", "kms.amazonaws.com") and event.action : "|"', { has: ['PutBucketPolicy', 'ScheduleKeyDeletion'], not: ['CreateUser'] }],
  ['sequence [any where event.provider == "rds.amazonaws.com"] [any where event.action == "|"]', { has: ['CreateUser', 'ModifyDBInstance'] }],
  ['any where event.action == "|"', { has: ['ConsoleLogin', 'AssumeRole', 'GetSecretValue', 'StopLogging', 'DeleteDetector', 'Invoke', 'PutParameter'] }],
  ['any where data_stream.dataset == |', { first: 'aws.cloudtrail' }],
  // inside strings: values only, never fields
  ['any where process.name == "|"', { none: true }],
  ['any where stringContains(aws.cloudtrail.request_parameters, "|")', { none: true }],
  ['any where process.pid == 4|2', { none: true }],
];

describe('completion', () => {
  for (const [input, e] of cases) test(input, () => check(input, e));
});

// Typing at a person's pace: a list opens only where a name or value is being written, never
// where Enter ends a line. `trigger`: what the editor says opened the list (a typed character,
// or 'invoked' for a word being typed / Ctrl+Space).
const typing: [string, string, Expect & { incomplete?: boolean }][] = [
  // after a complete operand a typed character opens nothing
  ['any where event.action == "X"|', '"', { none: true }],
  ['any where event.action == "X" |', ' ', { none: true }],
  ['sequence [iam where true]|', ']', { none: true }],
  ['sequence [iam where true] |', ' ', { none: true }],
  ['any where length(process.name) |', ' ', { none: true }],
  ['any where |', ' ', { none: true }],
  ['sequence by user.name with maxspan=10m|', 'invoked', { none: true }],
  ['sequence by user.name with maxspan=10m |', ' ', { none: true }],
  ['any where process.pid == 42|', 'invoked', { none: true }],
  // ... but Ctrl+Space there offers what may follow (point 3: `[` after the sequence's window)
  ['sequence by user.name with maxspan=10m |', 'invoked', { has: ['['], not: ['@timestamp', 'event', 'and'] }],
  ['sequence [any where true] with runs=3 |', 'invoked', { has: ['[', 'until'], not: ['event'] }],
  ['any where event.action == "X" |', 'invoked', { has: ['and', 'or'] }],
  // a complete word closes the list (Enter after it is a new line); the list is incomplete so the next key asks again
  ['any where event.action|', 'invoked', { none: true, incomplete: true }],
  ['any where event.action == "X" and|', 'invoked', { none: true, incomplete: true }],
  ['any where|', 'invoked', { none: true, incomplete: true }],
  ['sequence [iam|', 'invoked', { none: true, incomplete: true }],
  ['any where event|', 'invoked', { has: ['event'], incomplete: true }],
  ['sequence by user.name|', 'invoked', { none: true, incomplete: true }],
  // a word being typed: the names it can become, re-asked on each key
  ['any where event.ac|', 'invoked', { has: ['action'], not: ['outcome'], incomplete: true }],
  ['any where eve|', 'invoked', { has: ['event'], incomplete: true }],
  ['any where event.action == "X" a|', 'invoked', { has: ['and'], not: ['or'], incomplete: true }],
  ['sequence [i|', 'invoked', { has: ['iam'], incomplete: true }],
  // `.` after a name lists its fields, whatever opened the list
  ['any where event.|', '.', { has: ['action', 'provider'], incomplete: true }],
  ['any where event.|', 'incomplete', { has: ['action', 'provider'], incomplete: true }],
  // the characters that open a value or a category
  ['any where event.outcome == |', ' ', { has: ['success'] }],
  ['any where event.outcome : "|"', '"', { has: ['success'] }],
  ['any where event.category in (|', '(', { has: ['process'] }],
  ['sequence [|', '[', { has: ['iam', 'any'] }],
  // a list of field groups opened before any word is typed is incomplete: the `.` after `event`
  // continues the editor's word, so a complete list would be filtered to nothing and closed,
  // never asked for the group's fields (seen typing `(event.` in the workbench)
  ['any where (|)', '(', { has: ['event', 'process'], incomplete: true }],
  ['any where length(|)', '(', { has: ['process'], incomplete: true }],
  ['any where event.action in ("a", "b") or (event.outcome == "success" and (|', '(', { has: ['user'], incomplete: true }],
  ['any where ?|', 'invoked', { has: ['event'], incomplete: true }],
  ['any where true and |', 'invoked', { has: ['event'], incomplete: true }],
  // ... a list of values or categories has no group: complete, the editor filters it
  ['any where event.category in (|', '(', { has: ['process'], incomplete: false }],
  ['sequence [|', '[', { has: ['iam', 'any'], incomplete: false }],
];

describe('completion while typing', () => {
  for (const [input, how, e] of typing) {
    test(`${input} (${how})`, () => {
      const { text, offset } = cursor(input);
      const trigger: CompletionTrigger = how === 'invoked' ? { kind: 1 } : how === 'incomplete' ? { kind: 3 } : { kind: 2, character: how };
      const list = doComplete(queryDoc(text), offset, ctx, trigger);
      const labels = list.items.map((i) => i.label);
      if (e.none) assert.deepEqual(labels, []);
      for (const h of e.has ?? []) assert.ok(labels.includes(h), `${h} not offered; got ${labels.slice(0, 15).join(' ')}`);
      for (const n of e.not ?? []) assert.ok(!labels.includes(n), `${n} offered`);
      if (e.incomplete !== undefined) assert.equal(list.isIncomplete, e.incomplete);
      // Nothing is ever preselected: the editor's own order decides, and Enter is never taken by a hidden choice.
      assert.ok(list.items.every((i) => !i.preselect));
    });
  }
});

describe('completion with samples', () => {
  const reg2 = registry();
  reg2.setSamples(catalogFromSamples([
    { doc: { event: { action: 'MyCustomAction', category: ['process', 'weird'] }, custom: { thing: 1 } } },
    { doc: { event: { action: 'CreateAccessKey', provider: 'iam.amazonaws.com' } } },
    { doc: { event: { action: 'MyRdsCall', provider: 'rds.amazonaws.com' } } },
  ]));
  const c2 = context(reg2);
  const cases2: [string, Expect][] = [
    ['any where event.action == "|"', { has: ['MyCustomAction', 'CreateUser'], first: 'CreateAccessKey' }],
    ['any where event.category == |', { first: 'process', has: ['weird'] }],
    ['any where cus|', { has: ['custom'] }],
    ['[|', { has: ['weird', 'process'] }],
    // a sample's action that the catalog files under another provider is not an RDS name
    ['any where event.provider == "rds.amazonaws.com" and event.action in (|', { has: ['ModifyDBInstance', 'MyCustomAction', 'MyRdsCall'], not: ['CreateAccessKey'] }],
    // a sample action the catalog does not know, seen only with another provider, stays out too (issue 13 point 6)
    ['any where event.provider == "iam.amazonaws.com" and event.action == |', { has: ['CreateAccessKey', 'CreateUser', 'MyCustomAction'], not: ['MyRdsCall', 'ModifyDBInstance'], first: 'CreateAccessKey' }],
  ];
  for (const [input, e] of cases2) test(input, () => check(input, e, c2));
  test('ranking: rule integration, then samples, then ECS core, then ECS extended', () => {
    const { text, offset } = cursor('any where |');
    const labels = sorted(doComplete(queryDoc(text, CLOUDTRAIL_RULE), offset, c2).items).map((i) => i.label);
    const at = (l: string) => labels.indexOf(l);
    assert.ok(at('aws') >= 0 && at('aws') < at('custom'), 'integration before samples');
    assert.ok(at('custom') < at('agent'), 'samples before ECS core');
    assert.ok(at('agent') < at('dll'), 'ECS core before extended');
    assert.ok(at('dll') < at('startsWith'), 'fields before functions');
  });
  test('fields seen in samples say so', () => {
    const { text, offset } = cursor('any where event.|');
    const item = doComplete(queryDoc(text), offset, c2).items.find((i) => i.label === 'action');
    assert.match(String(item?.detail), /in samples/);
  });
});

test('categories follow the rule\'s event_category_override', () => {
  const { text, offset } = cursor('[|');
  const doc = queryDoc(text, CLOUDTRAIL_RULE);
  doc.regions[0].rule!.eventCategoryField = 'event.type';
  const labels = doComplete(doc, offset, ctx).items.map((i) => i.label);
  assert.ok(labels.includes('info') && labels.includes('creation'), labels.join(' '));
  assert.ok(!labels.includes('iam'));
});

describe('replaced range', () => {
  const cases: [string, string, string][] = [
    // input, label to accept, resulting text
    ['any where event.out|xyz == "x"', 'outcome', 'any where event.outcome == "x"'],
    ['any where event.|action == "x"', 'outcome', 'any where event.outcome == "x"'],
    ['any where event.out|', 'outcome', 'any where event.outcome'],
    ['any where event.outcome : "su|"', 'success', 'any where event.outcome : "success"'],
    ['any where event.outcome : "su|', 'success', 'any where event.outcome : "success'],
    ['any where event.outcome == |', 'failure', 'any where event.outcome == "failure"'],
    ['any where event.provider == "rds.amazonaws.com" and event.action in ("Mod|")', 'ModifyDBInstance', 'any where event.provider == "rds.amazonaws.com" and event.action in ("ModifyDBInstance")'],
  ];
  for (const [input, label, expected] of cases) {
    test(`${input} + ${label}`, () => {
      const { text, offset } = cursor(input);
      const item = doComplete(queryDoc(text), offset, ctx).items.find((i) => i.label === label);
      assert.ok(item?.textEdit && 'range' in item.textEdit, `${label} not offered`);
      const { start, end } = item.textEdit.range;
      assert.equal(text.slice(0, start.character) + item.textEdit.newText + text.slice(end.character), expected);
    });
  }
});

describe('completion in a rule file region', () => {
  test('edits map to host offsets', () => {
    const host = 'query = """\nany where event.\n"""';
    const start = host.indexOf('any');
    const query = 'any where event.';
    const doc = {
      uri: 'file:///r.toml',
      languageId: 'eql-rule-toml',
      version: 1,
      text: host,
      regions: [{ query, toHost: (q: number) => q + start, toQuery: (h: number) => (h >= start && h <= start + query.length ? h - start : undefined), hostRange: { start, end: start + query.length }, rule: { indices: ['logs-aws.cloudtrail-*'], integrations: [] } }],
    };
    const item = doComplete(doc, start + query.length, ctx).items.find((i) => i.label === 'action');
    assert.ok(item?.textEdit && 'range' in item.textEdit);
    assert.deepEqual(item.textEdit.range, { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } });
    assert.deepEqual(doComplete(doc, 2, ctx).items, []);
  });
  test('in a TOML basic string, inserted quotes are escaped; in a literal string they are not', () => {
    for (const [open, expected] of [['"', '\\"success\\"'], ["'''", '"success"']]) {
      const query = 'any where event.outcome == ';
      const host = `[metadata]\ncreation_date = "2024/01/01"\n\n[rule]\nname = "x"\ntype = "eql"\nlanguage = "eql"\nquery = ${open}${query}${open}\n`;
      const doc = toServiceDocument('file:///r.toml', 'toml', 1, host);
      const item = doComplete(doc, host.indexOf(query) + query.length, ctx).items.find((i) => i.label === 'success');
      assert.ok(item?.textEdit && 'range' in item.textEdit, open);
      assert.equal(item.textEdit.newText, expected, open);
    }
  });
  test('in a Kibana JSON string, inserted quotes are escaped', () => {
    const query = 'any where event.outcome == ';
    const host = `{"type": "eql", "query": ${JSON.stringify(query)}}`;
    const start = host.indexOf('any');
    // The rule file's string syntax decides the escaping (service/embedded.ts queryTextEscaper).
    const doc = toServiceDocument('file:///r.json', 'json', 1, host);
    const item = doComplete(doc, start + query.length, ctx).items.find((i) => i.label === 'success');
    assert.ok(item?.textEdit && 'range' in item.textEdit);
    assert.equal(item.textEdit.newText, '\\"success\\"');
  });
});
