// Generic traversal of the syntax tree, so features don't each re-implement the node shapes.
import type { Expr, FieldRef, Query, Range, Statement, Step } from './ast';

export type Node =
  | Statement
  | Query
  | Step
  | Statement['pipes'][number]
  | Step['filter']
  | Step['filter']['category']
  | NonNullable<Step['runs']>
  | NonNullable<Extract<Query, { kind: 'sequence' }>['maxspan']>
  | Expr;

/** The expression inside any parentheses around it. */
export function unparen(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

/**
 * The operands of a chain of one logical operator, looking through parentheses:
 * `a and (b and c)` gives a, b, c (each as written, parentheses kept). Appended to `out`.
 */
export function logicalOperands(e: Expr, op: 'and' | 'or', out: Expr[] = []): Expr[] {
  // An explicit stack (right operand pushed first): a 50,000-term chain must not overflow the call stack.
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const x = stack.pop() as Expr;
    const u = unparen(x);
    if (u.kind === 'logical' && u.op === op) stack.push(u.right, u.left);
    else out.push(x);
  }
  return out;
}

/**
 * A left-associative chain of arithmetic operators of one precedence level (`a + b - c`, `a * b / c`),
 * looking through parentheses on the left: the first operand and each following operator with its
 * operand, so compilers can fold it in a loop instead of recursing once per operator.
 */
type ArithmeticOp = Extract<Expr, { kind: 'arithmetic' }>['op'];

export function arithmeticChain(e: Extract<Expr, { kind: 'arithmetic' }>): { first: Expr; rest: { op: ArithmeticOp; operand: Expr }[] } {
  const rest: { op: ArithmeticOp; operand: Expr }[] = [];
  let u: Expr = e;
  while (u.kind === 'arithmetic') {
    rest.push({ op: u.op, operand: u.right });
    u = unparen(u.left);
  }
  rest.reverse();
  return { first: u, rest };
}

/** The direct children of a node, in source order. */
export function childrenOf(node: Node): Node[] {
  const out: Node[] = [];
  appendChildren(node, out);
  return out;
}

/**
 * Visits `node` and its descendants depth-first in source order. Return `false` from `visit`
 * to skip a node's children. `parent` is the node's parent (undefined for the root).
 */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => boolean | void): void {
  // An explicit stack: deeply nested input (long `or` chains) must not overflow the call stack.
  const nodes: Node[] = [node];
  const parents: Array<Node | undefined> = [undefined];
  while (nodes.length > 0) {
    const n = nodes.pop()!;
    const parent = parents.pop();
    if (visit(n, parent) === false) continue;
    // No array per node (childrenOf builds one): the analyzer and field checks walk every node
    // of a 2,000-line query on each edit. Children go straight onto the stack, then are reversed.
    const from = nodes.length;
    appendChildren(n, nodes);
    for (let i = from, j = nodes.length - 1; i < j; i++, j--) {
      const x = nodes[i];
      nodes[i] = nodes[j];
      nodes[j] = x;
    }
    for (let i = from; i < nodes.length; i++) parents.push(n);
  }
}

/** The direct children of a node in source order, appended to `out` (walk reuses one array). */
function appendChildren(node: Node, out: Node[]): void {
  switch (node.kind) {
    case 'statement':
      if (node.query) out.push(node.query);
      for (const p of node.pipes) out.push(p);
      return;
    case 'event':
      out.push(node.filter);
      return;
    case 'sequence':
      for (const k of node.by) out.push(k);
      if (node.maxspan) out.push(node.maxspan);
      for (const s of node.steps) out.push(s);
      if (node.until) out.push(node.until);
      return;
    case 'sample':
    case 'join':
      for (const k of node.by) out.push(k);
      for (const s of node.steps) out.push(s);
      if (node.until) out.push(node.until);
      return;
    case 'step':
      out.push(node.filter);
      for (const k of node.by) out.push(k);
      if (node.runs) out.push(node.runs);
      return;
    case 'filter':
      out.push(node.category, node.condition);
      return;
    case 'pipe':
      for (const a of node.args) out.push(a);
      return;
    case 'not':
    case 'unary':
      out.push(node.operand);
      return;
    case 'logical':
    case 'comparison':
    case 'arithmetic':
      out.push(node.left, node.right);
      return;
    case 'in':
      out.push(node.value);
      for (const x of node.list) out.push(x);
      return;
    case 'match':
      out.push(node.value);
      for (const x of node.patterns) out.push(x);
      return;
    case 'call':
      for (const a of node.args) out.push(a);
      return;
    case 'paren':
      out.push(node.expr);
      return;
    default:
      return;
  }
}

/** Every field reference in source order (including `by` keys and pipe arguments). */
export function fieldsOf(node: Node): FieldRef[] {
  const out: FieldRef[] = [];
  walk(node, (n) => {
    if (n.kind === 'field') out.push(n);
  });
  return out;
}

/** The innermost nodes containing `offset` (end inclusive, for a cursor), outermost first. */
export function nodesAt(root: Node, offset: number): Node[] {
  const path: Node[] = [];
  walk(root, (n) => {
    if (!contains(n.range, offset)) return false;
    path.push(n);
    return true;
  });
  return path;
}

export function contains(range: Range, offset: number): boolean {
  return offset >= range.start && offset <= range.end;
}

/** All steps of a query (sequence/sample/join steps then `until`), or none for an event query. */
export function stepsOf(query: Query | undefined): Step[] {
  if (!query || query.kind === 'event') return [];
  return [...query.steps, ...(query.until ? [query.until] : [])];
}
