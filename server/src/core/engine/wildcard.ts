// EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one; every
// other character is literal (Elasticsearch escapes backslashes when it builds the Lucene wildcard
// query, so there is no escape character). Anchored: the whole value must match.
//
// - The common shapes (`x`, `*x*`, `x*`, `*x`) are string operations.
// - A `?` after a `*` is where an automaton can explode (`*a??????????????????????`: 2^22 states):
//   such a pattern is a DFA (regex.ts), refused as Elasticsearch refuses it when it needs more than
//   10,000 states (RegexSyntaxError with `tooComplex`), else matched in one step per character.
// - Every other pattern is matched segment by segment: the parts between `*`s, each found at its
//   leftmost place after the previous one (which is optimal for globs), with indexOf when the part
//   has no `?`: at most one pass over the value per part.
import { compileWildcardAutomaton } from './regex';

export interface WildcardMatcher {
  test(value: string): boolean;
}

const SURROGATE = /[\uD800-\uDFFF]/;

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
  const star = p.indexOf('*');
  if (star >= 0 && p.indexOf('?', star) >= 0) return compileWildcardAutomaton(p);
  const segments = p.split('*');
  const pc = [...p];
  // `?` is one code point: values (or patterns) with surrogate pairs take the code-point scan.
  if (SURROGATE.test(p)) return { test: (v) => matchCodePoints(pc, [...v]) };
  return {
    test: (v) => (SURROGATE.test(v) ? matchCodePoints(pc, [...v]) : matchSegments(segments, v)),
  };
}

/** Whether `seg` (with `?` for any one character) occurs in `v` at `at`. */
function segmentAt(seg: string, v: string, at: number): boolean {
  for (let i = 0; i < seg.length; i++) {
    const c = seg.charCodeAt(i);
    if (c !== 0x3f /* ? */ && c !== v.charCodeAt(at + i)) return false;
  }
  return true;
}

/** The leftmost place in v[from, limit) where `seg` occurs, or -1. */
function find(seg: string, v: string, from: number, limit: number): number {
  if (!seg.includes('?')) {
    const i = v.indexOf(seg, from);
    return i >= 0 && i + seg.length <= limit ? i : -1;
  }
  for (let i = from; i + seg.length <= limit; i++) if (segmentAt(seg, v, i)) return i;
  return -1;
}

function matchSegments(segments: string[], v: string): boolean {
  const first = segments[0];
  if (segments.length === 1) return v.length === first.length && segmentAt(first, v, 0);
  const last = segments[segments.length - 1];
  if (v.length < first.length + last.length) return false;
  if (!segmentAt(first, v, 0) || !segmentAt(last, v, v.length - last.length)) return false;
  let pos = first.length;
  const limit = v.length - last.length;
  for (let k = 1; k < segments.length - 1; k++) {
    const seg = segments[k];
    if (seg === '') continue;
    const at = find(seg, v, pos, limit);
    if (at < 0) return false;
    pos = at + seg.length;
  }
  return true;
}

/** The two-pointer glob scan over code points (remembers only the last `*`: O(n·m), never exponential). */
function matchCodePoints(p: string[], s: string[]): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < s.length) {
    if (j < p.length && (p[j] === '?' || (p[j] !== '*' && p[j] === s[i]))) {
      i++;
      j++;
    } else if (j < p.length && p[j] === '*') {
      star = j++;
      mark = i;
    } else if (star !== -1) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (j < p.length && p[j] === '*') j++;
  return j === p.length;
}
