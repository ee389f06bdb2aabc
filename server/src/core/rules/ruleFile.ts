// Rule files: detection-rules TOML, Kibana rule exports (JSON object, array, NDJSON) and bare
// .eql. Everything is in host offsets; each rule carries its query with an exact offset map.
import { parse as parseToml, TomlError } from 'smol-toml';
import type { Diagnostic } from '../diagnostic';
import type { Range } from '../syntax/ast';
import { identityMap, OffsetMap } from './offsetMap';
import { decodeJsonString, decodeTomlString } from './stringDecoders';
import { JsonNode, parseJson, plain } from '../jsonText';
import { scanToml, TableLocation } from './tomlScan';

export type RuleFileFormat = 'toml' | 'kibana-json' | 'kibana-ndjson' | 'eql';

export interface Located {
  key?: Range;
  value: Range;
  entry: Range;
}

export interface EmbeddedQuery {
  /** Unescaped query text. */
  text: string;
  map: OffsetMap;
  /** Host range of the query content (between the delimiters). */
  hostRange: Range;
  /** Host range of the whole literal, delimiters included. */
  literalRange: Range;
}

export interface AttackRef {
  id?: string;
  name?: string;
  reference?: string;
  /** Location path prefix, e.g. `rule.threat.0.technique.1`. */
  path: string;
}

export interface ThreatInfo {
  framework?: string;
  tactic?: AttackRef;
  techniques: (AttackRef & { subtechniques: AttackRef[] })[];
  path: string;
}

export interface RuleSection {
  /** `metadata`, `rule`, `rule.threat.0`, `rule.threat.0.technique.0`, ... */
  path: string;
  header: Range;
  range: Range;
}

export interface RuleInfo {
  format: RuleFileFormat;
  fileName: string;
  /** The whole host text the rule's ranges point into. */
  hostText: string;
  /** The whole rule in the host text (a JSON object, an NDJSON line, the TOML file). */
  range: Range;
  /** False for rules of another language (kuery, esql, ...): they are parsed but not checked. */
  eql: boolean;
  /** The host could not be parsed; only the query (if found) is reliable. */
  broken: boolean;
  /** `[metadata]` (TOML only). */
  metadata?: Record<string, unknown>;
  /** `[rule]` / the Kibana rule object. */
  fields: Record<string, unknown>;
  name?: string;
  rule_id?: string;
  type?: string;
  language?: string;
  index?: string[];
  data_view_id?: string;
  severity?: string;
  risk_score?: number;
  timestamp_override?: string;
  event_category_override?: string;
  tiebreaker_field?: string;
  from?: string;
  interval?: string;
  max_signals?: number;
  building_block_type?: string;
  threat: ThreatInfo[];
  tags: string[];
  creation_date?: string;
  updated_date?: string;
  maturity?: string;
  integration: string[];
  query?: EmbeddedQuery;
  /** Sections for the outline (TOML tables). */
  sections: RuleSection[];
  /** Where `rule.severity`, `metadata.creation_date`, `rule.threat.0.tactic.id`, `rule.tags.2` are. */
  locate(path: string): Located | undefined;
  /** Where a new key of `section` (`metadata`, `rule`) can be inserted, with the text to put before it. */
  insertionPoint(section: 'metadata' | 'rule'): { offset: number; prefix: string; suffix: string; style: 'toml' | 'json' } | undefined;
}

