// EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one; every
// other character is literal (Elasticsearch escapes backslashes when it builds the Lucene wildcard
// query, so there is no escape character). Anchored: the whole value must match. The common shapes
// (`x`, `*x*`, `x*`, `*x`) are string operations; every other pattern is a DFA (regex.ts), so matching
// is one step per character, and a pattern whose automaton is too large is refused as Elasticsearch
// refuses it (RegexSyntaxError with `tooComplex`).
import { compileWildcardAutomaton } from './regex';

export interface WildcardMatcher {
  test(value: string): boolean;
}

/** A matcher for `p`, case-sensitive: callers comparing case-insensitively lower both sides first. */
export function compileWildcard(p: string): WildcardMatcher {
  if (!p.includes('*') && !p.includes('?')) return { test: (v) => v === p };
  // Fast forms for the shapes rules use most: `*x*`, `x*`, `*x`.
  const inner = p.slice(1, -1);
  if (!inner.includes('*') && !inner.includes('?') && p.length >= 2 && p[0] === '*' && p[p.length - 1] === '*') {
    return { test: (v) => v.includes(inner) };
  }
  const head = p.slice(0, -1);
  if (p.endsWith('*') && !head.includes('*') && !head.includes('?')) {
    return { test: (v) => v.startsWith(head) };
  }
  const tail = p.slice(1);
  if (p.startsWith('*') && !tail.includes('*') && !tail.includes('?')) {
    return { test: (v) => v.endsWith(tail) };
  }
  return compileWildcardAutomaton(p);
}
