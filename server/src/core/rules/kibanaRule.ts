// A rule file's rule <-> Kibana's detection-engine rule object. Deploy turns a detection-rules
// TOML rule (its [rule] table, with [metadata] kept in the object's `meta`), a Kibana JSON rule
// (as it is) or a bare .eql query (with the answers the user gave) into the object `_import`
// takes; pull turns an exported object back into [metadata] + [rule] for ruleToml.ts to write.
import { durationMs } from './checks';
import type { RuleInfo } from './ruleFile';
import { deepEqual, type RuleTomlData } from './ruleToml';

export type KibanaRuleObject = Record<string, unknown>;

/** Where a deployed TOML rule keeps its [metadata] inside the rule object's free-form `meta`. */
export const STUDIO_META_KEY = 'eql_rule_studio';

/** Fields Kibana adds to a rule it stores; never part of a rule file. */
export const KIBANA_RESPONSE_FIELDS = new Set([
  'id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'revision', 'execution_summary', 'immutable',
  'rule_source', 'output_index', 'namespace',
]);

/** What Kibana fills in when a rule leaves a key out (an export carries them all). */
export const KIBANA_RULE_DEFAULTS: Readonly<Record<string, unknown>> = {
  actions: [], author: [], enabled: false, exceptions_list: [], false_positives: [], from: 'now-6m', interval: '5m',
  max_signals: 100, meta: {}, references: [], related_integrations: [], required_fields: [], risk_score_mapping: [],
  setup: '', severity_mapping: [], tags: [], threat: [], to: 'now', version: 1,
};
/** Defaults a pulled rule keeps even when no local file has them: they are the rule's schedule. */
const SCHEDULE_KEYS = new Set(['from', 'interval', 'max_signals']);

/** What a bare .eql query needs to become a rule. */
export interface BareRuleAnswers {
  rule_id: string;
  name: string;
  description: string;
  severity: string;
  risk_score: number;
  index: string[];
}

export interface ToKibanaResult {
  object?: KibanaRuleObject;
  /** Why the rule cannot be sent (the rule file's own problem, not Kibana's). */
  problem?: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** TOML values as JSON: dates as their text, big integers as numbers. */
export function toJsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return isNaN(v.getTime()) ? String(v) : v.toISOString();
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x);
    return out;
  }
  return v;
}

/** The rule object Kibana's `_import` takes for one rule of a rule file. */
export function ruleToKibana(rule: RuleInfo, answers?: Partial<BareRuleAnswers>): ToKibanaResult {
  if (rule.broken) return { problem: `the file does not parse (${rule.format === 'toml' ? 'TOML' : 'JSON'}); run "eql-rules check" on it` };
  if (rule.format === 'eql') {
    const query = rule.query?.text ?? '';
    if (query.trim() === '') return { problem: 'the query is empty' };
    const missing = (['rule_id', 'name', 'description', 'severity', 'risk_score', 'index'] as const).filter((k) => answers?.[k] === undefined);
    if (missing.length > 0) return { problem: `a plain .eql query needs ${missing.join(', ')} to become a rule` };
    const a = answers as BareRuleAnswers;
    return {
      object: {
        rule_id: a.rule_id, name: a.name, description: a.description, type: 'eql', language: 'eql', query,
        index: a.index, risk_score: a.risk_score, severity: a.severity, author: [],
      },
    };
  }
  const fields = toJsonValue(rule.fields) as KibanaRuleObject;
  if (typeof fields.rule_id !== 'string' || fields.rule_id === '') return { problem: 'the rule has no rule_id (Kibana imports rules by rule_id)' };
  if (typeof fields.query !== 'string' || fields.query.trim() === '') return { problem: 'the rule has no query' };
  if (rule.format !== 'toml') return { object: fields };
  const object: KibanaRuleObject = { ...fields };
  if (rule.metadata) object.meta = { ...(isObj(fields.meta) ? fields.meta : {}), [STUDIO_META_KEY]: { metadata: toJsonValue(rule.metadata) } };
  return { object };
}

/** The local file a pulled rule replaces, as ruleFile.ts read it. */
export interface LocalRule {
  metadata?: Record<string, unknown>;
  fields: Record<string, unknown>;
}

/** `2025-01-15T10:00:00.000Z` -> `2025/01/15`. */
export function ruleDate(iso: unknown): string | undefined {
  return typeof iso === 'string' && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10).replace(/-/g, '/') : undefined;
}

