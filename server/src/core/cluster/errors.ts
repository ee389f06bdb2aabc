// Elasticsearch's own query errors (`verification_exception`, `parsing_exception`, …):
// the `line L:C: message` problems inside their reason, and where each lies in the query.
import type { Range } from '../syntax/ast';

export interface EsErrorInfo {
  status?: number;
  type: string;
  reason: string;
}

export interface EsProblem {
  /** 1-based, relative to the query string exactly as sent; -1 when Elasticsearch gives no position. */
  line: number;
  column: number;
  message: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{"error":{"type","reason",…},"status":400}` → {status,type,reason}; undefined for other bodies. */
export function esErrorOf(body: unknown): EsErrorInfo | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const e = body.error;
  const root = Array.isArray(e.root_cause) && isRecord(e.root_cause[0]) ? e.root_cause[0] : undefined;
  const type = typeof e.type === 'string' ? e.type : typeof root?.type === 'string' ? root.type : 'error';
  const reason = typeof e.reason === 'string' ? e.reason : typeof root?.reason === 'string' ? root.reason : '';
  return { status: typeof body.status === 'number' ? body.status : undefined, type, reason };
}

/** The problems of one reason text ("Found 2 problems\nline 1:42: Unknown column [foo]\n…"); a reason
 * without `line L:C:` is one problem without a position. */
export function esProblems(reason: string): EsProblem[] {
  const out: EsProblem[] = [];
  const re = /line (-?\d+):(-?\d+): ([^\n]+)/g;
  for (let m = re.exec(reason); m; m = re.exec(reason)) out.push({ line: Number(m[1]), column: Number(m[2]), message: m[3].trim() });
  if (out.length === 0) {
    const text = reason.replace(/^Found \d+ problems?\n?/, '').trim();
    out.push({ line: -1, column: -1, message: text || reason });
  }
  return out;
}

/** Query offset of a 1-based line/column (columns count characters), or undefined when out of range. */
export function queryOffsetOf(query: string, line: number, column: number): number | undefined {
  if (line < 1 || column < 1) return undefined;
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = query.indexOf('\n', offset);
    if (nl < 0) return undefined;
    offset = nl + 1;
  }
  const lineEnd = query.indexOf('\n', offset);
  const end = lineEnd < 0 ? query.length : lineEnd;
  const at = offset + column - 1;
  return at <= end ? at : undefined;
}

/**
 * The query range of a problem: from its position over the name the message quotes in
 * brackets (`Unknown column [foo]`) when the query has it there, else over the word there;
 * undefined without a position (then the caller marks the whole query).
 */
export function esProblemRange(query: string, p: EsProblem): Range | undefined {
  const start = queryOffsetOf(query, p.line, p.column);
  if (start === undefined) return undefined;
  const quoted = /\[([^\]]+)\]/.exec(p.message)?.[1];
  if (quoted && query.startsWith(quoted, start)) return { start, end: start + quoted.length };
  const word = /^[\w.@`?-]+/.exec(query.slice(start, start + 200))?.[0];
  return { start, end: start + Math.max(1, word?.length ?? 1) };
}
