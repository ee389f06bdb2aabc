// Bad input never throws out of the rule core and never hangs: truncated and mutated rule files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRuleFile } from '../../../server/src/core/rules/checks';
import { parseRuleFile } from '../../../server/src/core/rules/ruleFile';
import { prng } from '../../../scripts/lib/prng';

const dir = join(__dirname, '..', '..', '..', 'test-fixtures', 'rules');
const FIXTURES = ['aws_rds_db_instance_restored.toml', 'escaped_query.toml', 'kibana_rule.json', 'kibana_export.ndjson'];


const NOISE = ['"', "'", "'''", '"""', '\\', '[', ']', '[[', '{', '}', '=', '\n', '#', ',', ':', '\\u', '\\U0001', '.'];

function survives(text: string, name: string): void {
  const parsed = parseRuleFile(text, name);
  checkRuleFile(parsed);
  for (const r of parsed.rules) {
    if (!r.query) continue;
    const { map, text: q } = r.query;
    for (const i of [0, q.length >> 1, q.length]) {
      const h = map.toHost(i);
      assert.ok(h >= 0 && h <= text.length, 'host offsets stay in the text');
    }
  }
}

describe('truncated and mutated rule files', () => {
  for (const name of FIXTURES) {
    test(name, () => {
      const text = readFileSync(join(dir, name), 'utf8');
      for (let end = 0; end < text.length; end += 173) survives(text.slice(0, end), name);
      const rand = prng(name.length);
      for (let k = 0; k < 60; k++) {
        const at = Math.floor(rand() * text.length);
        const noise = NOISE[Math.floor(rand() * NOISE.length)];
        const cut = Math.floor(rand() * 3);
        survives(text.slice(0, at) + noise + text.slice(at + cut), name);
      }
    });
  }
});

// [what, text, file name]
const PATHOLOGICAL: [string, string, string][] = [
  ['deeply nested TOML arrays', `[rule]\nlanguage = "eql"\nx = ${'['.repeat(100_000)}\nquery = 'a'`, 'r.toml'],
  ['deeply nested inline tables', `[rule]\nx = ${'{a = '.repeat(50_000)}1\nquery = 'a'`, 'r.toml'],
  ['deeply nested JSON', `{"type":"eql","query":"a","x":${'['.repeat(100_000)}}`, 'r.json'],
  ['an unclosed multi-line string', `[rule]\nquery = """${'a\\\n'.repeat(20_000)}`, 'r.toml'],
  ['a long line of quotes', `[rule]\nquery = ${"'".repeat(50_000)}`, 'r.toml'],
];

describe('pathological input', () => {
  for (const [what, text, name] of PATHOLOGICAL) test(what, () => survives(text, name));
});
