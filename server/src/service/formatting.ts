// Formatting: the printer's canonical layout for each query. In a rule file only the query
// changes, inside its string, and only where the host string can hold the result as is
// (a multi-line TOML string, or a JSON string once escaped); the rest of the file is the
// user's. A query with syntax errors is left alone (the printer gives up).
import type { TextEdit as LspTextEdit } from 'vscode-languageserver-types';
import { formatQuery } from '../core/syntax/printer';
import type { QueryRegion, ServiceDocument } from './document';
import { hostRangeToLsp } from './lspMapping';

export interface FormatSettings {
  /** Preferred maximum line length. */
  width?: number;
}

const isJsonHost = (doc: ServiceDocument) => ['json', 'jsonc', 'ndjson', 'jsonl'].includes(doc.languageId) || /\.(json|ndjson|jsonl)$/i.test(doc.uri);

/** How the new query text must be written into the host, or undefined when it cannot be. */
function hostEncoding(doc: ServiceDocument, region: QueryRegion): ((q: string) => string) | undefined {
  const { start, end } = region.hostRange;
  const hostSlice = doc.text.slice(start, end);
  if (isJsonHost(doc)) return (q) => JSON.stringify(q).slice(1, -1);
  if (start === 0 && end === doc.text.length) return (q) => q; // a plain .eql file
  // TOML: only a multi-line string holds line breaks; a basic one only when it had no escapes.
  // TOML drops the line break right after the opening delimiter, so the region starts after it.
  let open = start;
  if (doc.text[open - 1] === '\n') open -= doc.text[open - 2] === '\r' ? 2 : 1;
  const opener = doc.text.slice(Math.max(0, open - 3), open);
  if (opener === "'''") return (q) => q;
  if (opener === '"""' && hostSlice === region.query) return (q) => q;
  return undefined;
}

/** The smallest edit turning `before` into `after` (common prefix and suffix kept). */
function minimalEdit(doc: ServiceDocument, offset: number, before: string, after: string): LspTextEdit | undefined {
  if (before === after) return undefined;
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return {
    range: hostRangeToLsp(doc, { start: offset + p, end: offset + before.length - s }),
    newText: after.slice(p, after.length - s),
  };
}

export function format(doc: ServiceDocument, settings: FormatSettings = {}): LspTextEdit[] {
  const edits: LspTextEdit[] = [];
  for (const region of doc.regions) {
    const encode = hostEncoding(doc, region);
    if (!encode) continue;
    const formatted = formatQuery(region.query, { width: settings.width });
    if (formatted === undefined) continue;
    // Keep the whitespace around the query as the user had it (the newline after `'''`, the final newline).
    const lead = /^\s*/.exec(region.query)?.[0] ?? '';
    const trail = region.query.length > lead.length ? (/\s*$/.exec(region.query)?.[0] ?? '') : '';
    const next = lead + formatted.trim() + trail;
    const { start, end } = region.hostRange;
    const edit = minimalEdit(doc, start, doc.text.slice(start, end), encode(next));
    if (edit) edits.push(edit);
  }
  return edits;
}
