// Fills the e2e workspace (a temporary copy of test-fixtures/) with what the tests open:
// broken copies of the seed rule, a scratch file for completion, and the samples setting.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SEED_RULE = 'rules/aws_rds_db_instance_restored.toml';
export const BROKEN_RULE = 'e2e/aws_rds_db_instance_restored_broken.toml';
export const BROKEN_EQL = 'e2e/broken.eql';
export const COMPLETION_EQL = 'e2e/completion.eql';
/** A valid query no CloudTrail event can match: an ECS field CloudTrail documents never have. */
export const EMPTY_EQL = 'e2e/no_matches.eql';
export const EMPTY_FIELD = 'process.name';
/** Empty files the typing tests write into, key by key (a new rule in rules/ starts as plain text). */
export const TYPED_EVENT = 'e2e/typed_event.eql';
export const TYPED_SEQUENCE = 'e2e/typed_sequence.eql';
export const TYPED_FIELDS = 'e2e/typed_fields.eql';
export const TYPED_RULE = 'rules/typed_rule.toml';
export const HELP_RULE = 'rules/help_rule.toml';
export const SAMPLES_GLOB = 'samples/cloudtrail/*.{json,gz,log}';

export function prepareWorkspace(ws: string): void {
  mkdirSync(join(ws, 'e2e'), { recursive: true });
  const seed = readFileSync(join(ws, SEED_RULE), 'utf8');
  // An unfinished comparison: a syntax error the server must report inside the TOML query string.
  // The copy gets an id of its own: two rules sharing one rule_id is itself an error (RULE304),
  // and the seed rule must show zero diagnostics beside its broken copy.
  const broken = seed
    .replace('and event.outcome == "success"', 'and event.outcome ==')
    .replace(/^rule_id = "[^"]*"/m, 'rule_id = "0e2e0000-0000-4000-8000-00000000b0b0"');
  if (!broken.includes('and event.outcome ==\n') || !broken.includes('0e2e0000')) {
    throw new Error(`the seed rule no longer has the clause and rule_id the broken copy changes`);
  }
  writeFileSync(join(ws, BROKEN_RULE), broken);
  writeFileSync(join(ws, BROKEN_EQL), 'any where event.action == \n');
  writeFileSync(join(ws, COMPLETION_EQL), 'any where event.\n');
  writeFileSync(join(ws, EMPTY_EQL), `any where ${EMPTY_FIELD} == "cmd.exe"\n`);
  for (const f of [TYPED_EVENT, TYPED_SEQUENCE, TYPED_FIELDS, TYPED_RULE, HELP_RULE]) writeFileSync(join(ws, f), '');
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'eqlRuleStudio.samples': [SAMPLES_GLOB] }, null, 2));
}

if (require.main === module) {
  const ws = process.argv[2];
  if (!ws) throw new Error('usage: prepareWorkspace.ts <workspace>');
  prepareWorkspace(ws);
}
