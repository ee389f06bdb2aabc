// All diagnostics of a document: per query region the parser's errors, the analyzer's
// verifier checks and the field checks (query offsets, mapped to the host), plus the
// rule-file checks (host offsets). A checker that throws loses only its own results.
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { Diagnostic } from '../core/diagnostic';
import type { ParseResult } from '../core/syntax/parser';
import type { QueryRegion, ServiceDocument } from './document';
import { hostDiagnosticToLsp, queryDiagnosticToLsp } from './lspMapping';

export interface DiagnosticCheckers {
  /** Verifier and type checks of one region's query (query offsets). */
  analyze(parsed: ParseResult, region: QueryRegion, regionIndex: number): Diagnostic[];
  /** Unknown fields and field type checks (query offsets). */
  fields(parsed: ParseResult, region: QueryRegion, regionIndex: number): Diagnostic[];
  /** Rule-file checks: host syntax (TOML/JSON), metadata, ATT&CK (host offsets). */
  rule(doc: ServiceDocument): Diagnostic[];
  onError(checker: string, e: unknown): void;
}

function attempt<T>(checkers: DiagnosticCheckers, name: string, fn: () => T[]): T[] {
  try {
    return fn();
  } catch (e) {
    checkers.onError(name, e);
    return [];
  }
}

const key = (d: LspDiagnostic) => `${d.range.start.line}:${d.range.start.character}:${d.range.end.line}:${d.range.end.character}:${d.code}:${d.message}`;

/** `parsed[i]` is the parse of `doc.regions[i]`. */
export function getDiagnostics(doc: ServiceDocument, parsed: readonly ParseResult[], checkers: DiagnosticCheckers): LspDiagnostic[] {
  const out: LspDiagnostic[] = [];
  doc.regions.forEach((region, i) => {
    const p = parsed[i];
    if (!p) return;
    // A new, still empty .eql file is not an error (it would turn red in the explorer before a key
    // is typed); a rule whose query is empty still is.
    const core: Diagnostic[] = region.rule ? [...p.errors] : p.errors.filter((d) => d.code !== 'EQL015');
    // The parser recovers, so the semantic checks also run over a tree with syntax errors:
    // one mistake does not hide the others.
    core.push(...attempt(checkers, 'analyze', () => checkers.analyze(p, region, i)));
    core.push(...attempt(checkers, 'fields', () => checkers.fields(p, region, i)));
    for (const d of core) out.push(queryDiagnosticToLsp(doc, region, d));
  });
  for (const d of attempt(checkers, 'rule', () => checkers.rule(doc))) out.push(hostDiagnosticToLsp(doc, d));

  const seen = new Set<string>();
  return out
    .filter((d) => {
      const k = key(d);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
