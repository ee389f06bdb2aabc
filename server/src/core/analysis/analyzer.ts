// The checks Elasticsearch's EQL verifier makes after parsing, so a rule is rejected here with
// the same verdict it would get from a cluster — plus type checks when the caller knows field
// types (from a schema or a mapping). Each diagnostic points at the offending token and, where
// the repair is unambiguous, carries a quick fix. The verifier's checks are in verifier.ts, the
// type checks in typeChecks.ts; this module runs both over one walk of the tree.
import type { Diagnostic } from '../diagnostic';
import { parse, type ParseResult } from '../syntax/parser';
import { stepsOf, walk } from '../syntax/visit';
import { TypeChecks } from './typeChecks';
import { VerifierChecks } from './verifier';

export interface AnalyzeOptions {
  /** The Elasticsearch type of a field (`keyword`, `long`, `ip`, `text`, ...), or undefined when unknown. */
  fieldType?: (name: string) => string | undefined;
}

export { PIPES, ENDGAME_PIPES, closest, isCidr } from './verifier';

/** Semantic and type diagnostics for a parsed query (the parser's own errors are in `parsed.errors`). Never throws. */
export function analyze(parsed: ParseResult, options?: AnalyzeOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const verifier = new VerifierChecks(parsed.text, out);
  const types = new TypeChecks(parsed.text, out, options?.fieldType ?? (() => undefined));
  try {
    const s = parsed.statement;
    const q = s.query;
    if (q) {
      verifier.query(q);
      if (q.kind === 'sequence') types.keyTypes(stepsOf(q));
      else if (q.kind === 'sample') types.keyTypes(q.steps);
    }
    for (const p of s.pipes) verifier.pipe(p, q);
    walk(s, (n) => {
      verifier.node(n);
      types.node(n);
    });
  } catch (e) {
    verifier.report({ start: 0, end: 0 }, 'EQL199', `Internal analyzer error (please report): ${e instanceof Error ? e.message : String(e)}`);
  }
  return out.sort((x, y) => x.range.start - y.range.start);
}

/** Parse errors and analyzer diagnostics of a query, in text order: what an editor or the CLI shows. */
export function diagnose(text: string, options?: AnalyzeOptions): Diagnostic[] {
  const parsed = parse(text);
  return [...parsed.errors, ...analyze(parsed, options)].sort((x, y) => x.range.start - y.range.start);
}
