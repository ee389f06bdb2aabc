// Writing detection-rules TOML. A new file gets the repository's layout (what detection-rules'
// formatter writes: [metadata] then [rule], keys sorted, the query as a ''' string after the
// plain keys, then tables and arrays of tables in the layout of the toml package it uses).
// An existing file is updated in place: unchanged values keep their bytes, so a rule that went
// to Kibana and came back unchanged gives back the same file. Reading is ruleFile.ts's.
import { parseRuleFile } from './ruleFile';

export interface RuleTomlData {
  metadata: Record<string, unknown>;
  rule: Record<string, unknown>;
}

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
const holdsTables = (v: unknown): boolean => Array.isArray(v) && v.some((x) => isTable(x) || Array.isArray(x));
/** Tables and arrays of tables go below the plain keys (detection-rules' "bottom"). */
const isBottom = (v: unknown): boolean => isTable(v) || holdsTables(v);
/** Markdown fields written as they are, without the newline after the opening quotes. */
const PRESERVED = new Set(['note', 'setup']);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as Table).filter((k) => (a as Table)[k] !== undefined);
  const kb = Object.keys(b as Table).filter((k) => (b as Table)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Table)[k], (b as Table)[k]));
}

function escapeBasic(s: string, multiline: boolean): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"' && !multiline) out += '\\"';
    else if (ch === '\n' && multiline) out += '\n';
    else if (ch === '\t') out += multiline ? '\t' : '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  // In a """ string, three quotes in a row and a quote right before the closing delimiter need escaping.
  return multiline ? out.replace(/"""/g, '""\\"').replace(/"$/, '\\"') : out;
}

function dumpString(s: string, key: string | undefined, indent = ''): string {
  if (!s.includes('\n')) return `"${escapeBasic(s, false)}"`;
  // A newline right after """ is dropped by TOML: write one when the value starts with a newline
  // or when the field is not written as-is.
  const lead = !PRESERVED.has(key ?? '') || s.startsWith('\n') ? '\n' : '';
  return `${indent}"""${lead}${escapeBasic(s, true)}"""`;
}

function dumpScalar(v: unknown, key?: string, indent = ''): string {
  if (typeof v === 'string') return dumpString(v, key, indent);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v).includes('.') || String(v).includes('e') ? String(v) : `${v}.0`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return dumpArray(v);
  if (isTable(v)) return `{ ${Object.keys(v).map((k) => `${dumpKey(k)} = ${dumpScalar(v[k], k)}`).join(', ')} }`;
  return '""';
}

function dumpArray(v: unknown[]): string {
  // detection-rules: a list of strings longer than 100 characters goes one item per line.
  if (v.every((x) => typeof x === 'string') && v.reduce((n: number, x) => n + (x as string).length + 3, 0) > 100) {
    return `[\n${v.map((x) => (String(x).includes('\n') ? dumpString(String(x), undefined, '    ') : `    ${dumpString(String(x), undefined)}`)).join(',\n')},\n]`;
  }
  return `[${v.map((x) => dumpScalar(x)).join(', ')}]`;
}

const dumpKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : `"${escapeBasic(k, false)}"`);

/** The toml package's section writer: plain keys, then arrays of tables, then (returned) sub-tables. */
function dumpSections(o: Table, sup: string): [string, Table] {
  if (sup !== '' && !sup.endsWith('.')) sup += '.';
  let retstr = '';
  let arraystr = '';
  const retdict: Table = {};
  for (const section of Object.keys(o)) {
    const v = o[section];
    const q = dumpKey(section);
    if (isTable(v)) {
      retdict[q] = v;
      continue;
    }
    if (Array.isArray(v) && v.some(isTable)) {
      for (const a of v) {
        let arraytabstr = '\n';
        arraystr += `[[${sup}${q}]]\n`;
        const [s, d0] = dumpSections(isTable(a) ? a : {}, sup + q);
        if (s) {
          if (s[0] === '[') arraytabstr += s;
          else arraystr += s;
        }
        let d = d0;
        while (Object.keys(d).length > 0) {
          const newd: Table = {};
          for (const dsec of Object.keys(d)) {
            const [s1, d1] = dumpSections(d[dsec] as Table, `${sup}${q}.${dsec}`);
            if (s1) arraytabstr += `[${sup}${q}.${dsec}]\n${s1}`;
            for (const k of Object.keys(d1)) newd[`${dsec}.${k}`] = d1[k];
          }
          d = newd;
        }
        arraystr += arraytabstr;
      }
    } else if (v !== null && v !== undefined) {
      retstr += `${q} = ${dumpScalar(v, section)}\n`;
    }
  }
  return [retstr + arraystr, retdict];
}

