// Semantic tokens layered on the TextMate grammar: the grammar cannot know which field
// names exist or which functions Elasticsearch has, the AST and the active schemas can.
// Fields are `property` (modifier `unknown` when no active catalog has them), functions
// `function` (`unknown` when not in the function table), event categories `enumMember`.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { Range, Statement } from '../core/syntax/ast';
import type { ParseResult } from '../core/syntax/parser';
import { walk } from '../core/syntax/visit';
import { lookupFunction } from '../core/analysis/functions';
import type { ServiceDocument } from './document';
import { hostText, queryRangeToHost } from './lspMapping';

export const TOKEN_TYPES = ['property', 'function', 'enumMember'] as const;
export const TOKEN_MODIFIERS = ['defaultLibrary', 'unknown', 'optional'] as const;
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type TokenModifier = (typeof TOKEN_MODIFIERS)[number];

interface RawToken {
  range: Range;
  type: TokenType;
  modifiers: TokenModifier[];
}

/** Is the field known to the region's schemas? undefined: no schema opinion (no modifier). */
export type FieldKnown = (regionIndex: number, name: string) => boolean | undefined;

function queryTokens(statement: Statement, fieldKnown: (name: string) => boolean | undefined): RawToken[] {
  const out: RawToken[] = [];
  walk(statement, (n) => {
    if (n.kind === 'field') {
      const mods: TokenModifier[] = [];
      if (fieldKnown(n.name) === false) mods.push('unknown');
      if (n.optional) mods.push('optional');
      out.push({ range: n.range, type: 'property', modifiers: mods });
    } else if (n.kind === 'call') {
      const known = lookupFunction(n.name) !== undefined;
      out.push({ range: n.nameRange, type: 'function', modifiers: known ? ['defaultLibrary'] : ['unknown'] });
    } else if (n.kind === 'category' && !n.any && !n.quoted) {
      out.push({ range: n.range, type: 'enumMember', modifiers: [] });
    }
  });
  return out;
}

/** `parsed[i]` is the parse of `doc.regions[i]`. */
export function getSemanticTokens(doc: ServiceDocument, parsed: readonly ParseResult[], fieldKnown: FieldKnown): SemanticTokens {
  const t = hostText(doc);
  const all: { line: number; char: number; length: number; type: number; mods: number }[] = [];
  doc.regions.forEach((region, i) => {
    const p = parsed[i];
    if (!p) return;
    for (const tok of queryTokens(p.statement, (name) => fieldKnown(i, name))) {
      if (tok.range.end <= tok.range.start) continue;
      const host = queryRangeToHost(region, tok.range);
      const start = t.positionAt(host.start);
      const end = t.positionAt(host.end);
      if (end.line !== start.line || end.character <= start.character) continue;
      let mods = 0;
      for (const m of tok.modifiers) mods |= 1 << TOKEN_MODIFIERS.indexOf(m);
      all.push({ line: start.line, char: start.character, length: end.character - start.character, type: TOKEN_TYPES.indexOf(tok.type), mods });
    }
  });
  all.sort((a, b) => a.line - b.line || a.char - b.char);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let lastEnd = { line: -1, char: -1 };
  for (const tok of all) {
    // Overlapping tokens are not allowed by the protocol; keep the first.
    if (tok.line === lastEnd.line && tok.char < lastEnd.char) continue;
    data.push(tok.line - prevLine, tok.line === prevLine ? tok.char - prevChar : tok.char, tok.length, tok.type, tok.mods);
    prevLine = tok.line;
    prevChar = tok.char;
    lastEnd = { line: tok.line, char: tok.char + tok.length };
  }
  return { data };
}
