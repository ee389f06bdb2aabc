// The one place a `:` / like / regex pattern becomes a matcher, used by the analyzer (check time,
// EQL108 / EQL109) and the engine (run time, EQL502), so both accept and refuse the same patterns.
import type { Range } from '../syntax/ast';
import { compileLuceneRegex, RegexSyntaxError } from './regex';
import { compileWildcard } from './wildcard';

/**
 * A test over the (already lower-cased, for case-insensitive wildcards) string value. Throws
 * RegexSyntaxError on an invalid regular expression or a pattern too complex to determinize.
 * `lower`: the wildcard forms compare lower-cased values (`:`, like~).
 */
export function compileMatchPattern(op: ':' | 'like' | 'regex', text: string, insensitive: boolean): (s: string) => boolean {
  if (op === 'regex') {
    const rx = compileLuceneRegex(text, insensitive);
    return (s) => rx.test(s);
  }
  const w = compileWildcard(wildcardLowers(op, insensitive) ? text.toLowerCase() : text);
  return (s) => w.test(s);
}

/** `:` and the `~` wildcard forms compare lower-cased. */
export function wildcardLowers(op: ':' | 'like' | 'regex', insensitive: boolean): boolean {
  return op !== 'regex' && (insensitive || op === ':');
}

/** Where a pattern error points: the offending character for bad syntax, the whole pattern when it is too complex. */
export function patternErrorRange(err: unknown, literal: Range): Range {
  if (!(err instanceof RegexSyntaxError) || err.tooComplex) return { start: literal.start, end: literal.end };
  const start = Math.min(literal.start + 1 + err.offset, literal.end);
  return { start, end: Math.min(start + 1, literal.end) };
}

export function isTooComplex(err: unknown): boolean {
  return err instanceof RegexSyntaxError && err.tooComplex;
}
