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
  return new TomlScanner(text).scan();
}

/** The scanner's position and what it found so far; one method per construct (section of the old single function). */
class TomlScanner {
  readonly values = new Map<string, ValueLocation>();
  readonly tables: TableLocation[] = [];
  /** Arrays of tables seen so far: base path -> element count. */
  private readonly arrayCounts = new Map<string, number>();
  private current: TableLocation | undefined;
  /** The current table's path: keys below it resolve under it. */
  private prefix = '';
  private i = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  scan(): TomlScan {
    const { text } = this;
    while (this.i < this.n) {
      this.skipAll();
      if (this.i >= this.n) break;
      if (text[this.i] === '[') this.tableHeader();
      else this.entry();
    }
    this.closeTable();
    return { values: this.values, tables: this.tables };
  }

  // ---- skipping ----------------------------------------------------------------------------

  private skipInline(): void {
    const { text, n } = this;
    while (this.i < n && (text.charCodeAt(this.i) === 32 || text.charCodeAt(this.i) === 9)) this.i++;
  }

  private skipLine(): void {
    const { text, n } = this;
    while (this.i < n) {
      const c = text.charCodeAt(this.i);
      if (c === 10) break;
      if (c === 34 || c === 39) this.i = skipTomlString(text, this.i);
      else this.i++;
    }
  }

  /** Whitespace, newlines and comments (inside arrays). */
  private skipAll(): void {
    const { text, n } = this;
    for (;;) {
      while (this.i < n && isSpace(text.charCodeAt(this.i))) this.i++;
      if (text.charCodeAt(this.i) === 35) {
        const nl = text.indexOf('\n', this.i);
        this.i = nl < 0 ? n : nl;
      } else return;
    }
  }

  // ---- keys and paths ----------------------------------------------------------------------

  private readKey(): { segments: string[]; last: Range } | undefined {
    const { text, n } = this;
    const segments: string[] = [];
    let last: Range | undefined;
    for (;;) {
      this.skipInline();
      const start = this.i;
      if (text[this.i] === '"' || text[this.i] === "'") {
        const s = decodeTomlString(text, this.i);
        if (s.error) return undefined;
        segments.push(s.value);
        this.i = s.range.end;
      } else {
        while (this.i < n && isBare(text.charCodeAt(this.i))) this.i++;
        if (this.i === start) return undefined;
        segments.push(text.slice(start, this.i));
      }
      last = { start, end: this.i };
      this.skipInline();
      if (text[this.i] === '.') {
        this.i++;
        continue;
      }
      return { segments, last };
    }
  }

  /** Resolves `a.b.c` against arrays of tables seen so far: `rule.threat` -> `rule.threat.<last index>`. */
  private resolve(segments: string[]): string {
    let path = '';
    for (const s of segments) {
      path = path ? `${path}.${s}` : s;
      const count = this.arrayCounts.get(path);
      if (count !== undefined) path = `${path}.${count - 1}`;
    }
    return path;
  }

  // ---- table headers and entries -------------------------------------------------------------

  /** `[table]` or `[[array.of.tables]]`: starts a new current table. */
  private tableHeader(): void {
    const { text } = this;
    const lineStart = this.i;
    const array = text[this.i + 1] === '[';
    this.i += array ? 2 : 1;
    const k = this.readKey();
    const close = array ? ']]' : ']';
    if (!k || !text.startsWith(close, this.i)) {
      this.skipLine();
      return;
    }
    this.i += close.length;
    let path: string;
    if (array) {
      const parent = this.resolve(k.segments.slice(0, -1));
      const base = parent ? `${parent}.${k.segments[k.segments.length - 1]}` : k.segments[0];
      const count = (this.arrayCounts.get(base) ?? 0) + 1;
      this.arrayCounts.set(base, count);
      path = `${base}.${count - 1}`;
    } else {
      path = this.resolve(k.segments);
    }
    this.closeTable();
    const header = { start: lineStart, end: this.i };
    this.current = { path, header, range: { start: lineStart, end: this.i }, arrayOfTables: array, lastEntryEnd: this.i };
    this.tables.push(this.current);
    this.prefix = path;
    this.skipLine();
  }

  private closeTable(): void {
    if (this.current) this.current.range.end = this.current.lastEntryEnd;
  }

  /** `key = value` under the current table. */
  private entry(): void {
    const lineStart = this.i;
    const k = this.readKey();
    if (!k || this.text[this.i] !== '=') {
      this.skipLine();
      return;
    }
    this.i++;
    this.skipInline();
    const dotted = k.segments.join('.');
    this.readValue(this.prefix ? `${this.prefix}.${dotted}` : dotted, k.last, lineStart);
    if (this.current) this.current.lastEntryEnd = this.i;
    this.skipLine();
  }

  // ---- values ------------------------------------------------------------------------------

  private readValue(path: string, key: Range | undefined, entryStart: number, depth = 0): void {
    const { text } = this;
    const start = this.i;
    if (depth > 200) {
      // Absurd nesting: not a rule file; give up on this line rather than on the stack.
      this.skipLine();
      this.set(path, key, entryStart, start, this.i);
      return;
    }
    if (tomlStringDelimiter(text, this.i)) {
      this.i = skipTomlString(text, this.i);
      this.values.set(path, { key, value: { start, end: this.i }, entry: { start: entryStart, end: this.i }, string: true });
      return;
    }
    if (text[this.i] === '[') this.readArray(path, depth);
    else if (text[this.i] === '{') this.readInlineTable(path, depth);
    else {
      this.readBare(path, key, entryStart);
      return;
    }
    this.set(path, key, entryStart, start, this.i);
  }

  private set(path: string, key: Range | undefined, entryStart: number, start: number, end: number): void {
    this.values.set(path, { key, value: { start, end }, entry: { start: entryStart, end } });
  }

  /** `[a, b, ...]`: each element at `<path>.<index>`. */
  private readArray(path: string, depth: number): void {
    const { text, n } = this;
    this.i++;
    let index = 0;
    for (;;) {
      this.skipAll();
      if (this.i >= n) break;
      if (text[this.i] === ']') {
        this.i++;
        break;
      }
      if (text[this.i] === ',') {
        this.i++;
        continue;
      }
      const before = this.i;
      this.readValue(`${path}.${index++}`, undefined, this.i, depth + 1);
      if (this.i === before) this.i++;
    }
  }

  /** `{ k = v, ... }` on one line: each value at `<path>.<k>`. */
  private readInlineTable(path: string, depth: number): void {
    const { text, n } = this;
    this.i++;
    for (;;) {
      this.skipInline();
      if (this.i >= n || text[this.i] === '\n') break;
      if (text[this.i] === '}') {
        this.i++;
        break;
      }
      if (text[this.i] === ',') {
        this.i++;
        continue;
      }
      const kStart = this.i;
      const k = this.readKey();
      if (!k || text[this.i] !== '=') {
        this.skipLine();
        break;
      }
      this.i++;
      this.skipInline();
      this.readValue(`${path}.${k.segments.join('.')}`, k.last, kStart, depth + 1);
    }
  }

  /** Numbers, booleans, dates (which may contain one space). */
  private readBare(path: string, key: Range | undefined, entryStart: number): void {
    const { text, n } = this;
    const start = this.i;
    while (this.i < n && !endsBare(text.charCodeAt(this.i))) this.i++;
    let end = this.i;
    while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    this.set(path, key, entryStart, start, end);
  }
}
