// Rule files over the public corpus: every EQL rule of elastic/detection-rules (the query corpus
// in ../shared, reproduced as a minimal detection-rules TOML file each, with plausible metadata)
// and the three complete example rules go through parseRuleFile + checkRule + parse + analyze.
// Goal: zero errors. Also checks the reproduction is exact (the decoded query is the corpus query).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Diagnostic } from '../../server/src/core/diagnostic';
import { analyze } from '../../server/src/core/analysis/analyzer';
import { attackTable } from '../../server/src/core/rules/attack';
import { checkRuleFile } from '../../server/src/core/rules/checks';
import { parseRuleFile } from '../../server/src/core/rules/ruleFile';
import { parse } from '../../server/src/core/syntax/parser';
import { runCheck } from '../../server/src/cli/check';
import { requireCorpus, SHARED as shared, type CorpusRule } from '../lib/corpus';

if (!existsSync(shared)) {
  console.log('skipped: ../shared is absent');
  process.exit(0);
}

const corpus = requireCorpus();

// detection-rules names files <tactic>_<what>.toml; the tactic gives a plausible threat mapping.
const TACTIC_SLUGS: Record<string, string> = {
  initial_access: 'TA0001', execution: 'TA0002', persistence: 'TA0003', privilege_escalation: 'TA0004',
  defense_evasion: 'TA0005', credential_access: 'TA0006', discovery: 'TA0007', lateral_movement: 'TA0008',
  collection: 'TA0009', exfiltration: 'TA0010', command_and_control: 'TA0011', impact: 'TA0040',
  resource_development: 'TA0042', reconnaissance: 'TA0043',
};

function integrationsOf(index: string[]): string[] {
  const out = new Set<string>();
  for (const i of index) {
    const m = /^logs-([a-z0-9_]+)/.exec(i);
    if (m) out.add(m[1]);
    else if (i.startsWith('endgame-')) out.add('endpoint');
    else if (i.startsWith('winlogbeat-')) out.add('windows');
    else if (i.startsWith('auditbeat-')) out.add('auditd_manager');
  }
  return out.size ? [...out].sort() : ['endpoint'];
}

const q = (s: string) => JSON.stringify(s);