/**
 * An exported rule object as [metadata] + [rule]. [metadata] is the one deployed with the rule,
 * else the local file's, else made from Kibana's dates and integrations. Keys Kibana filled in
 * with its defaults are left out unless the local file has them; the response fields always are.
 */
export function kibanaToToml(object: KibanaRuleObject, local?: LocalRule): RuleTomlData {
  const rule: Record<string, unknown> = {};
  const has = (k: string) => local !== undefined && local.fields[k] !== undefined;
  let stored: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(object)) {
    if (KIBANA_RESPONSE_FIELDS.has(k) || v === undefined || v === null) continue;
    let value = v;
    if (k === 'meta' && isObj(v)) {
      const { [STUDIO_META_KEY]: mine, ...rest } = v;
      if (isObj(mine) && isObj(mine.metadata)) stored = mine.metadata;
      value = rest;
    }
    if (k === 'version' && !has(k)) continue;
    if (k in KIBANA_RULE_DEFAULTS && deepEqual(value, KIBANA_RULE_DEFAULTS[k]) && !has(k) && (local !== undefined || !SCHEDULE_KEYS.has(k))) continue;
    rule[k] = value;
  }
  let metadata = stored ?? local?.metadata;
  if (!metadata) {
    metadata = {};
    const created = ruleDate(object.created_at);
    const updated = ruleDate(object.updated_at) ?? created;
    if (created) metadata.creation_date = created;
    const packages = Array.isArray(object.related_integrations)
      ? [...new Set(object.related_integrations.map((r) => (isObj(r) && typeof r.package === 'string' ? r.package : undefined)).filter((p): p is string => !!p))]
      : [];
    if (packages.length > 0) metadata.integration = packages;
    metadata.maturity = 'development';
    if (updated) metadata.updated_date = updated;
  }
  return { metadata, rule };
}

/** `_export`'s NDJSON: the rule objects, other objects (exception lists), and the summary line. */
export function parseExportNdjson(text: string): { rules: KibanaRuleObject[]; others: Record<string, unknown>[]; summary?: Record<string, unknown>; errors: string[] } {
  const rules: KibanaRuleObject[] = [];
  const others: Record<string, unknown>[] = [];
  const errors: string[] = [];
  let summary: Record<string, unknown> | undefined;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      errors.push(`line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!isObj(v)) errors.push(`line ${i + 1}: not an object`);
    else if ('exported_count' in v) summary = v;
    else if (typeof v.rule_id === 'string' && typeof v.type === 'string') rules.push(v);
    else others.push(v);
  });
  return { rules, others, summary, errors };
}

/** `_import`'s multipart body for these rule objects (field `file`, NDJSON). */
export function importBody(objects: readonly KibanaRuleObject[], boundary: string): string {
  const ndjson = objects.map((o) => JSON.stringify(o)).join('\n');
  return `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="rules.ndjson"\r\nContent-Type: application/x-ndjson\r\n\r\n${ndjson}\n\r\n--${boundary}--\r\n`;
}

/** Preview's default: the rule's schedule over the `hours` before `end`. */
export function previewWindow(object: KibanaRuleObject, end: Date, hours = 24): { invocationCount: number; timeframeEnd: string } {
  return { invocationCount: Math.max(1, Math.ceil((hours * 3_600_000) / ((typeof object.interval === 'string' ? durationMs(object.interval) : undefined) ?? 300_000))), timeframeEnd: end.toISOString() };
}

export interface PreviewMessage {
  severity: 'error' | 'warning';
  message: string;
  /** 1-based, in the query, when Elasticsearch's message names `line L:C`. */
  line?: number;
  column?: number;
}

/** Preview's `logs[]` as messages; the errors of an HTTP 200 are errors too. */
export function previewMessages(logs: unknown): PreviewMessage[] {
  const out: PreviewMessage[] = [];
  if (!Array.isArray(logs)) return out;
  for (const log of logs) {
    if (!isObj(log)) continue;
    for (const severity of ['error', 'warning'] as const) {
      const list = log[severity === 'error' ? 'errors' : 'warnings'];
      if (!Array.isArray(list)) continue;
      for (const m of list) {
        const message = typeof m === 'string' ? m : JSON.stringify(m);
        const at = /\bline (\d+):(\d+)/.exec(message);
        out.push(at ? { severity, message, line: Number(at[1]), column: Number(at[2]) } : { severity, message });
      }
    }
  }
  return out;
}
