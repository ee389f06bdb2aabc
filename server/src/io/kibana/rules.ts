// Deploy and pull, shared by `eql-rules push|pull|preview` and the editor's commands: rule
// file texts in, per-rule outcomes out. Reading and writing files is the caller's (the editor
// deploys what is in the editor, not what is on disk).
import { parseRuleFile, type RuleInfo } from '../../core/rules/ruleFile';
import { kibanaToToml, previewMessages, previewWindow, ruleToKibana, type BareRuleAnswers, type KibanaRuleObject, type PreviewMessage } from '../../core/rules/kibanaRule';
import { renderRuleToml, ruleFileName, updateRuleToml } from '../../core/rules/ruleToml';
import { exportRules, importRules, KibanaError, previewAlerts, previewRule, type KibanaConnection } from './client';

export interface RuleSource {
  /** Shown in messages (a path relative to the working directory, or the editor's file name). */
  file: string;
  text: string;
  /** For a bare .eql query. */
  answers?: Partial<BareRuleAnswers>;
}

export type DeployStatus = 'created' | 'updated' | 'failed';

export interface DeployOutcome {
  file: string;
  rule_id?: string;
  name?: string;
  status: DeployStatus;
  /** Kibana's own message, or the rule file's problem, with the fix. */
  message?: string;
  /** Failed because the rule exists in the space and overwrite was not asked for. */
  conflict?: boolean;
}

const label = (r: { name?: string; rule_id?: string }) => (r.name ? `"${r.name}"` : r.rule_id ? `rule ${r.rule_id}` : 'the rule');

/** The EQL rules of a rule file (a parse error fails the whole file). */
export function rulesOf(source: RuleSource): { rules: RuleInfo[]; problem?: string } {
  const parsed = parseRuleFile(source.text, source.file);
  const rules = parsed.rules.filter((r) => r.eql);
  if (rules.length === 0) {
    const e = parsed.errors[0];
    return { rules, problem: e ? `not a rule file: ${e.message}` : 'no EQL rule in this file' };
  }
  return { rules };
}

/**
 * Sends every rule of `sources` in one `_import`. Rules that already exist in the space are
 * replaced only with `overwrite`; otherwise they fail with a message saying so. A rule that
 * cannot be converted, or that Kibana refuses, fails alone: the others still go.
 */
export async function deployRules(conn: KibanaConnection, sources: readonly RuleSource[], overwrite: boolean): Promise<DeployOutcome[]> {
  const outcomes: DeployOutcome[] = [];
  const pending: { outcome: DeployOutcome; object: KibanaRuleObject }[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const { rules, problem } = rulesOf(source);
    if (problem) outcomes.push({ file: source.file, status: 'failed', message: problem });
    for (const rule of rules) {
      const converted = ruleToKibana(rule, source.answers);
      const object = converted.object;
      const outcome: DeployOutcome = { file: source.file, rule_id: (object?.rule_id as string | undefined) ?? rule.rule_id, name: (object?.name as string | undefined) ?? rule.name, status: 'failed' };
      outcomes.push(outcome);
      if (!object) {
        outcome.message = `${label(outcome)} was not sent: ${converted.problem}`;
        continue;
      }
      const id = String(object.rule_id);
      const other = seen.get(id);
      if (other !== undefined) {
        outcome.message = `${label(outcome)} was not sent: rule_id ${id} is also in ${other}; give one of them a new rule_id`;
        continue;
      }
      seen.set(id, source.file);
      pending.push({ outcome, object });
    }
  }
  if (pending.length === 0) return outcomes;
  try {
    // Which rules exist already, to tell created from updated (the import answer does not).
    const before = await exportRules(conn, pending.map((p) => String(p.object.rule_id)));
    const existing = new Set(before.rules.map((r) => String(r.rule_id)));
    const answer = await importRules(conn, pending.map((p) => p.object), overwrite);
    const errors = new Map(answer.errors.map((e) => [e.rule_id ?? e.id ?? '', e.error]));
    for (const p of pending) {
      const id = String(p.object.rule_id);
      const err = errors.get(id);
      if (!err) {
        p.outcome.status = existing.has(id) ? 'updated' : 'created';
        continue;
      }
      if (err.status_code === 409) p.outcome.conflict = true;
      p.outcome.message =
        err.status_code === 409
          ? `${label(p.outcome)} already exists in Kibana (${err.message}): deploy again with --overwrite (or confirm "Overwrite" in the editor) to replace it`
          : `Kibana refused ${label(p.outcome)} (${err.status_code}): ${err.message}`;
    }
    // An error without a rule_id we sent (a line Kibana could not read) fails the rules it did not count.
    const unmatched = answer.errors.filter((e) => !pending.some((p) => String(p.object.rule_id) === (e.rule_id ?? e.id)));
    if (unmatched.length > 0 && answer.success_count + answer.errors.length - unmatched.length < pending.length)
      for (const p of pending) if (p.outcome.status === 'failed' && !p.outcome.message) p.outcome.message = `Kibana refused the import: ${unmatched[0].error.message}`;
  } catch (e) {
    const message = e instanceof KibanaError ? e.message : `Kibana call failed: ${e instanceof Error ? e.message : String(e)}`;
    for (const p of pending) {
      p.outcome.status = 'failed';
      p.outcome.message = `${label(p.outcome)} was not deployed: ${message}`;
    }
  }
  return outcomes;
}

