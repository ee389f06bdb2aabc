// EQL wildcard patterns (`:`, `like`, `like~`): `*` is any run of characters, `?` exactly one; every
// other character is literal (Elasticsearch escapes backslashes when it builds the Lucene wildcard
// query, so there is no escape character). Anchored: the whole value must match. The two-pointer
// scan remembers only the last `*`, so matching is O(n·m) at worst and never exponential.

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
  const pc = [...p];
  return {
    test(value: string): boolean {
      return matchGeneral(pc, [...value]);
    },
  };
}

function matchGeneral(p: string[], s: string[]): boolean {
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
