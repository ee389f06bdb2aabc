// Completion in a detection-rules TOML file outside its query: table headers after `[`, the keys
// of the table the cursor is in ([metadata], [rule], the ATT&CK tables under [[rule.threat]]) with
// their docs, and values after `key =` — severity, type, language, maturity, today's date, risk
// scores matching the severity, index patterns of known integrations, ATT&CK ids and their names
// and URLs. It works on the text of the line (a rule being written is rarely valid TOML) and
// follows the query completion's rules for the keyboard: a list opens where a key, header or value
// is being written, never after a finished one, so Enter at a line end is a new line.
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { attackTable, type AttackTable } from '../core/rules/attack';
import { SEVERITY_RISK, TAG_PREFIXES } from '../core/rules/checks';
import { MATURITIES, METADATA_KEY_DOCS, RULE_KEY_DOCS, THREAT_KEY_DOCS } from '../core/rules/ruleKeys';
import { ruleDate } from '../core/rules/skeleton';
import { KIBANA_EQL_RULE_SCHEMA } from '../core/rules/kibanaSchema';
import { wordList, type CompletionTrigger } from './completion';
import type { ServiceDocument } from './document';
import { hostRangeToLsp } from './lspMapping';

const NOTHING: CompletionList = { isIncomplete: false, items: [] };

/** Index patterns of the integrations detection-rules rules commonly search. */
export const KNOWN_INDEX_PATTERNS: [string, string][] = [
  ['logs-aws.cloudtrail-*', 'AWS CloudTrail (Elastic Agent integration)'],
  ['filebeat-*', 'Filebeat (aws module and others)'],
  ['logs-endpoint.events.*', 'Elastic Defend events'],
  ['logs-windows.sysmon_operational-*', 'Windows Sysmon'],
  ['winlogbeat-*', 'Winlogbeat'],
  ['logs-system.security*', 'Windows Security event log (System integration)'],
  ['auditbeat-*', 'Auditbeat'],
  ['logs-auditd_manager.auditd-*', 'Auditd Manager'],
  ['logs-okta*', 'Okta'],
  ['logs-azure*', 'Azure'],
  ['logs-gcp*', 'Google Cloud'],
  ['logs-o365*', 'Microsoft 365'],
];

const TABLES: [string, string, string][] = [
  ['[metadata]', 'metadata', 'creation_date, updated_date, maturity, integration'],
  ['[rule]', 'rule', 'the rule: name, description, index, query, severity, …'],
  ['[[rule.threat]]', 'rule.threat', 'an ATT&CK mapping (framework, tactic, techniques)'],
  ['[rule.threat.tactic]', 'rule.threat.tactic', 'the tactic of the mapping above'],
  ['[[rule.threat.technique]]', 'rule.threat.technique', 'a technique of the mapping above'],
  ['[[rule.threat.technique.subtechnique]]', 'rule.threat.technique.subtechnique', 'a sub-technique of the technique above'],
];

interface Line {
  /** Offset of the line's start in the document. */
  start: number;
  /** The line's text before the cursor. */
  before: string;
  /** The rest of the line after the cursor. */
  after: string;
}

/** The table path of the last `[header]` / `[[header]]` above the cursor ('' before any). */
function tableAt(text: string, offset: number): string {
  const re = /^[ \t]*\[\[?[ \t]*([A-Za-z0-9_.]+)[ \t]*\]\]?/gm;
  let path = '';
  for (let m = re.exec(text); m && m.index < offset; m = re.exec(text)) path = m[1];
  return path;
}

/** The keys already written in the table that contains offset. */
function keysOfTable(text: string, offset: number): Set<string> {
  const startOf = text.lastIndexOf('\n[', offset);
  const from = startOf < 0 ? 0 : startOf + 1;
  const next = text.indexOf('\n[', offset);
  const body = text.slice(from, next < 0 ? text.length : next);
  return new Set([...body.matchAll(/^[ \t]*([A-Za-z0-9_]+)[ \t]*=/gm)].map((m) => m[1]));
}

/** The value of `key = "value"` in the same table above offset (e.g. severity, a threat id). */
function valueAbove(text: string, offset: number, key: string): string | undefined {
  const startOf = text.lastIndexOf('\n[', offset);
  const body = text.slice(startOf < 0 ? 0 : startOf, offset);
  const m = [...body.matchAll(new RegExp(`^[ \\t]*${key}[ \\t]*=[ \\t]*"([^"]*)"`, 'gm'))].pop();
  return m?.[1];
}