export interface LocalFile {
  path: string;
  text: string;
}

export interface PulledRule {
  rule_id: string;
  name: string;
  /** The local file it replaces, or the new file's path. */
  path: string;
  /** Undefined for a new file. */
  oldText?: string;
  newText: string;
  /** The local file already says the same. */
  unchanged: boolean;
}

export interface PullResult {
  rules: PulledRule[];
  /** Rule ids not found, rules that are not EQL, unreadable export lines. */
  failures: { rule_id?: string; message: string }[];
}

/**
 * `_export`s the rules (`ruleIds`, or every EQL rule of the space) and writes each as
 * detection-rules TOML: over its local file (found by rule_id), keeping that file's layout,
 * or as a new file `newPath(name)` in the repository's layout.
 */
export async function pullRules(
  conn: KibanaConnection,
  ruleIds: readonly string[] | undefined,
  localByRuleId: (ruleId: string) => LocalFile | undefined,
  newPath: (fileName: string, ruleId: string) => string,
): Promise<PullResult> {
  const exported = await exportRules(conn, ruleIds);
  const failures: PullResult['failures'] = exported.errors.map((message) => ({ message: `unreadable export line: ${message}` }));
  const space = conn.space || 'default';
  const missing = Array.isArray(exported.summary?.missing_rules) ? (exported.summary.missing_rules as { rule_id?: string }[]) : [];
  for (const m of missing) failures.push({ rule_id: m.rule_id, message: `rule ${m.rule_id} is not in Kibana space "${space}"` });
  if (ruleIds) {
    const got = new Set(exported.rules.map((r) => String(r.rule_id)));
    for (const id of ruleIds) if (!got.has(id) && !missing.some((m) => m.rule_id === id)) failures.push({ rule_id: id, message: `rule ${id} is not in Kibana space "${space}"` });
  }
  const rules: PulledRule[] = [];
  for (const object of exported.rules) {
    const ruleId = String(object.rule_id);
    const name = typeof object.name === 'string' ? object.name : ruleId;
    if (object.type !== 'eql') {
      if (ruleIds) failures.push({ rule_id: ruleId, message: `"${name}" is a ${String(object.type)} rule, not EQL: only EQL rules are pulled` });
      continue;
    }
    const local = localByRuleId(ruleId);
    const localRule = local ? parseRuleFile(local.text, local.path).rules[0] : undefined;
    const data = kibanaToToml(object, localRule && !localRule.broken ? { metadata: localRule.metadata, fields: localRule.fields } : undefined);
    if (local && localRule && localRule.format === 'toml') {
      const newText = updateRuleToml(local.text, data);
      rules.push({ rule_id: ruleId, name, path: local.path, oldText: local.text, newText, unchanged: newText === local.text });
    } else {
      rules.push({ rule_id: ruleId, name, path: newPath(ruleFileName(name), ruleId), newText: renderRuleToml(data), unchanged: false });
    }
  }
  return { rules, failures };
}

