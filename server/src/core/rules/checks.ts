// Rule-level checks (RULE3xx) following the conventions elastic/detection-rules enforces for
// EQL rules, plus Kibana's rule schema. Offsets are host offsets; every check points at the
// key or value at fault and offers a fix when there is one obvious repair.
import type { Diagnostic, Fix, Severity } from '../diagnostic';
import type { Range } from '../syntax/ast';
import { TIME_UNITS } from '../syntax/parser';
import { AttackTable, attackTable, sameAttackUrl, tacticUrl, techniqueUrl } from './attack';
import { KIBANA_EQL_RULE_SCHEMA } from './kibanaSchema';
import type { AttackRef, ParsedRuleFile, RuleInfo } from './ruleFile';
import { closestNames } from '../schema/schemaSet';
import { ruleDate } from './skeleton';
import { MATURITIES, METADATA_KEY_DOCS } from './ruleKeys';

export interface RuleCheckContext {
  /** rule_id -> file that defines it, over the workspace (may include this file). */
  knownRuleIds?: Pick<ReadonlyMap<string, string>, 'get'>;
  attack?: AttackTable;
  /** Whether a field exists in the rule's schemas; override checks are skipped without it. */
  fieldExists?: (name: string) => boolean;
  /** The query's sequence maxspan in ms when the caller parsed it; otherwise read from the query header. */
  maxspanMs?: number;
  /** Source of fresh rule ids for fixes (tests pass a fixed one). */
  newUuid?: () => string;
  /** Today, for dates the fixes write (tests pass a fixed one). */
  today?: () => Date;
}

import type { RuleCode } from '../codes';
export { RULE_CODES, type RuleCode } from '../codes';


export const SEVERITY_RISK: Record<string, number> = { low: 21, medium: 47, high: 73, critical: 99 };
const isSeverity = (s: string) => Object.prototype.hasOwnProperty.call(SEVERITY_RISK, s);
export const TAG_PREFIXES = ['Domain', 'OS', 'Use Case', 'Tactic', 'Data Source', 'Resources', 'Rule Type', 'Threat', 'Mitre Atlas'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}\/\d{2}\/\d{2}$/;
/** The Kibana rule schema allows this one malformed id: a shipped prebuilt rule uses it. */
const LEGACY_RULE_IDS = new Set(['7eb54028-ca72-4eb7-8185-b6864572347db']);

/** [rule] keys of the Kibana EQL rule schema (9.5), which detection-rules validates against; [metadata] keys (ruleKeys.ts). */
const RULE_KEYS = new Set(Object.keys(KIBANA_EQL_RULE_SCHEMA));
const METADATA_KEYS = new Set(Object.keys(METADATA_KEY_DOCS));
const STRING_KEYS = ['name', 'description', 'rule_id', 'license', 'from', 'interval', 'data_view_id', 'note', 'setup',
  'timestamp_override', 'event_category_override', 'tiebreaker_field', 'timeline_id', 'timeline_title', 'building_block_type'];
const STRING_ARRAY_KEYS = ['author', 'index', 'tags', 'references', 'false_positives'];

/** `5m` -> 300000; undefined when not `<n><unit>`. */
export function durationMs(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  return m ? Number(m[1]) * TIME_UNITS[m[2]] : undefined;
}

/** The window `from` looks back over, for `now-<n><unit>`. */
export function lookBackMs(from: string): number | undefined {
  const m = /^now-(\d+[smhd])$/.exec(from);
  return m ? durationMs(m[1]) : undefined;
}

/** maxspan from a sequence header, read without the full parser so the core rule checks stand alone. */
export function headerMaxspanMs(query: string): number | undefined {
  const noComments = query.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const head = noComments.slice(0, noComments.indexOf('[') < 0 ? noComments.length : noComments.indexOf('['));
  if (!/^\s*sequence\b/i.test(head)) return undefined;
  const m = /\bmaxspan\s*=\s*(\d+)\s*(ms|s|m|h|d)\b/i.exec(head);
  return m ? Number(m[1]) * TIME_UNITS[m[2].toLowerCase()] : undefined;
}