function dumps(o: Table): string {
  let [retval, sections] = dumpSections(o, '');
  while (Object.keys(sections).length > 0) {
    const next: Table = {};
    for (const section of Object.keys(sections)) {
      const [add, sub] = dumpSections(sections[section] as Table, section);
      if (add || Object.keys(sub).length === 0) {
        if (retval && retval.slice(-2) !== '\n\n') retval += '\n';
        retval += `[${section}]\n${add}`;
      }
      for (const k of Object.keys(sub)) next[`${section}.${k}`] = sub[k];
    }
    sections = next;
  }
  return retval;
}

const sortKeys = (t: Table): Table => {
  const out: Table = {};
  for (const k of Object.keys(t).sort()) out[k] = isTable(t[k]) ? sortKeys(t[k] as Table) : Array.isArray(t[k]) ? (t[k] as unknown[]).map((x) => (isTable(x) ? sortKeys(x) : x)) : t[k];
  return out;
};

const QUERY_MARK = 'XXxXX-query-XXxXX';

/** The query as a ''' string (a """ string when the text holds ''' or a character ''' cannot). */
export function dumpQuery(query: string): string {
  const q = query.trim();
  // eslint-disable-next-line no-control-regex
  if (q.includes("'''") || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(q) || /\r(?!\n)/.test(q)) return `"""\n${escapeBasic(`${q}\n`, true)}"""`;
  return `'''\n${q}\n'''`;
}

/** A new rule file in the repository's layout. */
export function renderRuleToml(data: RuleTomlData): string {
  const rule = sortKeys(data.rule);
  const top: Table = {};
  const bottom: Table = {};
  const query = typeof rule.query === 'string' ? rule.query : undefined;
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'query' && query !== undefined) continue;
    if (isBottom(v)) bottom[k] = v;
    else top[k] = v;
  }
  const hasBottom = Object.keys(bottom).length > 0;
  if (query !== undefined) top.query = QUERY_MARK;
  const text = dumps({ metadata: sortKeys(data.metadata), rule: { ...top, ...bottom } });
  if (query === undefined) return text;
  return text.replace(`query = "${QUERY_MARK}"`, `\nquery = ${dumpQuery(query)}${hasBottom ? '\n\n' : ''}`);
}

const sameQuery = (a: unknown, b: unknown) => typeof a === 'string' && typeof b === 'string' && a.trim() === b.trim();

/**
 * `existing` updated to hold `data`, keeping the bytes of every value that did not change. Plain
 * keys are replaced, added or removed where they are; a change in a table (threat, …) or a file
 * that does not parse gives the repository's layout for the whole file.
 */
export function updateRuleToml(existing: string, data: RuleTomlData): string {
  const parsed = parseRuleFile(existing, 'rule.toml');
  const info = parsed.rules[0];
  if (!info || info.broken || !info.metadata || !info.sections.some((s) => s.path === 'rule')) return renderRuleToml(data);
  const edits: { start: number; end: number; text: string }[] = [];
  const sections: ['metadata' | 'rule', Table, Table][] = [
    ['metadata', info.metadata, data.metadata],
    ['rule', info.fields, data.rule],
  ];
  for (const [section, before, after] of sections) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      const a = before[key];
      const b = after[key];
      if (key === 'query' && section === 'rule' ? sameQuery(a, b) : deepEqual(a, b)) continue;
      if (isBottom(a) || isBottom(b)) return renderRuleToml(data);
      const loc = info.locate(`${section}.${key}`);
      if (a !== undefined && !loc) return renderRuleToml(data);
      const valueText = (v: unknown) => (key === 'query' && section === 'rule' && typeof v === 'string' ? dumpQuery(v) : dumpScalar(v, key));
      if (a !== undefined && b !== undefined && loc) edits.push({ start: loc.value.start, end: loc.value.end, text: valueText(b) });
      else if (a !== undefined && loc) {
        // The whole line of the entry, with its newline.
        const lineStart = existing.lastIndexOf('\n', loc.entry.start - 1) + 1;
        const nl = existing.indexOf('\n', loc.entry.end);
        edits.push({ start: lineStart, end: nl < 0 ? existing.length : nl + 1, text: '' });
      } else if (b !== undefined) {
        const at = info.insertionPoint(section);
        if (!at) return renderRuleToml(data);
        edits.push({ start: at.offset, end: at.offset, text: `\n${dumpKey(key)} = ${valueText(b)}` });
      }
    }
  }
  let out = existing;
  for (const e of edits.sort((x, y) => y.start - x.start || y.end - x.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** detection-rules' file naming: the rule name in snake case. */
export function ruleFileName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${base || 'rule'}.toml`;
}