export interface PreviewOutcome {
  file: string;
  rule_id?: string;
  name?: string;
  previewId?: string;
  invocationCount?: number;
  timeframeEnd?: string;
  /** logs[] errors and warnings; `at` is the host file position when the message names a query line:column. */
  messages: (PreviewMessage & { at?: { line: number; column: number } })[];
  alerts: Record<string, unknown>[];
  totalAlerts: number;
  /** Why no alerts were read (no Elasticsearch URL, or its error). */
  alertsNote?: string;
  /** The call failed (no preview ran). */
  failure?: string;
}

/** Host line:column (1-based) of a query line:column (1-based). */
function hostPosition(rule: RuleInfo, line: number, column: number): { line: number; column: number } | undefined {
  const q = rule.query;
  if (!q) return undefined;
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = q.text.indexOf('\n', offset);
    if (nl < 0) return undefined;
    offset = nl + 1;
  }
  const host = q.map.toHost(Math.min(offset + column - 1, q.text.length));
  const before = rule.hostText.slice(0, host);
  const hostLine = before.split('\n').length;
  return { line: hostLine, column: host - before.lastIndexOf('\n') };
}

/** Runs Kibana's preview for each rule of the source, then reads its alerts. */
export async function previewRules(
  conn: KibanaConnection,
  source: RuleSource,
  window: { end: Date; hours?: number; invocationCount?: number },
): Promise<PreviewOutcome[]> {
  const { rules, problem } = rulesOf(source);
  if (problem) return [{ file: source.file, messages: [], alerts: [], totalAlerts: 0, failure: problem }];
  const out: PreviewOutcome[] = [];
  for (const rule of rules) {
    const converted = ruleToKibana(rule, source.answers);
    const outcome: PreviewOutcome = { file: source.file, rule_id: rule.rule_id, name: rule.name, messages: [], alerts: [], totalAlerts: 0 };
    out.push(outcome);
    if (!converted.object) {
      outcome.failure = `${label(outcome)} cannot be previewed: ${converted.problem}`;
      continue;
    }
    // The preview's own copy of the rule: no [metadata] in meta, and never a rule of the space.
    const { meta: _meta, ...object } = converted.object;
    const w = previewWindow(object, window.end, window.hours);
    if (window.invocationCount) w.invocationCount = window.invocationCount;
    outcome.invocationCount = w.invocationCount;
    outcome.timeframeEnd = w.timeframeEnd;
    try {
      const r = await previewRule(conn, object, w);
      outcome.previewId = r.previewId;
      outcome.messages = previewMessages(r.logs).map((m) => (m.line !== undefined && m.column !== undefined ? { ...m, at: hostPosition(rule, m.line, m.column) } : m));
      if (r.isAborted) outcome.messages.push({ severity: 'warning', message: 'Kibana aborted the preview (it ran longer than its limit): preview a shorter window' });
    } catch (e) {
      outcome.failure = `${label(outcome)}: ${e instanceof Error ? e.message : String(e)}`;
      continue;
    }
    if (!outcome.previewId || outcome.messages.some((m) => m.severity === 'error')) continue;
    try {
      const a = await previewAlerts(conn, outcome.previewId);
      outcome.alerts = a.alerts;
      outcome.totalAlerts = a.total;
    } catch (e) {
      outcome.alertsNote = e instanceof Error ? e.message : String(e);
    }
  }
  return out;
}
