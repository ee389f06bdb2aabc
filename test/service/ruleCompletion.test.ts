// Completion in a detection-rules TOML file outside the query: tables, keys with docs, values.
// `|` marks the cursor; `how` is what opened the list ('invoked', or the typed trigger character).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver-types';
import type { CompletionTrigger } from '../../server/src/service/completion';
import { docOf, languageService, applyEdits } from './languageServiceHelpers';

const RULE = '[metadata]\ncreation_date = "2026/01/05"\n\n[rule]\nseverity = "high"\n';

interface Expect {
  has?: string[];
  not?: string[];
  none?: boolean;
  /** label -> the line after accepting it */
  accept?: [string, string];
}

const cases: [string, string, Expect][] = [
  // tables
  ['[|', '[', { has: ['[metadata]', '[rule]', '[[rule.threat]]'] }],
  ['[me|', 'invoked', { has: ['[metadata]'], not: ['[rule]'], accept: ['[metadata]', '[metadata]'] }],
  ['[metadata|]', 'invoked', { none: true }],
  ['[[rule.threat]]\n[rule.threat.t|', 'invoked', { has: ['[rule.threat.tactic]'], not: ['[metadata]'] }],
  // keys of the table, required ones first, with docs; keys already written are left out
  [RULE + 'r|', 'invoked', { has: ['risk_score', 'rule_id', 'references'], not: ['severity', 'author'], accept: ['risk_score', 'risk_score = '] }],
  [RULE + '|', 'invoked', { has: ['author', 'description', 'index', 'query', 'tags'], not: ['severity', 'creation_date'] }],
  ['[metadata]\nma|', 'invoked', { has: ['maturity'], not: ['author'] }],
  ['[metadata]\nmaturity|', 'invoked', { none: true }],
  ['[[rule.threat]]\nframework = "MITRE ATT&CK"\n[rule.threat.tactic]\n|', 'invoked', { has: ['id', 'name', 'reference'], not: ['framework', 'author'] }],
  // a misspelt key gets nothing to accept (the check offers the fix)
  [RULE + 'crecreation|', 'invoked', { none: true }],
  // values
  [RULE.replace('severity = "high"\n', '') + 'severity = "|"', '"', { has: ['low', 'medium', 'high', 'critical'], accept: ['medium', 'severity = "medium"'] }],
  [RULE + 'risk_score = |', 'invoked', { has: ['73'], not: ['21', '47'], accept: ['73', 'risk_score = 73'] }],
  [RULE + 'type = "|', '"', { has: ['eql'] }],
  ['[metadata]\nmaturity = "|"', '"', { has: ['development', 'production', 'deprecated'] }],
  ['[metadata]\nupdated_date = "|"', '"', { has: ['2026/12/07'] }],
  [RULE + 'index = [|', '[', { has: ['logs-aws.cloudtrail-*', 'filebeat-*'], accept: ['logs-aws.cloudtrail-*', 'index = ["logs-aws.cloudtrail-*"'] }],
  [RULE + 'index = ["filebeat-*", "logs-aws.|', '.', { has: ['logs-aws.cloudtrail-*'], not: ['filebeat-*'] }],
  ['[[rule.threat]]\nframework = "MITRE ATT&CK"\n[rule.threat.tactic]\nid = "TA000|', 'invoked', { has: ['TA0005', 'TA0001'], not: ['T1562'] }],
  ['[[rule.threat]]\nframework = "MITRE ATT&CK"\n[rule.threat.tactic]\nid = "TA0005"\nname = "|"', '"', { has: ['Defense Evasion'], not: ['Persistence'] }],
  ['[[rule.threat]]\n[[rule.threat.technique]]\nid = "T1562"\nname = "Impair Defenses"\n[[rule.threat.technique.subtechnique]]\nid = "|"', '"', { has: ['T1562.008', 'T1562.001'], not: ['T1078.004', 'T1562'] }],
  ['[[rule.threat]]\n[[rule.threat.technique]]\nid = "T1562"\nreference = "|"', '"', { has: ['https://attack.mitre.org/techniques/T1562/'] }],
  // never in the way of Enter: after a finished value, after a space, at a complete value
  [RULE + 'type = "eql"|', '"', { none: true }],
  [RULE + 'type = |', ' ', { none: true }],
  [RULE + 'type = "eql|"', 'invoked', { none: true }],
  [RULE + 'index = ["logs-aws.cloudtrail-*"]|', 'invoked', { none: true }],
  // the query itself is EQL: its own completion answers there
  [RULE + "query = '''\nany where event.|\n'''", '.', { has: ['action'] }],
];

describe('TOML rule completion', () => {
  for (const [input, how, e] of cases) {
    test(`${JSON.stringify(input.split('\n').pop())} (${how}) in ${JSON.stringify(input.slice(0, 30))}`, () => {
      const offset = input.indexOf('|');
      const text = input.slice(0, offset) + input.slice(offset + 1);
      const svc = languageService();
      const doc = docOf(text, 'eql-rule-toml', `rule${Math.random()}.toml`);
      const trigger: CompletionTrigger = how === 'invoked' ? { kind: 1 } : { kind: 2, character: how };
      const list = withToday(() => svc.complete(doc, offset, trigger));
      const labels = list.items.map((i) => i.label);
      if (e.none) assert.deepEqual(labels, []);
      for (const h of e.has ?? []) assert.ok(labels.includes(h), `${h} not offered; got ${labels.slice(0, 20).join(' | ')}`);
      for (const n of e.not ?? []) assert.ok(!labels.includes(n), `${n} offered`);
      if (e.accept) {
        const item = list.items.find((i) => i.label === e.accept![0]) as CompletionItem;
        assert.ok(item?.textEdit && 'range' in item.textEdit, `${e.accept[0]} not offered`);
        const after = applyEdits(text, [item.textEdit]);
        const line = after.split('\n')[item.textEdit.range.start.line];
        assert.equal(line, e.accept[1]);
      }
      assert.ok(list.items.every((i) => !i.preselect));
    });
  }
  test('every [rule] key of the Kibana schema has its docs, and no other key does', async () => {
    const { KIBANA_EQL_RULE_SCHEMA } = await import('../../server/src/core/rules/kibanaSchema');
    const { RULE_KEY_DOCS } = await import('../../server/src/core/rules/ruleKeys');
    assert.deepEqual(Object.keys(RULE_KEY_DOCS).sort(), Object.keys(KIBANA_EQL_RULE_SCHEMA).sort());
  });
  test('keys come with their docs', () => {
    const text = '[rule]\nseverit';
    const list = languageService().complete(docOf(text, 'eql-rule-toml', 'docs.toml'), text.length, { kind: 1 });
    const sev = list.items.find((i) => i.label === 'severity');
    assert.match(JSON.stringify(sev?.documentation), /low, medium, high or critical/);
  });
});

/** Runs f with the clock on 2026-12-07 (the date values offer today). */
function withToday<T>(f: () => T): T {
  const RealDate = Date;
  const fixed = new RealDate('2026-12-07T12:00:00Z').getTime();
  class FixedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [string]));
    }
  }
  globalThis.Date = FixedDate as DateConstructor;
  try {
    return f();
  } finally {
    globalThis.Date = RealDate;
  }
}
