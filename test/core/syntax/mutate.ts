// Seeded random mutations of EQL queries, for the fuzz test and `npm run fuzz`.
import { parse } from '../../../server/src/core/syntax/parser';
import { analyze } from '../../../server/src/core/analysis/analyzer';
import { formatQuery } from '../../../server/src/core/syntax/printer';
import type { Range } from '../../../server/src/core/syntax/ast';

export { prng } from '../../../scripts/lib/prng';

export const PIECES = [
  '"', "'", '`', '(', ')', '[', ']', '![', '|', ',', '.', '=', '==', '!=', ':', '~', '?', '!', '*', '\\', '/', '//', '/*', '*/',
  '"""', '\\u{', '}', ' ', '\n', ' and ', ' or ', ' not ', ' in ', ' in~ ', ' like~ ', ' regex ', ' where ', ' by ', ' with ',
  ' maxspan=', ' runs=', 'sequence ', 'sample ', 'join ', ' until ', '| head ', '| tail ', '| unique ', ' of ', '5m', '0', '-1',
  '1e9', '.5', 'true', 'null', 'any', 'startsWith~(', 'cidrMatch(', 'concat(', 'length(', ')', '\u00e9', '\ud83d', '\u0000', '#',
];

/** One to three random edits of `text`. */
export function mutate(text: string, rnd: () => number): string {
  let s = text;
  const ops = 1 + Math.floor(rnd() * 3);
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = Math.floor(rnd() * 7);
    if (op === 0) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 8));
    else if (op <= 2) s = s.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + s.slice(at);
    else if (op === 3) s = s.slice(0, at);
    else if (op === 4) {
      const from = Math.floor(rnd() * s.length);
      const piece = s.slice(from, from + 1 + Math.floor(rnd() * 20));
      s = s.slice(0, at) + piece + s.slice(at);
    } else if (op === 5) s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + s.slice(at + 1);
    else {
      const b = Math.floor(rnd() * (s.length + 1));
      const [x, y] = at < b ? [at, b] : [b, at];
      s = s.slice(0, x) + s.slice(y) + s.slice(x, y);
    }
  }
  return s;
}

const TYPES = ['keyword', 'long', 'ip', 'text', 'date', 'boolean', 'geo_point', undefined];

export interface FuzzOutcome {
  ms: number;
  problem?: string;
}

function within(r: Range, len: number): boolean {
  return Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end <= len;
}

/** Milliseconds of CPU this process used: unlike wall time, not inflated when a shared machine deschedules us. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Parses, analyzes (with a made-up schema) and formats `text`; reports a problem instead of throwing. */
export function check(text: string): FuzzOutcome {
  const wall0 = performance.now();
  const cpu0 = cpuMs();
  // (the smaller of wall and CPU time: CPU time alone would also count GC helper threads)
  const elapsed = (): number => Math.min(performance.now() - wall0, cpuMs() - cpu0);
  try {
    const parsed = parse(text);
    const ds = [...parsed.errors, ...analyze(parsed, { fieldType: (n) => TYPES[n.length % TYPES.length] })];
    const formatted = formatQuery(text);
    const ms = elapsed();
    for (const d of ds) {
      if (!within(d.range, text.length)) return { ms, problem: `${d.code} range ${JSON.stringify(d.range)} outside text of length ${text.length}` };
      for (const f of d.fixes ?? []) for (const e of f.edits) if (!within(e.range, text.length)) return { ms, problem: `${d.code} fix edit outside text` };
    }
    for (const t of parsed.tokens) if (!within(t.range, text.length)) return { ms, problem: 'token range outside text' };
    if (!within(parsed.statement.range, text.length)) return { ms, problem: 'statement range outside text' };
    if (formatted !== undefined && parse(formatted).errors.length > 0) return { ms, problem: 'formatted text has syntax errors' };
    return { ms };
  } catch (e) {
    return { ms: elapsed(), problem: `threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}` };
  }
}

/** Time of the fastest of up to three runs: a single slow run may be a GC pause or a busy machine. */
export function steadyMs(text: string, limit: number): number {
  let best = Infinity;
  for (let k = 0; k < 3 && best >= limit; k++) best = Math.min(best, check(text).ms);
  return best;
}
