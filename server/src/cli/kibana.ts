// `eql-rules push|pull|preview`: deploy rule files to Kibana's detection engine, bring Kibana's
// rules back as detection-rules TOML, and preview a rule in Kibana. The connection comes from
// flags and environment variables (see KIBANA_OPTIONS).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { unifiedDiff } from '../core/textDiff';
import { compilePath } from '../core/engine/fields';
import { parseRuleFile } from '../core/rules/ruleFile';
import type { BareRuleAnswers } from '../core/rules/kibanaRule';
import { checkUrl } from '../core/connections/profile';
import type { Credentials, KibanaConnection } from '../io/kibana/client';
import { ES_CONNECTION_FLAGS, ES_CONNECTION_HELP, esConnectionFromCli, type Env } from './connection';
import { deployRules, previewRules, pullRules, type LocalFile, type RuleSource } from '../io/kibana/rules';
import { walkFiles } from '../io/walkFiles';
import { isRuleFile, languageOfFile } from './languages';
import { flag, oneOf, parseArgs, positiveInt, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { displayPath } from './check';
import type { Io } from './io';

const KIBANA_OPTIONS = `Connection:
  --kibana-url URL     Kibana's URL (or KIBANA_URL)
  --space NAME         Kibana space (or KIBANA_SPACE; default: the default space)
  --kibana-ca FILE     CA certificate (PEM) of Kibana's https (or KIBANA_CA_FILE)
  --kibana-insecure    do not verify Kibana's certificate (this connection only)
  --timeout-ms N       per call (default 30000)
  credentials          KIBANA_API_KEY (the encoded key), or KIBANA_USERNAME and KIBANA_PASSWORD`;

export const PUSH_HELP = `Usage: eql-rules push <rule files or folders...> [--overwrite] [--format text|json]

Deploys rules to Kibana's detection engine (POST /api/detection_engine/rules/_import):
detection-rules TOML ([metadata] is kept in the rule's meta), Kibana JSON/NDJSON rules as they
are, and plain .eql queries named explicitly (with --name, --description, --severity,
--risk-score, --index and --rule-id). Folders are searched for .toml, .json and .ndjson files.
Prints created / updated / failed for every rule; one failed rule never stops the others.

Options:
  --overwrite          replace rules that already exist in the space (without it they fail)
  --format text|json   output format (default text)
${KIBANA_OPTIONS}

Exit status: 0 every rule deployed, 1 a rule failed, 2 usage error.
`;

export const PULL_HELP = `Usage: eql-rules pull (--rule-id ID... | --all-eql) [--out DIR] [--overwrite]

Exports rules from Kibana (POST /api/detection_engine/rules/_export) and writes each EQL rule as
detection-rules TOML. A rule whose file is already under DIR (same rule_id) is written over that
file, keeping its layout; when the contents differ the diff is printed and the file is replaced
only with --overwrite. New rules go to DIR/<rule_name>.toml.

Options:
  --rule-id ID         a rule to pull (repeat for several)
  --all-eql            every EQL rule of the space
  --out DIR            where the rule files are (default: the working directory)
  --overwrite          replace local files that differ from Kibana's version
  --format text|json   output format (default text)
${KIBANA_OPTIONS}

Exit status: 0 done, 1 a rule failed or a local file differs (not replaced), 2 usage error.
`;

export const PREVIEW_HELP = `Usage: eql-rules preview <rule file> [--timeframe-end ISO] [--hours N] [--invocations N]

Runs Kibana's rule preview (POST /api/detection_engine/rules/preview) and prints the preview's
errors and warnings (with the query's file:line:column where Elasticsearch names one) and its
alerts, read from .preview.alerts-security.alerts-<space> in Elasticsearch.
Default window: the rule's schedule (its interval) over the 24 hours before now.

Options:
  --timeframe-end ISO  end of the previewed window (default: now)
  --hours N            length of the window in hours (default 24)
  --invocations N      number of rule runs (default: 24 hours / the rule's interval)
  --format text|json   output format (default text)
${KIBANA_OPTIONS}
${ES_CONNECTION_HELP}  (Elasticsearch is where the preview alerts are read; without its own credentials Kibana's are used.)

Exit status: 0 the preview ran without errors, 1 errors, 2 usage error.
`;

const CONNECTION_FLAGS: Record<string, FlagSpec> = {
  'kibana-url': { value: true }, space: { value: true }, format: { value: true }, 'timeout-ms': { value: true }, 'kibana-ca': { value: true }, 'kibana-insecure': {},
};

/** The Kibana connection from --kibana-url / --space and the environment; Elasticsearch (for preview alerts) from i10's flags. */
export function kibanaConnection(args: ParsedArgs, env: Env = process.env): KibanaConnection {
  const url = flag(args, 'kibana-url') ?? env.KIBANA_URL?.trim();
  if (!url) throw new UsageError('no Kibana URL: give --kibana-url URL or set KIBANA_URL');
  const bad = checkUrl('--kibana-url', url);
  if (bad) throw new UsageError(bad);
  const apiKey = env.KIBANA_API_KEY?.trim();
  const username = env.KIBANA_USERNAME?.trim();
  const password = env.KIBANA_PASSWORD;
  if (username && password === undefined) throw new UsageError('KIBANA_USERNAME is set but KIBANA_PASSWORD is not');
  const auth: Credentials | undefined = apiKey ? { apiKey } : username ? { username, password: password ?? '' } : undefined;
  if (!auth) throw new UsageError('no Kibana credentials: set KIBANA_API_KEY (or KIBANA_USERNAME and KIBANA_PASSWORD)');
  const space = flag(args, 'space') ?? env.KIBANA_SPACE?.trim();
  if (space !== undefined && !/^[a-z0-9_-]+$/.test(space)) throw new UsageError(`--space "${space}" must be a Kibana space id (lower-case letters, digits, _ and -)`);
  const timeout = positiveInt(args, 'timeout-ms');
  // Elasticsearch for preview alerts: without its own credentials it uses Kibana's (an API key works on both).
  const es = esConnectionFromCli(args, env);
  if (es && es.profile.auth === 'none') {
    es.secret = auth;
    es.profile = { ...es.profile, auth: 'apiKey' in auth ? 'apiKey' : 'basic' };
  }
  const caFile = flag(args, 'kibana-ca') ?? env.KIBANA_CA_FILE?.trim();
  const insecure = args.flags.has('kibana-insecure');
  const tls = caFile || insecure ? { tls: { caFile: caFile || undefined, rejectUnauthorized: !insecure } } : {};
  return { url: url.replace(/\/+$/, ''), space: space || undefined, auth, ...(es ? { es } : {}), ...tls, ...(timeout ? { timeoutMs: timeout } : {}) };
}


/** The rule files of the arguments: files as named, folders searched (rule tests left out). */
async function ruleFiles(paths: string[], io: Io): Promise<{ files: string[]; unreadable: number }> {
  const files: string[] = [];
  let unreadable = 0;
  for (const p of paths) {
    if (!existsSync(p)) {
      io.err(`eql-rules: cannot read ${p}: no such file or folder\n`);
      unreadable++;
      continue;
    }
    const found = await walkFiles(p, { onSkip: (file, reason) => io.err(`eql-rules: cannot read ${file}: ${reason}\n`) });
    if (found.length === 1 && found[0] === p) files.push(p);
    else files.push(...found.filter((f) => isRuleFile(f) && languageOfFile(f) !== 'eql')); // a bare .eql is pushed only when named (with --name and the other answers)
  }
  return { files, unreadable };
}

function bareAnswers(args: ParsedArgs): Partial<BareRuleAnswers> {
  const risk = flag(args, 'risk-score');
  if (risk !== undefined && !/^\d+$/.test(risk)) throw new UsageError(`--risk-score must be an integer from 0 to 100 (got "${risk}")`);
  const index = (args.flags.get('index') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return {
    rule_id: flag(args, 'rule-id'),
    name: flag(args, 'name'),
    description: flag(args, 'description'),
    severity: flag(args, 'severity'),
    risk_score: risk === undefined ? undefined : Number(risk),
    index: index.length ? index : undefined,
  };
}

const BARE_FLAGS: Record<string, FlagSpec> = {
  name: { value: true }, description: { value: true }, severity: { value: true }, 'risk-score': { value: true },
  index: { value: true, repeat: true }, 'rule-id': { value: true },
};

function readSources(files: string[], answers: Partial<BareRuleAnswers>, io: Io): { sources: RuleSource[]; unreadable: number } {
  const sources: RuleSource[] = [];
  let unreadable = 0;
  for (const f of files) {
    try {
      sources.push({ file: displayPath(f), text: readFileSync(f, 'utf8'), answers: extname(f).toLowerCase() === '.eql' ? answers : undefined });
    } catch (e) {
      io.err(`eql-rules: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      unreadable++;
    }
  }
  return { sources, unreadable };
}

export async function runPush(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const args = parseArgs(argv, { ...CONNECTION_FLAGS, ...BARE_FLAGS, overwrite: {} });
  if (args.help) {
    io.out(PUSH_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['text', 'json'] as const, 'text');
  if (args.positionals.length === 0) throw new UsageError('push needs at least one rule file or folder');
  const conn = kibanaConnection(args, env);
  const { files, unreadable: missing } = await ruleFiles(args.positionals, io);
  const { sources, unreadable } = readSources(files, bareAnswers(args), io);
  const outcomes = await deployRules(conn, sources, args.flags.has('overwrite'));
  const count = (s: string) => outcomes.filter((o) => o.status === s).length;
  const summary = { created: count('created'), updated: count('updated'), failed: count('failed') + missing + unreadable };
  if (format === 'json') io.out(`${JSON.stringify({ kibana: conn.url, space: conn.space ?? 'default', results: outcomes, summary }, null, 2)}\n`);
  else {
    for (const o of outcomes) {
      const what = o.name ? `"${o.name}"${o.rule_id ? ` (${o.rule_id})` : ''}` : (o.rule_id ?? '');
      io.out(`${o.status.padEnd(8)}${o.file}${what ? `  ${what}` : ''}\n`);
      if (o.message) io.out(`        ${o.message}\n`);
    }
    if (outcomes.length === 0) io.out('no rule files found\n');
    io.out(`${summary.created} created, ${summary.updated} updated, ${summary.failed} failed (Kibana ${conn.url}, space ${conn.space ?? 'default'})\n`);
  }
  return summary.failed > 0 || outcomes.length === 0 ? 1 : 0;
}

/** TOML rule files under `dir`, by rule_id. */
async function localRules(dir: string): Promise<Map<string, LocalFile>> {
  const out = new Map<string, LocalFile>();
  if (!existsSync(dir)) return out;
  for (const path of await walkFiles(dir)) {
    if (extname(path).toLowerCase() !== '.toml') continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    for (const r of parseRuleFile(text, path).rules) if (r.rule_id && !out.has(r.rule_id)) out.set(r.rule_id, { path, text });
  }
  return out;
}

export async function runPull(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const args = parseArgs(argv, { ...CONNECTION_FLAGS, 'rule-id': { value: true, repeat: true }, 'all-eql': {}, out: { value: true }, overwrite: {} }, ['rule-id']);
  if (args.help) {
    io.out(PULL_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['text', 'json'] as const, 'text');
  const ids = (args.flags.get('rule-id') ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const all = args.flags.has('all-eql');
  if (args.positionals.length > 0) throw new UsageError(`pull takes no files (got "${args.positionals[0]}"); use --out DIR`);
  if (ids.length === 0 && !all) throw new UsageError('pull needs --rule-id ID (repeatable) or --all-eql');
  if (ids.length > 0 && all) throw new UsageError('give either --rule-id or --all-eql, not both');
  const conn = kibanaConnection(args, env);
  const outDir = flag(args, 'out') ?? '.';
  const overwrite = args.flags.has('overwrite');
  const local = await localRules(outDir);
  const taken = new Set<string>();
  let result;
  try {
    result = await pullRules(conn, all ? undefined : ids, (id) => local.get(id), (fileName, ruleId) => {
      let path = join(outDir, fileName);
      if (existsSync(path) || taken.has(path)) path = join(outDir, fileName.replace(/\.toml$/, `_${ruleId.slice(0, 8)}.toml`));
      taken.add(path);
      return path;
    });
  } catch (e) {
    io.err(`eql-rules: pull failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const report: { rule_id: string; name: string; path: string; status: 'created' | 'updated' | 'unchanged' | 'differs'; diff?: string }[] = [];
  let failed = result.failures.length;
  for (const r of result.rules) {
    const path = displayPath(r.path);
    if (r.unchanged) {
      report.push({ rule_id: r.rule_id, name: r.name, path, status: 'unchanged' });
      continue;
    }
    const diff = r.oldText !== undefined ? unifiedDiff(r.oldText, r.newText, `${path} (local)`, `${path} (Kibana)`) : undefined;
    if (r.oldText !== undefined && !overwrite) {
      report.push({ rule_id: r.rule_id, name: r.name, path, status: 'differs', diff });
      continue;
    }
    try {
      mkdirSync(dirname(r.path), { recursive: true });
      writeFileSync(r.path, r.newText);
      report.push({ rule_id: r.rule_id, name: r.name, path, status: r.oldText !== undefined ? 'updated' : 'created', diff });
    } catch (e) {
      result.failures.push({ rule_id: r.rule_id, message: `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
      failed++;
    }
  }
  if (format === 'json') io.out(`${JSON.stringify({ kibana: conn.url, space: conn.space ?? 'default', results: report, failures: result.failures }, null, 2)}\n`);
  else {
    for (const r of report) {
      io.out(`${r.status.padEnd(10)}${r.path}  "${r.name}" (${r.rule_id})\n`);
      if (r.diff) io.out(r.diff);
      if (r.status === 'differs') io.out(`          the local file differs from Kibana's version (diff above): pull again with --overwrite to replace it\n`);
    }
    for (const f of result.failures) io.out(`failed    ${f.message}\n`);
    const n = (s: string) => report.filter((r) => r.status === s).length;
    io.out(`${n('created')} created, ${n('updated')} updated, ${n('unchanged')} unchanged, ${n('differs')} differ, ${failed} failed (Kibana ${conn.url}, space ${conn.space ?? 'default'})\n`);
  }
  return failed > 0 || report.some((r) => r.status === 'differs') ? 1 : 0;
}

export async function runPreview(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const args = parseArgs(argv, { ...CONNECTION_FLAGS, ...BARE_FLAGS, ...ES_CONNECTION_FLAGS, 'timeframe-end': { value: true }, hours: { value: true }, invocations: { value: true } });
  if (args.help) {
    io.out(PREVIEW_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['text', 'json'] as const, 'text');
  if (args.positionals.length !== 1) throw new UsageError('preview needs exactly one rule file');
  const endText = flag(args, 'timeframe-end');
  const end = endText ? new Date(endText) : new Date();
  if (isNaN(end.getTime())) throw new UsageError(`--timeframe-end "${endText}" is not a date (use ISO 8601, e.g. 2025-01-15T12:00:00Z)`);
  const conn = kibanaConnection(args, env);
  const { sources, unreadable } = readSources(args.positionals, bareAnswers(args), io);
  if (unreadable > 0 || sources.length === 0) return 2;
  const outcomes = await previewRules(conn, sources[0], { end, hours: positiveInt(args, 'hours'), invocationCount: positiveInt(args, 'invocations') });
  if (format === 'json') io.out(`${JSON.stringify({ kibana: conn.url, space: conn.space ?? 'default', results: outcomes }, null, 2)}\n`);
  else {
    for (const o of outcomes) {
      if (o.failure) {
        io.out(`${o.file}: error: ${o.failure}\n`);
        continue;
      }
      io.out(`Preview of "${o.name ?? o.rule_id}": ${o.invocationCount} run(s) up to ${o.timeframeEnd} (preview id ${o.previewId})\n`);
      for (const m of o.messages) {
        const where = m.at ? `${o.file}:${m.at.line}:${m.at.column}` : o.file;
        io.out(`${where}: ${m.severity}: ${m.message.replace(/\n/g, '\n    ')}\n`);
      }
      if (o.messages.some((m) => m.severity === 'error')) continue;
      if (o.alertsNote) io.out(`alerts not read: ${o.alertsNote}\n`);
      else {
        io.out(`${o.totalAlerts} alert${o.totalAlerts === 1 ? '' : 's'}${o.totalAlerts > o.alerts.length ? ` (first ${o.alerts.length} shown)` : ''}\n`);
        for (const a of o.alerts) io.out(`  ${alertLine(a)}\n`);
      }
    }
  }
  return outcomes.some((o) => o.failure || o.messages.some((m) => m.severity === 'error')) ? 1 : 0;
}

const field = (doc: Record<string, unknown>, path: string): unknown => compilePath(path)(doc);

/** One alert as a line: when, what, who. */
export function alertLine(a: Record<string, unknown>): string {
  const parts = ['kibana.alert.original_time', 'event.action', 'event.outcome', 'user.name', 'source.ip', 'host.name']
    .map((p) => field(a, p))
    .filter((v) => v !== undefined && v !== null)
    .map(String);
  if (field(a, 'kibana.alert.building_block_type') !== undefined) parts.push('(building block)');
  return parts.join('  ') || String(field(a, 'kibana.alert.uuid') ?? '');
}