function keyDocs(table: string): Record<string, string> | undefined {
  if (table === 'metadata') return METADATA_KEY_DOCS;
  if (table === 'rule') return Object.fromEntries(Object.keys(KIBANA_EQL_RULE_SCHEMA).map((k) => [k, RULE_KEY_DOCS[k] ?? '']));
  return THREAT_KEY_DOCS[table];
}

/** Items filtered to a word being typed, none once it is complete (completion.ts's rule); nothing on a bare space. */
function typing(items: CompletionItem[], typed: string, trigger: CompletionTrigger | undefined): CompletionList {
  if (typed === '' && trigger?.kind === 2 && trigger.character === ' ') return NOTHING;
  return wordList(items, typed, true);
}

interface Value {
  value: string;
  detail?: string;
  doc?: string;
  /** Written without quotes (numbers, booleans). */
  bare?: boolean;
}

function valuesFor(table: string, key: string, text: string, offset: number, today: Date, attack: AttackTable): Value[] {
  const threat = table.startsWith('rule.threat');
  if (threat) {
    if (key === 'framework') return [{ value: 'MITRE ATT&CK' }];
    const id = valueAbove(text, offset, 'id');
    if (table === 'rule.threat.tactic') {
      if (key === 'id') return attack.tactics().map((t) => ({ value: t.id, detail: t.name }));
      const t = id ? attack.tactic(id) : undefined;
      if (key === 'name') return t ? [{ value: t.name, detail: t.id }] : attack.tactics().map((x) => ({ value: x.name, detail: x.id }));
      if (key === 'reference' && t) return [{ value: t.url }];
      return [];
    }
    if (table === 'rule.threat.technique' || table === 'rule.threat.technique.subtechnique') {
      const sub = table.endsWith('subtechnique');
      if (key === 'id') {
        // Sub-techniques of the technique written above them.
        const parent = sub ? [...text.slice(0, offset).matchAll(/^\[\[rule\.threat\.technique\]\][^[]*?^id[ \t]*=[ \t]*"([^"]+)"/gm)].pop()?.[1] : undefined;
        return attack
          .techniques()
          .filter((t) => (sub ? !!t.parent && (!parent || t.parent === parent) : !t.parent))
          .map((t) => ({ value: t.id, detail: t.name, doc: `Tactics: ${t.tactics.map((x) => `${x} ${attack.tactic(x)?.name ?? ''}`).join(', ')}` }));
      }
      const t = id ? attack.technique(id) : undefined;
      if (key === 'name' && t) return [{ value: t.name, detail: t.id }];
      if (key === 'reference' && t) return [{ value: t.url }];
    }
    return [];
  }
  switch (key) {
    case 'severity':
      return Object.entries(SEVERITY_RISK).map(([s, r]) => ({ value: s, detail: `risk_score ${r}` }));
    case 'risk_score': {
      const severity = valueAbove(text, offset, 'severity') ?? (text.match(/^severity[ \t]*=[ \t]*"([^"]*)"/m)?.[1]);
      const entries = Object.entries(SEVERITY_RISK).filter(([s]) => !severity || s === severity);
      return entries.map(([s, r]) => ({ value: String(r), detail: `severity ${s}`, bare: true }));
    }
    case 'type':
    case 'language':
      return [{ value: 'eql', detail: 'Event Query Language' }];
    case 'maturity':
      return MATURITIES.map((m) => ({ value: m }));
    case 'creation_date':
    case 'updated_date':
    case 'deprecation_date':
      return [{ value: ruleDate(today), detail: 'today' }];
    case 'license':
      return [{ value: 'Elastic License v2' }];
    case 'from':
      return ['now-9m', 'now-6m', 'now-60m', 'now-119m'].map((v) => ({ value: v, detail: 'look-back (interval + overlap)' }));
    case 'interval':
      return ['5m', '1h', '10m'].map((v) => ({ value: v }));
    case 'index':
      return KNOWN_INDEX_PATTERNS.map(([p, d]) => ({ value: p, detail: d }));
    case 'integration':
      return ['aws', 'endpoint', 'windows', 'system', 'okta', 'azure', 'gcp', 'o365'].map((v) => ({ value: v }));
    case 'tags':
      return [...TAG_PREFIXES.map((p) => ({ value: `${p}: `, detail: 'tag prefix' })), ...attack.tactics().map((t) => ({ value: `Tactic: ${t.name}`, detail: t.id }))];
    case 'timestamp_override':
      return [{ value: 'event.ingested' }];
    default:
      return [];
  }
}

export interface RuleCompletionOptions {
  today?: Date;
  attack?: AttackTable;
}

/** Completion outside the query of a detection-rules TOML file, or undefined when not such a place. */
export function getRuleCompletion(doc: ServiceDocument, offset: number, trigger?: CompletionTrigger, options: RuleCompletionOptions = {}): CompletionList | undefined {
  const text = doc.text;
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const endNl = text.indexOf('\n', offset);
  const line: Line = { start, before: text.slice(start, offset), after: text.slice(offset, endNl < 0 ? text.length : endNl) };
  const range = (from: number, to: number) => hostRangeToLsp(doc, { start: from, end: to });
  const table = tableAt(text, start);
  const attack = options.attack ?? attackTable();
  const today = options.today ?? new Date();

  // A table header being written: `[me`, `[[rule.th`.
  const header = /^[ \t]*(\[\[?)([A-Za-z0-9_.]*)$/.exec(line.before);
  if (header) {
    const close = /^[A-Za-z0-9_.]*\]*/.exec(line.after)?.[0] ?? '';
    const from = offset - header[2].length - header[1].length;
    const items = TABLES.filter(([h]) => h.startsWith(header[1]) && (header[1] === '[[' ? h.startsWith('[[') : true)).map(([h, path, detail], i): CompletionItem => ({
      label: h,
      kind: CompletionItemKind.Module,
      detail,
      filterText: header[1] + path,
      sortText: String(i),
      textEdit: { range: range(from, offset + close.length), newText: h },
    }));
    return typing(items, header[1] + header[2], trigger);
  }

  // A key being written at the start of a line.
  const keyTyped = /^[ \t]*([A-Za-z0-9_]*)$/.exec(line.before);
  if (keyTyped && !/^\s*=/.test(line.after) && table) {
    const docs = keyDocs(table);
    if (!docs) return NOTHING;
    if (keyTyped[1] === '' && trigger?.kind === 2) return NOTHING;
    const present = keysOfTable(text, offset);
    const wordEnd = offset + (/^[A-Za-z0-9_]*/.exec(line.after)?.[0].length ?? 0);
    const items = Object.entries(docs)
      .filter(([k]) => !present.has(k) || k === keyTyped[1])
      .map(([k, d]): CompletionItem => ({
        label: k,
        kind: CompletionItemKind.Property,
        detail: `[${table}]`,
        documentation: { kind: 'markdown', value: d },
        sortText: (/Required/.test(d) ? '0' : '1') + k,
        textEdit: { range: range(offset - keyTyped[1].length, wordEnd), newText: `${k} = ` },
        // The values of the key come next.
        command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
      }));
    return typing(items, keyTyped[1], trigger);
  }

  // A value after `key =`: `severity = `, `severity = "me`, `index = ["logs-`, `id = "TA0`.
  const value = /^[ \t]*([A-Za-z0-9_]+)[ \t]*=[ \t]*(\[(?:[^\]]*,)?[ \t]*)?("?)([^"]*)$/.exec(line.before);
  if (value && table) {
    const [, key, list, quote, typed] = value;
    if (list === undefined && /\S/.test(line.after.replace(/^"/, '')) && !quote) return NOTHING;
    const values = valuesFor(table, key, text, offset, today, attack);
    if (values.length === 0) return NOTHING;
    if (!quote && typed !== '' && !/^\d+$/.test(typed)) return NOTHING;
    const closing = quote && line.after.startsWith('"') ? 1 : 0;
    const from = offset - typed.length - quote.length;
    const items = values.map((v, i): CompletionItem => ({
      label: v.value,
      kind: CompletionItemKind.Value,
      detail: v.detail,
      documentation: v.doc ? { kind: 'markdown', value: v.doc } : undefined,
      sortText: String(i).padStart(4, '0'),
      filterText: v.bare ? v.value : quote + v.value,
      textEdit: { range: range(from, offset + closing), newText: v.bare ? v.value : `"${v.value}"` },
      insertTextFormat: InsertTextFormat.PlainText,
    }));
    return typing(items, v0(quote, typed), trigger);
  }
  return NOTHING;
}

/** What a value's filter compares with: the opening quote and what follows it. */
function v0(quote: string, typed: string): string {
  return quote ? quote + typed : typed;
}
