// Rule tests read each sample set (the `<rule>.test.ndjson`) and each rule file once, however many rules
// the file holds: `eql-rules test` and the language server's eql/runRuleTests (the Test Explorer's run),
// with the reads counted where the files are read.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runTestCommand } from '../../server/src/cli/test';
import { parseRuleFile } from '../../server/src/core/rules/ruleFile';
import { ruleTestTarget } from '../../server/src/core/ruletests';
import { RuleTestsService } from '../../server/src/lsp/ruleTests';
import { ROOT } from '../lsp/harness';

const RULES = join(ROOT, 'test-fixtures', 'rules');
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'eql-ruletest-reads-'));
  for (const f of ['aws_rds_db_instance_restored.toml', 'aws_rds_db_instance_restored.test.ndjson', 'sequence_rule.toml', 'sequence_rule.test.ndjson', 'kibana_export.ndjson']) {
    copyFileSync(join(RULES, f), join(dir, f));
  }
  // Tests for every rule of a Kibana export (several EQL rules in one file).
  const ev = '{"@timestamp":"2024-01-01T00:00:00Z","event":{"provider":"rds.amazonaws.com","action":"RestoreDBInstanceFromS3","outcome":"success"}}';
  writeFileSync(join(dir, 'kibana_export.test.ndjson'), [`{"expect":"match","name":"restore","event":${ev}}`, '{"expect":"no-match","event":{"@timestamp":"2024-01-01T00:00:01Z","event":{"action":"Other"}}}'].join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function counter(): { read: (path: string) => string; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    reads,
    read: (path) => {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return readFileSync(path, 'utf8');
    },
  };
}

const rulesIn = (file: string) => parseRuleFile(readFileSync(join(dir, file), 'utf8'), file).rules.filter((r) => ruleTestTarget(r)).length;

test('eql-rules test reads every rule file and every test file once', async () => {
  assert.ok(rulesIn('kibana_export.ndjson') >= 2, 'the Kibana export holds several EQL rules');
  const c = counter();
  let out = '';
  await runTestCommand([dir], { out: (t) => void (out += t), err: () => undefined }, c.read);
  assert.match(out, /\d+ rules?, \d+ tests?/);
  assert.equal(c.reads.size, 6, [...c.reads.keys()].join('\n'));
  assert.deepEqual([...new Set(c.reads.values())], [1], JSON.stringify([...c.reads]));
});

test('the language server runs a rule file\'s tests (the Test Explorer) reading each file once', () => {
  const c = counter();
  const service = new RuleTestsService({ openText: () => undefined, log: () => undefined, readFile: c.read });
  const kibana = join(dir, 'kibana_export.ndjson');
  const r = service.run({ uri: pathToFileURL(kibana).toString() });
  assert.equal(r.rules.length, rulesIn('kibana_export.ndjson'));
  assert.ok(r.rules.every((x) => x.cases.length === 2));
  assert.equal(r.file.cases.length, 2, 'the reply describes the same test file');
  assert.deepEqual([...c.reads.entries()].sort(), [
    [kibana, 1],
    [join(dir, 'kibana_export.test.ndjson'), 1],
  ]);
});
