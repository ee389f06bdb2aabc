// Clause coverage of a test set: for every leaf of each step's condition tree (the same leaves
// "Why not?" shows), how many test events made it true, false or null. The leaves are found in the
// syntax tree with the same flattening as explain(), so each explained leaf gets its query range.
import type { Explanation, ExplainNode } from '../engine/explain';
import type { EventFilter, Expr, Range, Statement } from '../syntax/ast';
import { logicalOperands, unparen } from '../syntax/visit';

export interface ClauseCoverage {
  /** `event`, `step 1`, `filter 2`, `until`... */
  step: string;
  /** The clause's source text. */
  text: string;
  /** Range in the query text (absent when the leaf could not be located). */
  range?: Range;
  true: number;
  false: number;
  null: number;
}

/** A clause is covered when some test event made it true and some made it not true. */
export function isCovered(c: Pick<ClauseCoverage, 'true' | 'false' | 'null'>): boolean {
  return c.true > 0 && c.false + c.null > 0;
}

/** Query ranges of the leaves of each step, in explain()'s depth-first order. */
export function leafRanges(statement: Statement): Range[][] {
  const q = statement.query;
  if (!q) return [];
  const filters: EventFilter[] = q.kind === 'event' ? [q.filter] : [...q.steps.map((s) => s.filter), ...(q.kind === 'sequence' && q.until ? [q.until.filter] : [])];
  return filters.map((f) => {
    const out: Range[] = [];
    if (!f.category.any) out.push(f.category.range);
    leaves(f.condition, out);
    return out;
  });
}

function leaves(e: Expr, out: Range[]): void {
  const u = unparen(e);
  if (u.kind === 'logical') {
    for (const c of logicalOperands(u, u.op)) leaves(c, out);
  } else if (u.kind === 'not') leaves(u.operand, out);
  else out.push(e.range);
}

function leafNodes(n: ExplainNode, out: ExplainNode[]): ExplainNode[] {
  if (n.children.length === 0) out.push(n);
  else for (const c of n.children) leafNodes(c, out);
  return out;
}

/** Accumulates explanations of test events into per-clause counts. */
export class CoverageCounter {
  private readonly clauses: ClauseCoverage[] = [];
  private readonly byStep: ClauseCoverage[][] = [];

  constructor(private readonly ranges: Range[][]) {}

  add(explanation: Explanation): void {
    explanation.steps.forEach((step, s) => {
      const found: ExplainNode[] = [];
      for (const c of step.tree.children) leafNodes(c, found);
      let list = this.byStep[s];
      if (!list) {
        const ranges = this.ranges[s];
        list = found.map((n, i) => {
          const c: ClauseCoverage = { step: step.label, text: n.text, true: 0, false: 0, null: 0 };
          if (ranges && ranges.length === found.length) c.range = ranges[i];
          return c;
        });
        this.byStep[s] = list;
        this.clauses.push(...list);
      }
      found.forEach((n, i) => {
        const c = list[i];
        if (c) c[n.value]++;
      });
    });
  }

  result(): ClauseCoverage[] {
    return this.clauses;
  }
}
