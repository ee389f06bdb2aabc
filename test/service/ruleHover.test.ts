// Hover on ATT&CK ids (and Tactic: tags) in rule files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver-types';
import { toServiceDocument } from '../../server/src/service/embedded';
import { getRuleHover } from '../../server/src/service/ruleHover';

const dir = join(__dirname, '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

// [fixture, languageId, text around the cursor with |, expected hover parts (undefined: no hover)]
const CASES: [string, string, string, string[] | undefined][] = [
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', 'id = "T15|78"', ['**T1578 Modify Cloud Compute Infrastructure**', 'TA0005 Defense Evasion', 'https://attack.mitre.org/techniques/T1578/']],
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', 'id = "|T1578.004"', ['**T1578.004 Revert Cloud Instance**', 'sub-technique of T1578 Modify Cloud Compute Infrastructure', 'https://attack.mitre.org/techniques/T1578/004/']],
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', 'id = "TA0005|"', ['**TA0005 Defense Evasion**', 'https://attack.mitre.org/tactics/TA0005/']],
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', '"Tactic: Def|ense Evasion"', ['**TA0005 Defense Evasion**']],
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', 'name = "Modify Cloud| Compute', undefined],
  ['aws_rds_db_instance_restored.toml', 'eql-rule-toml', 'any where event.data|set', undefined],
  ['kibana_rule.json', 'json', '"id": "T1204|.002"', ['**T1204.002 Malicious File**', 'TA0002 Execution']],
  ['sequence_rule.toml', 'toml', 'id = "T1098|"', ['**T1098 Account Manipulation**', 'TA0003 Persistence, TA0004 Privilege Escalation']],
];

describe('ATT&CK hover', () => {
  for (const [fixture, languageId, around, expected] of CASES) {
    test(`${fixture}: ${around}`, () => {
      const text = read(fixture);
      const at = text.indexOf(around.replace('|', ''));
      assert.ok(at >= 0, 'the text is in the fixture');
      const doc = toServiceDocument(`file:///w/${fixture}`, languageId, 1, text);
      const hover = getRuleHover(doc, at + around.indexOf('|'));
      if (!expected) return assert.equal(hover, null);
      assert.ok(hover, 'a hover');
      const value = (hover.contents as MarkupContent).value;
      for (const part of expected) assert.ok(value.includes(part), `${JSON.stringify(value)} has ${part}`);
    });
  }
  test('a deprecated id says where it moved', () => {
    const text = read('aws_rds_db_instance_restored.toml').replace('id = "T1578.004"', 'id = "T1053.001"');
    const doc = toServiceDocument('file:///w/r.toml', 'eql-rule-toml', 1, text);
    const hover = getRuleHover(doc, text.indexOf('T1053.001'));
    assert.match((hover!.contents as MarkupContent).value, /deprecated.*T1053\.002 At/);
  });
});