/** A minimal, valid detection-rules TOML file around a corpus query. */
function reproduce(r: CorpusRule): string {
  const parsed = parse(r.query);
  const query = parsed.statement.query;
  const maxspan = query?.kind === 'sequence' ? query.maxspan?.ms : undefined;
  const minutes = maxspan ? Math.max(9, Math.ceil(maxspan / 60_000)) : 9;
  const bbr = r.path.includes('rules_building_block/');
  const slug = Object.keys(TACTIC_SLUGS).find((s) => basename(r.path).startsWith(`${s}_`));
  const tactic = slug ? attackTable().tactic(TACTIC_SLUGS[slug]) : undefined;
  const lines = [
    '[metadata]',
    'creation_date = "2024/01/01"',
    ...(bbr ? [] : [`integration = [${integrationsOf(r.index ?? []).map(q).join(', ')}]`]),
    'maturity = "production"',
    'updated_date = "2024/06/01"',
    '',
    '[rule]',
    'author = ["Elastic"]',
    ...(bbr ? ['building_block_type = "default"'] : []),
    `description = ${q(`Reproduced from ${r.path} for conformance.`)}`,
    `from = "now-${minutes}m"`,
    `index = [${(r.index ?? []).map(q).join(', ')}]`,
    'language = "eql"',
    'license = "Elastic License v2"',
    `name = ${q(r.name)}`,
    'risk_score = 47',
    `rule_id = ${q(r.rule_id)}`,
    'severity = "medium"',
    `tags = ["Domain: Endpoint", "Use Case: Threat Detection"${tactic ? `, ${q(`Tactic: ${tactic.name}`)}` : ''}]`,
    `type = ${q(r.type)}`,
    '',
    // Literal strings keep the query verbatim; TOML trims the newline after the opening quotes.
    r.query.includes("'''") ? `query = ${q(r.query)}` : `query = '''\n${r.query}'''`,
    '',
  ];
  if (tactic) lines.push('[[rule.threat]]', 'framework = "MITRE ATT&CK"', '', '[rule.threat.tactic]', `id = ${q(tactic.id)}`, `name = ${q(tactic.name)}`, `reference = ${q(`${tactic.url}`)}`, '');
  return lines.join('\n');
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

const examples = join(shared, 'eql', 'detection-rules', 'rule-examples');
const exampleFiles = readdirSync(examples).filter((x) => x.endsWith('.toml')).sort();
// The examples are the real files of three corpus rules: a checkout holds each rule once.
const exampleIds = new Set(exampleFiles.flatMap((f) => /^rule_id = "([^"]+)"/m.exec(readFileSync(join(examples, f), 'utf8'))?.[1] ?? []));
const tmp = mkdtempSync(join(tmpdir(), 'eql-rule-files-'));
const files: { file: string; label: string; original?: string }[] = [];
for (const r of corpus) {
  if (exampleIds.has(r.rule_id)) continue;
  const file = join(tmp, `${files.length}_${basename(r.path)}`);
  writeFileSync(file, reproduce(r));
  files.push({ file, label: r.path, original: r.query });
}
for (const f of exampleFiles) files.push({ file: join(examples, f), label: `rule-examples/${f}` });

// The workspace index of rule ids, as the language server builds it.
const known = new Map<string, string>();
const texts = files.map((f) => readFileSync(f.file, 'utf8'));
files.forEach((f, i) => {
  for (const rule of parseRuleFile(texts[i], f.file).rules) if (rule.rule_id && !known.has(rule.rule_id)) known.set(rule.rule_id, f.file);
});

const started = performance.now();
let errors = 0;
let warnings = 0;
const shown: string[] = [];
const byCode = new Map<string, number>();
files.forEach((f, i) => {
  const text = texts[i];
  const parsed = parseRuleFile(text, f.file);
  // This script's own verdicts (NOQUERY, REPRO) next to the registry's codes.
  const ds: (Omit<Diagnostic, 'code'> & { code: string })[] = [...checkRuleFile(parsed, { knownRuleIds: known })];
  for (const rule of parsed.rules) {
    const region = rule.query;
    if (!region) {
      ds.push({ range: { start: 0, end: 0 }, severity: 'error', code: 'NOQUERY', message: 'no query found' });
      continue;
    }
    if (f.original !== undefined && region.text !== f.original)
      ds.push({ range: region.hostRange, severity: 'error', code: 'REPRO', message: 'decoded query differs from the corpus query' });
    const p = parse(region.text);
    for (const d of [...p.errors, ...analyze(p)]) ds.push({ ...d, range: region.map.rangeToHost(d.range) });
  }
  for (const d of ds) {
    byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
    if (d.severity === 'error') {
      errors++;
      if (shown.length < 20) shown.push(`  ${f.label}:${lineCol(text, d.range.start)} ${d.code} ${d.message}`);
    } else if (d.severity === 'warning') warnings++;
  }
});
const ms = performance.now() - started;

// The same files through `eql-rules check` (language service: rule checks, parser, analyzer, field checks),
// the reproduced ones as a folder, as CI would run it over a detection-rules checkout.
let cliOut = '';
const cliStarted = performance.now();
void runCheck([tmp, ...exampleFiles.map((f) => join(examples, f))], { out: (t) => void (cliOut += t), err: (t) => void (cliOut += t) }, 'conformance').then((cliCode) => {
const cliMs = performance.now() - cliStarted;
const cliErrors = cliOut.split('\n').filter((l) => /: error /.test(l));
rmSync(tmp, { recursive: true, force: true });
for (const s of shown) console.log(s);
console.log(`diagnostics by code: ${[...byCode].sort().map(([c, n]) => `${c} ${n}`).join(', ') || 'none'}`);
console.log(`${files.length} files, ${errors} errors, ${warnings} warnings (${files.length - exampleFiles.length} reproduced from the corpus + ${exampleFiles.length} complete examples; ${ms.toFixed(0)} ms)`);
for (const l of cliErrors.slice(0, 10)) console.log(`  ${l}`);
console.log(`eql-rules check: exit ${cliCode}, ${cliErrors.length} errors; ${cliOut.trim().split('\n').pop()} (${cliMs.toFixed(0)} ms)`);
process.exit(errors === 0 && cliErrors.length === 0 && cliCode === 0 ? 0 : 1);
});