export interface ParsedRuleFile {
  format: RuleFileFormat;
  rules: RuleInfo[];
  /** Host syntax errors (RULE300), offsets in the host text. */
  errors: Diagnostic[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export function detectFormat(text: string, fileName: string): RuleFileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'kibana-ndjson';
  if (lower.endsWith('.json')) return 'kibana-json';
  if (lower.endsWith('.eql')) return 'eql';
  const head = text.trimStart();
  if (/^\[(metadata|rule)\]/.test(head)) return 'toml';
  if (head.startsWith('{') || head.startsWith('[')) {
    const lines = head.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{') && l.trim().endsWith('}'))) return 'kibana-ndjson';
    return 'kibana-json';
  }
  return 'eql';
}

export function parseRuleFile(text: string, fileName: string): ParsedRuleFile {
  const format = detectFormat(text, fileName);
  if (format === 'toml') return parseTomlRule(text, fileName);
  if (format === 'eql') return { format, rules: [bareRule(text, fileName)], errors: [] };
  return parseKibana(text, fileName, format);
}

function syntaxError(range: Range, message: string): Diagnostic {
  return { range, severity: 'error', code: 'RULE300', message };
}

function bareRule(text: string, fileName: string): RuleInfo {
  const info = emptyRule('eql', fileName, { start: 0, end: text.length }, text);
  info.query = { text, map: identityMap(0, text.length), hostRange: { start: 0, end: text.length }, literalRange: { start: 0, end: text.length } };
  return info;
}

function emptyRule(format: RuleFileFormat, fileName: string, range: Range, hostText: string): RuleInfo {
  return {
    format,
    fileName,
    hostText,
    range,
    eql: true,
    broken: false,
    fields: {},
    threat: [],
    tags: [],
    integration: [],
    sections: [],
    locate: () => undefined,
    insertionPoint: () => undefined,
  };
}

function fillFields(info: RuleInfo, fields: Record<string, unknown>, metadata: Record<string, unknown> | undefined): void {
  info.fields = fields;
  info.metadata = metadata;
  info.name = str(fields.name);
  info.rule_id = str(fields.rule_id);
  info.type = str(fields.type);
  info.language = str(fields.language);
  info.index = Array.isArray(fields.index) ? strs(fields.index) : undefined;
  info.data_view_id = str(fields.data_view_id);
  info.severity = str(fields.severity);
  info.risk_score = num(fields.risk_score);
  info.timestamp_override = str(fields.timestamp_override);
  info.event_category_override = str(fields.event_category_override);
  info.tiebreaker_field = str(fields.tiebreaker_field);
  info.from = str(fields.from);
  info.interval = str(fields.interval);
  info.max_signals = num(fields.max_signals);
  info.building_block_type = str(fields.building_block_type);
  info.tags = strs(fields.tags);
  info.creation_date = str(metadata?.creation_date);
  info.updated_date = str(metadata?.updated_date);
  info.maturity = str(metadata?.maturity);
  info.integration = strs(metadata?.integration);
  // A rule is EQL if either key says so; the checks report a disagreement between them.
  info.eql = info.type === 'eql' || info.language === 'eql' || (info.type === undefined && info.language === undefined);
  const ref = (v: unknown, path: string): AttackRef | undefined => {
    const o = obj(v);
    return o ? { id: str(o.id), name: str(o.name), reference: str(o.reference), path } : undefined;
  };
  const threats = Array.isArray(fields.threat) ? fields.threat : [];
  info.threat = threats.map((t, ti) => {
    const o = obj(t) ?? {};
    const path = `rule.threat.${ti}`;
    const techniques = Array.isArray(o.technique) ? o.technique : [];
    return {
      framework: str(o.framework),
      tactic: ref(o.tactic, `${path}.tactic`),
      path,
      techniques: techniques.map((tech, i) => {
        const tpath = `${path}.technique.${i}`;
        const subs = Array.isArray(obj(tech)?.subtechnique) ? (obj(tech)?.subtechnique as unknown[]) : [];
        return {
          ...(ref(tech, tpath) ?? { path: tpath }),
          subtechniques: subs.map((s, si) => ref(s, `${tpath}.subtechnique.${si}`) ?? { path: `${tpath}.subtechnique.${si}` }),
        };
      }),
    };
  });
}

// ---------------------------------------------------------------- TOML

function lineColToOffset(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + Math.max(column - 1, 0), text.length);
}

