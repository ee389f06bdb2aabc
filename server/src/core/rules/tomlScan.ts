// A positional pass over TOML text. smol-toml gives values but no positions; rule diagnostics
// need the range of each key and value, and embedded queries need the exact string literal.
// The scanner understands strings, comments, table headers, arrays and inline tables so a
// `query` inside another table or inside a string is never mistaken for the rule's query.
// It is tolerant: syntax errors are smol-toml's to report; here we skip to the next line.
import type { Range } from '../syntax/ast';
import { decodeTomlString, skipTomlString, tomlStringDelimiter } from './stringDecoders';

export interface ValueLocation {
  /** The key as written (last segment), absent for array elements. */
  key?: Range;
  value: Range;
  /** The whole `key = value` entry. */
  entry: Range;
  /** The value is a string literal starting at value.start. */
  string?: boolean;
}

export interface TableLocation {
  /** Resolved path, e.g. `rule.threat.0.technique.1`. */
  path: string;
  header: Range;
  /** From the header to the end of the table's last entry. */
  range: Range;
  arrayOfTables: boolean;
  /** End of the table's last key/value line (where a new key can be inserted), or the header's end. */
  lastEntryEnd: number;
}

export interface TomlScan {
  /** Resolved dotted path (`rule.severity`, `rule.tags.2`, `rule.threat.0.tactic.id`) -> where it is. */
  values: Map<string, ValueLocation>;
  tables: TableLocation[];
}

// A-Z a-z 0-9 _ -
const isBare = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
// , ] } # CR LF end a bare value
const endsBare = (c: number) => c === 44 || c === 93 || c === 125 || c === 35 || c === 13 || c === 10;
// space, tab, CR, LF
const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;

export function scanToml(text: string): TomlScan {
  const values = new Map<string, ValueLocation>();
  const tables: TableLocation[] = [];
  const arrayCounts = new Map<string, number>();
  let current: TableLocation | undefined;
  let prefix = '';
  let i = 0;
  const n = text.length;

  const skipInline = () => {
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  };
  const skipLine = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c === 34 || c === 39) i = skipTomlString(text, i);
      else i++;
    }
  };
  // Whitespace, newlines and comments (inside arrays).
  const skipAll = () => {
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 35) {
        const nl = text.indexOf('\n', i);
        i = nl < 0 ? n : nl;
      } else return;
    }
  };

  const readKey = (): { segments: string[]; last: Range } | undefined => {
    const segments: string[] = [];
    let last: Range | undefined;
    for (;;) {
      skipInline();
      const start = i;
      if (text[i] === '"' || text[i] === "'") {
        const s = decodeTomlString(text, i);
        if (s.error) return undefined;
        segments.push(s.value);
        i = s.range.end;
      } else {
        while (i < n && isBare(text.charCodeAt(i))) i++;
        if (i === start) return undefined;
        segments.push(text.slice(start, i));
      }
      last = { start, end: i };
      skipInline();
      if (text[i] === '.') {
        i++;
        continue;
      }
      return { segments, last };
    }
  };

  // Resolves `a.b.c` against arrays of tables seen so far: `rule.threat` -> `rule.threat.<last index>`.
  const resolve = (segments: string[]): string => {
    let path = '';
    for (const s of segments) {
      path = path ? `${path}.${s}` : s;
      const count = arrayCounts.get(path);
      if (count !== undefined) path = `${path}.${count - 1}`;
    }
    return path;
  };

  const readValue = (path: string, key: Range | undefined, entryStart: number, depth = 0): void => {
    const start = i;
    if (depth > 200) {
      // Absurd nesting: not a rule file; give up on this line rather than on the stack.
      skipLine();
      values.set(path, { key, value: { start, end: i }, entry: { start: entryStart, end: i } });
      return;
    }
    if (tomlStringDelimiter(text, i)) {
      i = skipTomlString(text, i);
      values.set(path, { key, value: { start, end: i }, entry: { start: entryStart, end: i }, string: true });
      return;
    }
    if (text[i] === '[') {
      i++;
      let index = 0;
      for (;;) {
        skipAll();
        if (i >= n) break;
        if (text[i] === ']') {
          i++;
          break;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const before = i;
        readValue(`${path}.${index++}`, undefined, i, depth + 1);
        if (i === before) i++;
      }
      values.set(path, { key, value: { start, end: i }, entry: { start: entryStart, end: i } });
      return;
    }
    if (text[i] === '{') {
      i++;
      for (;;) {
        skipInline();
        if (i >= n || text[i] === '\n') break;
        if (text[i] === '}') {
          i++;
          break;
        }
        if (text[i] === ',') {
          i++;
          continue;
        }
        const kStart = i;
        const k = readKey();
        if (!k || text[i] !== '=') {
          skipLine();
          break;
        }
        i++;
        skipInline();
        readValue(`${path}.${k.segments.join('.')}`, k.last, kStart, depth + 1);
      }
      values.set(path, { key, value: { start, end: i }, entry: { start: entryStart, end: i } });
      return;
    }
    // Numbers, booleans, dates (which may contain one space).
    while (i < n && !endsBare(text.charCodeAt(i))) i++;
    let end = i;
    while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    values.set(path, { key, value: { start, end }, entry: { start: entryStart, end } });
  };

  const closeTable = () => {
    if (current) current.range.end = current.lastEntryEnd;
  };

  while (i < n) {
    skipAll();
    if (i >= n) break;
    const lineStart = i;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      const k = readKey();
      const close = array ? ']]' : ']';
      if (!k || !text.startsWith(close, i)) {
        skipLine();
        continue;
      }
      i += close.length;
      let path: string;
      if (array) {
        const parent = resolve(k.segments.slice(0, -1));
        const base = parent ? `${parent}.${k.segments[k.segments.length - 1]}` : k.segments[0];
        const count = (arrayCounts.get(base) ?? 0) + 1;
        arrayCounts.set(base, count);
        path = `${base}.${count - 1}`;
      } else {
        path = resolve(k.segments);
      }
      closeTable();
      const header = { start: lineStart, end: i };
      current = { path, header, range: { start: lineStart, end: i }, arrayOfTables: array, lastEntryEnd: i };
      tables.push(current);
      prefix = path;
      skipLine();
      continue;
    }
    const k = readKey();
    if (!k || text[i] !== '=') {
      skipLine();
      continue;
    }
    i++;
    skipInline();
    const dotted = k.segments.join('.');
    readValue(prefix ? `${prefix}.${dotted}` : dotted, k.last, lineStart);
    if (current) current.lastEntryEnd = i;
    skipLine();
  }
  closeTable();
  return { values, tables };
}