/** `2024/02/30` has the right shape but is no day of the calendar. */
function realDate(v: string): boolean {
  const [y, m, d] = v.split('/').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function fmtMs(ms: number): string {
  for (const [u, f] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % f === 0) return `${ms / f}${u}`;
  return `${ms}ms`;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a TOML date';
  if (typeof v === 'object') return 'a table';
  return `a ${typeof v}`;
}

export function checkRule(rule: RuleInfo, ctx: RuleCheckContext = {}): Diagnostic[] {
  if (rule.format === 'eql' || rule.broken || !rule.eql) return [];
  const c = new RuleChecker(rule, ctx);
  checkRequiredKeys(c);
  checkIdentity(c);
  checkSeverityAndRisk(c);
  checkDataSource(c);
  checkSchedule(c);
  checkDates(c);
  checkAttack(c);
  checkTags(c);
  return c.out;
}

const q = (s: string) => JSON.stringify(s);
const validRisk = (risk: unknown): risk is number => typeof risk === 'number' && Number.isInteger(risk) && risk >= 0 && risk <= 100;

/** One rule being checked: where its keys are, how to report, and the fixes that edit it. */
class RuleChecker {
  readonly out: Diagnostic[] = [];
  readonly attack: AttackTable;
  readonly toml: boolean;
  readonly newUuid: () => string;
  readonly f: RuleInfo['fields'];
  readonly md: RuleInfo['metadata'];
  readonly tableName: string;

  constructor(
    readonly rule: RuleInfo,
    readonly ctx: RuleCheckContext,
  ) {
    this.attack = ctx.attack ?? attackTable();
    this.toml = rule.format === 'toml';
    this.newUuid = ctx.newUuid ?? (() => crypto.randomUUID());
    this.f = rule.fields;
    this.md = rule.metadata;
    this.tableName = this.toml ? '[rule]' : 'The rule';
  }

  readonly sectionRange = (section: 'metadata' | 'rule'): Range => {
    const { rule } = this;
    if (this.toml) {
      const s = rule.sections.find((x) => x.path === section);
      if (s) return s.header;
      return { start: 0, end: 0 };
    }
    return { start: rule.range.start, end: Math.min(rule.range.start + 1, rule.range.end) };
  };

  readonly at = (path: string, part: 'key' | 'value' = 'value'): Range => {
    const loc = this.rule.locate(path);
    if (loc) return part === 'key' ? (loc.key ?? loc.value) : loc.value;
    const dot = path.lastIndexOf('.');
    return dot > 0 ? this.at(path.slice(0, dot), 'key') : this.sectionRange(path === 'metadata' ? 'metadata' : 'rule');
  };

  readonly report = (code: RuleCode, range: Range, message: string, severity: Severity = 'error', fixes?: Fix[]): void => {
    this.out.push({ range, severity, code, message, ...(fixes && fixes.length ? { fixes } : {}) });
  };

  readonly replace = (path: string, newText: string, title: string): Fix[] => {
    const loc = this.rule.locate(path);
    return loc ? [{ title, edits: [{ range: loc.value, newText }], preferred: true }] : [];
  };

  readonly insert = (section: 'metadata' | 'rule', key: string, valueText: string): Fix[] => {
    const p = this.rule.insertionPoint(section);
    if (!p) return [];
    const text = p.style === 'toml' ? `${p.prefix}${key} = ${valueText}${p.suffix}` : `${p.prefix}${q(key)}: ${valueText}${p.suffix}`;
    return [{ title: `Add ${key} = ${valueText}`, edits: [{ range: { start: p.offset, end: p.offset }, newText: text }], preferred: true }];
  };

  /** One fix adding every missing key of a table (when more than one is missing). */
  readonly insertAll = (section: 'metadata' | 'rule', keys: readonly string[], values: Record<string, string>): Fix[] => {
    const p = this.rule.insertionPoint(section);
    if (!p || keys.length < 2) return [];
    const text = keys.map((key) => (p.style === 'toml' ? `${p.prefix}${key} = ${values[key]}` : `${p.prefix}${q(key)}: ${values[key]}`)).join(p.style === 'toml' ? '' : ',') + p.suffix;
    return [{ title: `Add all missing keys (${keys.join(', ')})`, edits: [{ range: { start: p.offset, end: p.offset }, newText: text }] }];
  };

  /** A misspelt key (`crecreation_date`): "did you mean", and a fix writing the known key. */
  readonly unknownKey = (section: 'metadata' | 'rule', key: string, known: ReadonlySet<string>): void => {
    const range = this.at(`${section}.${key}`, 'key');
    const [best] = closestNames(key, known, 1);
    const mean = best && !(section === 'rule' ? this.f : this.md ?? {})[best] ? best : undefined;
    this.report('RULE323', range, `Unknown [${section}] key '${key}'${mean ? `: did you mean '${mean}'?` : ''}`, 'warning',
      mean ? [{ title: `Change to '${mean}'`, edits: [{ range, newText: mean }], preferred: true }] : undefined);
  };
}

/** Required keys and value types. */
function checkRequiredKeys(c: RuleChecker): void {
  const { rule, ctx, f, md, toml, tableName, newUuid, at, report, insert, insertAll, sectionRange, unknownKey } = c;
  const bbr = rule.building_block_type !== undefined;
  if (toml) {
    if (!md) report('RULE301', { start: 0, end: 0 }, 'Missing [metadata] table (creation_date, updated_date, maturity, integration)');
    else {
      const today = q(ruleDate((ctx.today ?? (() => new Date()))()));
      const missing = (['creation_date', 'updated_date', 'maturity'] as const).filter((key) => md[key] === undefined);
      const values: Record<string, string> = { creation_date: today, updated_date: today, maturity: '"development"' };
      for (const key of missing) {
        report('RULE301', sectionRange('metadata'), `[metadata] is missing required key '${key}'`, 'error', [...insert('metadata', key, values[key]), ...insertAll('metadata', missing, values)]);
      }
      if (md.integration === undefined && !bbr)
        report('RULE301', sectionRange('metadata'), "[metadata] has no 'integration': detection-rules expects the integrations the rule's data comes from", 'warning');
      for (const key of Object.keys(md)) if (!METADATA_KEYS.has(key)) unknownKey('metadata', key, METADATA_KEYS);
      if (md.maturity !== undefined && !MATURITIES.includes(String(md.maturity)))
        report('RULE302', at('metadata.maturity'), `maturity must be one of ${MATURITIES.map(q).join(', ')}`);
      if (md.integration !== undefined && !(Array.isArray(md.integration) && md.integration.every((x) => typeof x === 'string')))
        report('RULE302', at('metadata.integration'), 'integration must be an array of strings');
    }
    if (!rule.sections.some((s) => s.path === 'rule')) report('RULE301', { start: 0, end: 0 }, 'Missing [rule] table');
  }
  const required = ['author', 'description', 'name', 'risk_score', 'rule_id', 'severity', 'type', 'language', 'query'];
  const missingRule = required.filter((key) => f[key] === undefined);
  // What "Add all missing keys" writes: values that pass the checks, for the user to edit.
  const severity = rule.severity && isSeverity(rule.severity) ? rule.severity : 'low';
  const placeholders: Record<string, string> = {
    author: '["Elastic"]',
    description: q('What the rule detects and why it matters.'),
    name: q('New EQL rule'),
    risk_score: String(SEVERITY_RISK[severity]),
    rule_id: q(newUuid()),
    severity: q(severity),
    type: '"eql"',
    language: '"eql"',
    query: toml ? "'''\nany where true\n'''" : q('any where true'),
  };
  for (const key of missingRule) {
    let fix: Fix[] = [];
    if (key === 'type' || key === 'language') fix = insert('rule', key, '"eql"');
    else if (key === 'risk_score' && rule.severity && isSeverity(rule.severity)) fix = insert('rule', key, String(SEVERITY_RISK[rule.severity]));
    else if (key === 'rule_id') fix = insert('rule', key, placeholders.rule_id);
    report('RULE301', sectionRange('rule'), `${tableName} is missing required key '${key}'`, 'error', [...fix, ...insertAll('rule', missingRule, placeholders)]);
  }
  if (toml && f.license === undefined && f.author !== undefined)
    report('RULE301', sectionRange('rule'), "[rule] has no 'license' (detection-rules writes \"Elastic License v2\")", 'information');
  if (toml) for (const key of Object.keys(f)) if (!RULE_KEYS.has(key)) unknownKey('rule', key, RULE_KEYS);
  for (const key of STRING_KEYS)
    if (f[key] !== undefined && typeof f[key] !== 'string') report('RULE302', at(`rule.${key}`), `${key} must be a string, not ${typeName(f[key])}`);
  for (const key of STRING_ARRAY_KEYS) {
    const v = f[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) report('RULE302', at(`rule.${key}`), `${key} must be an array of strings`);
  }
  if (f.severity !== undefined && !(typeof f.severity === 'string' && isSeverity(f.severity)))
    report('RULE302', at('rule.severity'), `severity must be one of ${Object.keys(SEVERITY_RISK).map(q).join(', ')}`);
  if (f.risk_score !== undefined && !validRisk(f.risk_score)) report('RULE302', at('rule.risk_score'), 'risk_score must be an integer from 0 to 100');
  if (f.max_signals !== undefined && !(typeof f.max_signals === 'number' && Number.isInteger(f.max_signals) && f.max_signals >= 1))
    report('RULE302', at('rule.max_signals'), 'max_signals must be an integer of at least 1');
  if (f.query !== undefined && typeof f.query !== 'string') report('RULE302', at('rule.query'), 'query must be a string');
  else if (typeof f.query === 'string' && f.query.trim() === '') report('RULE324', at('rule.query'), 'The query is empty');
}

/** rule_id shape and uniqueness; type and language. */
function checkIdentity(c: RuleChecker): void {
  const { rule, ctx, f, newUuid, at, report, replace } = c;
  if (rule.rule_id !== undefined) {
    if (!UUID.test(rule.rule_id) && !LEGACY_RULE_IDS.has(rule.rule_id))
      report('RULE303', at('rule.rule_id'), `rule_id ${q(rule.rule_id)} is not a lowercase UUID`, 'error', replace('rule.rule_id', q(newUuid()), 'Replace with a new UUID'));
    const other = ctx.knownRuleIds?.get(rule.rule_id);
    if (other !== undefined && other !== rule.fileName)
      report('RULE304', at('rule.rule_id'), `rule_id ${q(rule.rule_id)} is also used by ${other}`, 'error', replace('rule.rule_id', q(newUuid()), 'Replace with a new UUID'));
  }
  for (const key of ['type', 'language'] as const) {
    const v = f[key];
    if (v !== undefined && v !== 'eql') report('RULE305', at(`rule.${key}`), `${key} must be "eql" for an EQL rule (found ${JSON.stringify(v)})`, 'error', replace(`rule.${key}`, '"eql"', `Set ${key} = "eql"`));
  }
}

/** risk_score against severity (detection-rules' table). */
function checkSeverityAndRisk(c: RuleChecker): void {
  const { rule, f, at, report, replace } = c;
  const risk = f.risk_score;
  if (rule.severity && isSeverity(rule.severity) && validRisk(risk) && SEVERITY_RISK[rule.severity] !== risk) {
    const expected = SEVERITY_RISK[rule.severity];
    report('RULE306', at('rule.risk_score'), `risk_score ${risk} does not match severity ${q(rule.severity)}: detection-rules uses ${expected}`, 'warning',
      replace('rule.risk_score', String(expected), `Set risk_score = ${expected}`));
  }
}

/** index or data_view_id; override fields that exist. */
function checkDataSource(c: RuleChecker): void {
  const { rule, ctx, f, tableName, at, report, sectionRange } = c;
  if (f.index === undefined && f.data_view_id === undefined) report('RULE307', sectionRange('rule'), `${tableName} needs 'index' (or 'data_view_id')`);
  else if (f.index !== undefined && f.data_view_id !== undefined) report('RULE307', at('rule.data_view_id', 'key'), "Use either 'index' or 'data_view_id', not both");
  else if (Array.isArray(f.index) && f.index.length === 0) report('RULE307', at('rule.index'), 'index must list at least one index pattern');
  if (ctx.fieldExists) {
    for (const key of ['timestamp_override', 'event_category_override', 'tiebreaker_field'] as const) {
      const v = rule[key];
      if (v !== undefined && !ctx.fieldExists(v)) report('RULE308', at(`rule.${key}`), `${key}: unknown field ${q(v)} in the rule's schemas`, 'warning');
    }
  }
}

/** from and interval, against the sequence maxspan. */
function checkSchedule(c: RuleChecker): void {
  const { rule, ctx, at, report, replace, insert, sectionRange } = c;
  const from = rule.from;
  if (from !== undefined && lookBackMs(from) === undefined) report('RULE309', at('rule.from'), `from ${q(from)} is not date math like "now-6m" (now-<n><s|m|h|d>)`);
  const interval = rule.interval;
  if (interval !== undefined && !/^\d+[smhd]$/.test(interval)) report('RULE310', at('rule.interval'), `interval ${q(interval)} must be <n><s|m|h|d>, like "5m"`);
  const maxspan = ctx.maxspanMs ?? (rule.query ? headerMaxspanMs(rule.query.text) : undefined);
  if (maxspan !== undefined && maxspan > 0) {
    // Kibana's defaults when the keys are absent: from now-6m, interval 5m.
    const look = lookBackMs(from ?? 'now-6m');
    const every = durationMs(interval ?? '5m');
    if (look !== undefined && look < maxspan) {
      report('RULE311', from !== undefined ? at('rule.from') : sectionRange('rule'),
        `The rule looks back ${fmtMs(look)} (from ${q(from ?? 'now-6m')}) but the sequence maxspan is ${fmtMs(maxspan)}: sequences longer than the look-back are missed`, 'warning',
        from !== undefined ? replace('rule.from', q(`now-${fmtMs(maxspan)}`), `Set from = "now-${fmtMs(maxspan)}"`) : insert('rule', 'from', q(`now-${fmtMs(maxspan)}`)));
    }
    // detection-rules accepts any interval of 5m or more; below that it wants at least half the maxspan.
    if (every !== undefined && every < maxspan / 2 && every < 300_000) {
      report('RULE312', interval !== undefined ? at('rule.interval') : sectionRange('rule'),
        `interval ${fmtMs(every)} is less than half the sequence maxspan ${fmtMs(maxspan)}`, 'warning');
    }
  }
}

/** [metadata] dates. */
function checkDates(c: RuleChecker): void {
  const { md, at, report, replace } = c;
  if (md) {
    const dates: Record<string, string | undefined> = {};
    for (const key of ['creation_date', 'updated_date', 'deprecation_date']) {
      const v = md[key];
      if (v === undefined) continue;
      if (typeof v === 'string' && DATE.test(v) && realDate(v)) {
        dates[key] = v;
        continue;
      }
      let fixed: string | undefined;
      if (v instanceof Date && !isNaN(v.getTime())) fixed = v.toISOString().slice(0, 10).replace(/-/g, '/');
      else if (typeof v === 'string' && /^\d{4}[-.]\d{2}[-.]\d{2}$/.test(v)) fixed = v.replace(/[-.]/g, '/');
      report('RULE313', at(`metadata.${key}`), typeof v === 'string' && DATE.test(v) ? `${key} ${q(v)} is not a calendar date` : `${key} must be a string "YYYY/MM/DD"`, 'error', fixed ? replace(`metadata.${key}`, q(fixed), `Write ${q(fixed)}`) : undefined);
      if (fixed) dates[key] = fixed;
    }
    if (dates.creation_date && dates.updated_date && dates.updated_date < dates.creation_date)
      report('RULE314', at('metadata.updated_date'), `updated_date ${dates.updated_date} is before creation_date ${dates.creation_date}`);
  }
}

/** The ATT&CK mapping (threat entries). */
function checkAttack(c: RuleChecker): void {
  const { rule, attack, at, report, replace } = c;
  for (const t of rule.threat) {
    if (t.framework !== 'MITRE ATT&CK') {
      if (t.framework === 'MITRE ATLAS') continue;
      report('RULE315', at(`${t.path}.framework`), t.framework === undefined ? 'threat entry has no framework ("MITRE ATT&CK")' : `framework must be "MITRE ATT&CK" (found ${q(t.framework)})`, 'error',
        t.framework !== undefined ? replace(`${t.path}.framework`, '"MITRE ATT&CK"', 'Set framework = "MITRE ATT&CK"') : undefined);
    }
    if (!t.tactic) {
      report('RULE315', at(`${t.path}.framework`, 'key'), 'threat entry has no tactic');
    } else checkTactic(t.tactic);
    for (const tech of t.techniques) {
      const known = checkTechnique(tech, false);
      if (known && t.tactic?.id && attack.tactic(t.tactic.id) && !known.tactics.includes(t.tactic.id)) {
        const names = known.tactics.map((id) => attack.tactic(id)?.name ?? id).join(', ');
        report('RULE319', at(`${tech.path}.id`), `${tech.id} ${known.name} is not under tactic ${t.tactic.id} ${attack.tactic(t.tactic.id)?.name} in ATT&CK ${attack.version} (it is under ${names})`, 'warning');
      }
      for (const sub of tech.subtechniques) {
        const ks = checkTechnique(sub, true);
        if (known && ks && ks.parent !== known.id)
          report('RULE320', at(`${sub.path}.id`), `${sub.id} is a sub-technique of ${ks.parent}, not of ${tech.id}`);
      }
    }
  }

  function checkTactic(ref: AttackRef): void {
    if (!ref.id) return void report('RULE315', at(`${ref.path}`, 'key'), 'tactic has no id');
    const tactic = attack.tactic(ref.id);
    if (!tactic) {
      const byName = ref.name ? attack.tacticByName(ref.name) : undefined;
      return void report('RULE316', at(`${ref.path}.id`), /^TA\d{4}$/.test(ref.id) ? `Unknown ATT&CK tactic ${ref.id} (ATT&CK ${attack.version})` : `Tactic id ${q(ref.id)} is not like TA0005`,
        /^TA\d{4}$/.test(ref.id) ? 'warning' : 'error', byName ? replace(`${ref.path}.id`, q(byName.id), `Use ${byName.id} (${byName.name})`) : undefined);
    }
    if (ref.name === undefined) report('RULE301', at(`${ref.path}`, 'key'), `tactic ${ref.id} has no name (${tactic.name})`, 'error');
    else if (ref.name !== tactic.name)
      report('RULE317', at(`${ref.path}.name`), `${ref.id} is ${q(tactic.name)} in ATT&CK ${attack.version}, not ${q(ref.name)}`, 'warning', replace(`${ref.path}.name`, q(tactic.name), `Set name = ${q(tactic.name)}`));
    if (ref.reference !== undefined && !sameAttackUrl(ref.reference, tactic.url))
      report('RULE318', at(`${ref.path}.reference`), `reference should be ${tacticUrl(ref.id)}`, 'error', replace(`${ref.path}.reference`, q(tacticUrl(ref.id)), 'Fix the reference URL'));
  }

  function checkTechnique(ref: AttackRef, sub: boolean) {
    const kind = sub ? 'sub-technique' : 'technique';
    if (!ref.id) return void report('RULE315', at(ref.path, 'key'), `${kind} has no id`);
    const shape = sub ? /^T\d{4}\.\d{3}$/ : /^T\d{4}$/;
    if (!shape.test(ref.id)) {
      const other = sub ? /^T\d{4}$/.test(ref.id) : /^T\d{4}\.\d{3}$/.test(ref.id);
      return void report('RULE316', at(`${ref.path}.id`), other ? `${ref.id} is a ${sub ? 'technique' : 'sub-technique'}; put it under ${sub ? '[[rule.threat.technique]]' : '[[rule.threat.technique.subtechnique]]'}` : `${kind} id ${q(ref.id)} is not like ${sub ? 'T1578.002' : 'T1578'}`);
    }
    const moved = attack.redirect(ref.id);
    if (moved) {
      const target = attack.technique(moved);
      const fixes: Fix[] = [];
      const idLoc = rule.locate(`${ref.path}.id`);
      if (target && idLoc && (moved.includes('.') === sub)) {
        const edits = [{ range: idLoc.value, newText: q(moved) }];
        const n = rule.locate(`${ref.path}.name`);
        if (n) edits.push({ range: n.value, newText: q(target.name) });
        const r = rule.locate(`${ref.path}.reference`);
        if (r) edits.push({ range: r.value, newText: q(techniqueUrl(moved)) });
        fixes.push({ title: `Use ${moved} (${target.name})`, edits, preferred: true });
      }
      report('RULE321', at(`${ref.path}.id`), `${ref.id} is deprecated in ATT&CK: it moved to ${moved}${target ? ` (${target.name})` : ''}`, 'warning', fixes);
      return undefined;
    }
    const tech = attack.technique(ref.id);
    if (!tech) return void report('RULE316', at(`${ref.path}.id`), `Unknown ATT&CK ${kind} ${ref.id} (ATT&CK ${attack.version}; newer releases may have added it)`, 'warning');
    if (ref.name === undefined) report('RULE301', at(ref.path, 'key'), `${kind} ${ref.id} has no name (${tech.name})`);
    else if (ref.name !== tech.name)
      report('RULE317', at(`${ref.path}.name`), `${ref.id} is ${q(tech.name)} in ATT&CK ${attack.version}, not ${q(ref.name)} (names change between releases)`, 'warning',
        replace(`${ref.path}.name`, q(tech.name), `Set name = ${q(tech.name)}`));
    if (ref.reference !== undefined && !sameAttackUrl(ref.reference, tech.url))
      report('RULE318', at(`${ref.path}.reference`), `reference should be ${techniqueUrl(ref.id)}`, 'error', replace(`${ref.path}.reference`, q(techniqueUrl(ref.id)), 'Fix the reference URL'));
    return tech;
  }
}

/** Tags: prefixes, the primary tactic's tag. */
function checkTags(c: RuleChecker): void {
  const { rule, f, attack, at, report } = c;
  // detection-rules: the primary (first) mapped tactic is a `Tactic:` tag, and every `Tactic:` tag is mapped.
  // A misspelt tactic name is RULE317's to report; here the id stands in for it.
  const tacticName = (t: AttackRef | undefined) =>
    t?.name && attack.tacticByName(t.name) ? t.name : t?.id ? attack.tactic(t.id)?.name ?? t.name : t?.name;
  const mapped = rule.threat.filter((t) => t.framework === 'MITRE ATT&CK').map((t) => tacticName(t.tactic)).filter((n): n is string => !!n);
  if (mapped.length > 0 && Array.isArray(f.tags) && !rule.tags.includes(`Tactic: ${mapped[0]}`)) {
    report('RULE325', at('rule.tags', 'key'), `The primary tactic ${q(mapped[0])} has no tag ${q(`Tactic: ${mapped[0]}`)}`, 'warning', addTag(`Tactic: ${mapped[0]}`));
  }
  rule.tags.forEach((tag, i) => {
    const m = /^Tactic:\s*(.+)$/.exec(tag);
    if (m && mapped.length > 0 && attack.tacticByName(m[1]) && !mapped.includes(m[1]))
      report('RULE325', at(`rule.tags.${i}`), `Tag ${q(tag)} names a tactic the threat mapping does not have (${mapped.join(', ')})`, 'warning');
  });
  function addTag(tag: string): Fix[] {
    const loc = rule.locate('rule.tags');
    if (!loc) return [];
    const arr = rule.hostText.slice(loc.value.start, loc.value.end);
    const close = loc.value.end - 1;
    if (arr.includes('\n')) {
      // Multi-line array: a new line before the closing bracket, indented like the others.
      const lineStart = arr.lastIndexOf('\n') + loc.value.start + 1;
      const indent = /\n([ \t]*)\S[^\n]*\n[ \t]*\]$/.exec(arr)?.[1] ?? '    ';
      const prevComma = /,\s*\]$/.test(arr) || /\[\s*\]$/.test(arr) ? '' : ',';
      return [{ title: `Add tag ${q(tag)}`, edits: [{ range: { start: lineStart - 1, end: lineStart - 1 }, newText: `${prevComma}\n${indent}${q(tag)},` }], preferred: true }];
    }
    const empty = /^\[\s*\]$/.test(arr);
    return [{ title: `Add tag ${q(tag)}`, edits: [{ range: { start: close, end: close }, newText: empty ? q(tag) : `, ${q(tag)}` }], preferred: true }];
  }
  rule.tags.forEach((tag, i) => {
    const m = /^([^:]+):\s/.exec(tag);
    if (!m || !TAG_PREFIXES.includes(m[1])) {
      report('RULE322', at(`rule.tags.${i}`), `Tag ${q(tag)} has no known prefix (${TAG_PREFIXES.map((p) => `${p}: `).join(', ')})`, 'warning');
    } else if (m[1] === 'Tactic' && !attack.tacticByName(tag.slice(m[0].length))) {
      report('RULE322', at(`rule.tags.${i}`), `Tag ${q(tag)} does not name an ATT&CK tactic`, 'warning');
    }
  });
}

/** Checks every rule of a parsed file, plus rule_id clashes inside the file (NDJSON exports). */
export function checkRuleFile(file: ParsedRuleFile, ctx: RuleCheckContext = {}): Diagnostic[] {
  const out = [...file.errors];
  for (const rule of file.rules) out.push(...checkRule(rule, ctx));
  out.push(...checkDuplicateIds(file.rules));
  return out;
}

/** RULE304 for the second and later rules of one file that reuse a rule_id. */
export function checkDuplicateIds(rules: readonly RuleInfo[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, RuleInfo>();
  for (const rule of rules) {
    if (!rule.rule_id || !rule.eql || rule.broken || rule.format === 'eql') continue;
    const first = seen.get(rule.rule_id);
    if (!first) {
      seen.set(rule.rule_id, rule);
      continue;
    }
    const loc = rule.locate('rule.rule_id');
    out.push({ range: loc?.value ?? rule.range, severity: 'error', code: 'RULE304', message: `rule_id ${JSON.stringify(rule.rule_id)} is also used by rule ${JSON.stringify(first.name ?? '')} in this file` });
  }
  return out;
}