function parseTomlRule(text: string, fileName: string): ParsedRuleFile {
  const errors: Diagnostic[] = [];
  let doc: Record<string, unknown> | undefined;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const at = lineColToOffset(text, e.line, e.column);
      let message = e.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
      // smol-toml meets the end of the line of an unclosed one-line string as a control character.
      if (/control characters/.test(message) && (text[at] === '\n' || text[at] === '\r')) message = 'unterminated string (a one-line string cannot span lines)';
      // At a line end, underline the character before it so the squiggle stays on that line.
      const range = at >= text.length || text[at] === '\n' || text[at] === '\r' ? { start: Math.max(0, at - 1), end: at } : { start: at, end: at + 1 };
      errors.push(syntaxError(range, `TOML: ${message}`));
    } else {
      errors.push(syntaxError({ start: 0, end: 0 }, `TOML: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  const scan = scanToml(text);
  const info = emptyRule('toml', fileName, { start: 0, end: text.length }, text);
  info.broken = doc === undefined;
  if (doc) fillFields(info, obj(doc.rule) ?? {}, obj(doc.metadata));
  info.locate = (path) => scan.values.get(path);
  info.sections = scan.tables.map((t) => ({ path: t.path, header: t.header, range: t.range }));
  const table = (path: string): TableLocation | undefined => scan.tables.find((t) => t.path === path);
  info.insertionPoint = (section) => {
    const t = table(section);
    return t ? { offset: t.lastEntryEnd, prefix: '\n', suffix: '', style: 'toml' } : undefined;
  };
  const q = scan.values.get('rule.query');
  if (q?.string) {
    const d = decodeTomlString(text, q.value.start);
    info.query = { text: d.value, map: d.map, hostRange: d.contentRange, literalRange: d.range };
  }
  // A file that is TOML but has no [rule] table is not a rule file.
  const rules = doc && !obj(doc.rule) && !q ? [] : [info];
  return { format: 'toml', rules, errors };
}

// ---------------------------------------------------------------- Kibana

/** A Kibana export line/object that is an EQL rule (exception lists and the summary line are not). */
export function isEqlRuleObject(v: Record<string, unknown>): boolean {
  if ('exported_count' in v) return false;
  return typeof v.query === 'string' && (v.language === 'eql' || v.type === 'eql');
}

/** `value` is `node` as plain data (the caller has it already). */
function kibanaRule(text: string, fileName: string, format: RuleFileFormat, node: JsonNode & { kind: 'object' }, value: Record<string, unknown>): RuleInfo {
  const info = emptyRule(format, fileName, node.range, text);
  fillFields(info, value, undefined);
  const locations = new Map<string, Located>();
  const walk = (n: JsonNode, path: string, key: Range | undefined) => {
    locations.set(path, { key, value: n.range, entry: { start: key?.start ?? n.range.start, end: n.range.end } });
    if (n.kind === 'object') for (const p of n.props) walk(p.value, `${path}.${p.key}`, p.keyRange);
    else if (n.kind === 'array') n.items.forEach((it, i) => walk(it, `${path}.${i}`, undefined));
  };
  walk(node, 'rule', undefined);
  info.locate = (path) => locations.get(path);
  info.insertionPoint = (section) => {
    if (section !== 'rule') return undefined;
    const last = node.props[node.props.length - 1];
    if (!last) return { offset: node.range.start + 1, prefix: '', suffix: '', style: 'json' };
    return { offset: last.value.range.end, prefix: ', ', suffix: '', style: 'json' };
  };
  const qp = node.props.find((p) => p.key === 'query');
  if (qp && qp.value.kind === 'string') {
    const d = decodeJsonString(text, qp.value.range.start);
    info.query = { text: d.value, map: d.map, hostRange: d.contentRange, literalRange: d.range };
  }
  return info;
}

function parseKibana(text: string, fileName: string, format: RuleFileFormat): ParsedRuleFile {
  const errors: Diagnostic[] = [];
  const rules: RuleInfo[] = [];
  const take = (node: JsonNode, fmt: RuleFileFormat) => {
    if (node.kind !== 'object') return;
    const value = plain(node) as Record<string, unknown>;
    if (isEqlRuleObject(value)) rules.push(kibanaRule(text, fileName, fmt, node, value));
  };
  if (format === 'kibana-json') {
    const r = parseJson(text);
    if (r.error) {
      // Several objects one per line without the .ndjson extension: read it as NDJSON.
      if (r.node && r.node.kind === 'object' && text.slice(r.end).trimStart().startsWith('{')) return parseKibana(text, fileName, 'kibana-ndjson');
      errors.push(syntaxError({ start: r.error.offset, end: Math.min(r.error.offset + 1, text.length) }, `JSON: ${r.error.message}`));
    }
    if (r.node?.kind === 'array') r.node.items.forEach((n) => take(n, format));
    else if (r.node) take(r.node, format);
    return { format, rules, errors };
  }
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    if (text.slice(start, end).trim() !== '') {
      const r = parseJson(text, start, end);
      if (r.error) errors.push(syntaxError({ start: r.error.offset, end: Math.min(r.error.offset + 1, end) }, `JSON: ${r.error.message}`));
      else if (r.node) take(r.node, format);
    }
    if (nl < 0) break;
    start = nl + 1;
  }
  return { format, rules, errors };
}


