// Folding: bracketed blocks of a query that span lines (sequence steps, long `in (...)`
// lists), multi-line comments, and in rule TOML files the tables and multi-line strings.
import type { FoldingRange } from 'vscode-languageserver-types';
import type { ParseResult } from '../core/syntax/parser';
import type { ServiceDocument } from './document';
import { hostText, queryRangeToHost } from './lspMapping';

const OPEN = new Set(['(', '[', '![']);

/** `parsed[i]` is the parse of `doc.regions[i]`. */
export function getFoldingRanges(doc: ServiceDocument, parsed: readonly ParseResult[]): FoldingRange[] {
  const t = hostText(doc);
  const out: FoldingRange[] = [];
  const add = (startOffset: number, endOffset: number, kind?: string) => {
    const start = t.positionAt(startOffset).line;
    const endPos = t.positionAt(endOffset);
    const end = endPos.line;
    // A closing bracket that starts its line stays visible (like VS Code's own bracket folding).
    const closerStartsLine = kind !== 'comment' && doc.text.slice(endOffset - endPos.character, endOffset - 1).trim() === '';
    const last = closerStartsLine ? end - 1 : end;
    if (last > start) out.push(kind ? { startLine: start, endLine: last, kind } : { startLine: start, endLine: last });
  };

  doc.regions.forEach((region, i) => {
    const p = parsed[i];
    if (!p) return;
    const stack: number[] = [];
    for (const tok of p.tokens) {
      if (tok.kind !== 'punctuation') continue;
      if (OPEN.has(tok.text)) stack.push(tok.range.start);
      else if ((tok.text === ')' || tok.text === ']') && stack.length > 0) {
        const open = stack.pop() as number;
        const r = queryRangeToHost(region, { start: open, end: tok.range.end });
        add(r.start, r.end);
      }
    }
    for (const c of p.comments) {
      const r = queryRangeToHost(region, c);
      add(r.start, r.end, 'comment');
    }
  });

  if (doc.languageId === 'toml' || doc.languageId === 'eql-rule-toml') out.push(...tomlFolds(doc.text));
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Tables (`[rule]` up to the next header) and `'''` / `"""` strings, by lines. */
function tomlFolds(text: string): FoldingRange[] {
  const lines = text.split(/\r?\n/);
  const out: FoldingRange[] = [];
  let table = -1;
  let lastContent = -1;
  let openString: { line: number; delim: string } | undefined;
  const closeTable = () => {
    if (table >= 0 && lastContent > table) out.push({ startLine: table, endLine: lastContent });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (openString) {
      if (line.includes(openString.delim)) {
        if (i - 1 > openString.line) out.push({ startLine: openString.line, endLine: i - 1 });
        openString = undefined;
        lastContent = i;
      }
      continue;
    }
    const trimmed = line.trim();
    if (/^\[\[?[^\]]+\]\]?\s*(#.*)?$/.test(trimmed)) {
      closeTable();
      table = i;
      lastContent = i;
      continue;
    }
    if (trimmed !== '' && !trimmed.startsWith('#')) lastContent = i;
    const m = /=\s*('''|""")/.exec(line);
    if (m) {
      const rest = line.slice((m.index ?? 0) + m[0].length);
      if (!rest.includes(m[1])) openString = { line: i, delim: m[1] };
    }
  }
  closeTable();
  return out;
}
