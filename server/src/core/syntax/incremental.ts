// Re-parsing after an edit without rebuilding the whole tree. Parsing a 2,000-line query is cheap
// in itself; what costs is allocating ~130,000 tokens, nodes and ranges per keystroke and having
// the garbage collector copy them. When the edit lies inside one sequence step or one
// parenthesized expression, only that node is lexed and parsed again; the rest of the previous
// tree is kept and its offsets after the edit are moved. Anything less certain parses the whole
// text, and a randomized test checks that both ways give the same result.
import type { Expr, Range, Step } from './ast';
import { parse, parseFragment, type ParseResult, type Token } from './parser';
import { firstAtOrAfter, tokenStart } from './sorted';
import { childrenOf, type Node } from './visit';

/** Below this size a full parse takes well under a millisecond: not worth the bookkeeping. */
const MIN_INCREMENTAL_CHARS = 20_000;

/** Where a node sits in its parent, so it can be replaced there. */
interface Slot {
  node: Step | Expr;
  parent: Node;
  /** Non-logical ancestors: an upper bound of the parser's nesting depth at the node. */
  depth: number;
  /** Where the edit may fall (see interior()). */
  inside: Range;
}

/**
 * The parse of `text`, reusing `previous` (the parse of an earlier version of the same query)
 * where the edit allows. `previous` is consumed: its tree is updated in place and becomes part of
 * the result, so the caller must not use it afterwards.
 */
export function reparse(previous: ParseResult, text: string, minChars = MIN_INCREMENTAL_CHARS): ParseResult {
  const old = previous.text;
  if (old === text) return previous;
  if (text.length < minChars) return parse(text);
  // The edit: old [start, oldEnd) became new [start, oldEnd + delta).
  const max = Math.min(old.length, text.length);
  let start = 0;
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && old.charCodeAt(old.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  const oldEnd = old.length - tail;
  const delta = text.length - old.length;

  const slot = innermostReparsable(previous, start, oldEnd);
  if (!slot) return parse(text);
  const { node, inside } = slot;
  const from = node.range.start;
  const oldTo = node.range.end;
  // Only errors the node's own parse made can be replaced: those inside it (one on its first tokens
  // may be the previous step's "missing ']'"). Errors elsewhere also carry offsets in their
  // messages and fixes.
  if (previous.errors.some((e) => e.range.start < inside.start || e.range.end > inside.end)) return parse(text);
  const fragment = parseFragment(text, from, oldTo + delta, node.kind === 'step' ? 'step' : 'paren', slot.depth);
  if (!fragment) return parse(text);

  // Each range object has one owner (the parser copies what it takes from tokens), so each is
  // moved once.
  const shift = (r: Range): void => {
    if (r.start >= oldTo) {
      r.start += delta;
      r.end += delta;
    } else if (r.end >= oldTo) {
      r.end += delta;
    }
  };

  const tokens = splice(previous.tokens, from, oldTo, fragment.tokens, tokenStart, (t) => t.range, shift);
  const comments = splice(previous.comments, from, oldTo, fragment.comments, rangeStart, (r) => r, shift);
  replaceChild(slot.parent, node, fragment.node);
  shiftTree(previous.statement, from, fragment.node, shift);
  return { text, statement: previous.statement, errors: fragment.errors, tokens, comments };
}

/**
 * The innermost step or parenthesized expression whose inside (see interior()) holds the whole
 * edit, with its parent and nesting depth.
 */
function innermostReparsable(parsed: ParseResult, editStart: number, editEnd: number): Slot | undefined {
  let node: Node = parsed.statement;
  let depth = 0;
  let found: Slot | undefined;
  for (;;) {
    const child: Node | undefined = childrenOf(node).find((c) => c.range.start < editStart && editEnd < c.range.end);
    if (!child) return found;
    if (child.kind === 'step' || child.kind === 'paren') {
      const inside = interior(parsed.tokens, child.range);
      if (inside && inside.start <= editStart && editEnd <= inside.end) found = { node: child, parent: node, depth, inside };
    }
    if (child.kind !== 'logical') depth++;
    node = child;
  }
}

/**
 * Where an edit may fall for the node to be parsed again on its own: from the end of its second
 * token to the start of its last. The parse before the node looks one token past the next: a field
 * followed by `[` and a number reads them as an index, so the step's `[` and the token after it
 * must stay as they were.
 */
function interior(tokens: readonly Token[], range: Range): Range | undefined {
  const firstIndex = firstAtOrAfter(tokens, range.start, tokenStart);
  const lastIndex = firstAtOrAfter(tokens, range.end, tokenStart) - 1;
  const last = tokens[lastIndex];
  if (last === undefined || lastIndex - firstIndex < 2 || last.range.end !== range.end) return undefined;
  return { start: tokens[firstIndex + 1].range.end, end: last.range.start };
}

const rangeStart = (r: Range): number => r.start;

/** Replaces the items in [from, to) by `inserted` (in place) and moves the ranges after them. */
function splice<T>(items: T[], from: number, to: number, inserted: T[], startOf: (item: T) => number, rangeOf: (item: T) => Range, shift: (r: Range) => void): T[] {
  const a = firstAtOrAfter(items, from, startOf);
  const b = firstAtOrAfter(items, to, startOf);
  for (let i = b; i < items.length; i++) shift(rangeOf(items[i]));
  items.splice(a, b - a, ...inserted);
  return items;
}

/** Puts `replacement` where `node` was among `parent`'s properties (directly or in an array). */
function replaceChild(parent: Node, node: Node, replacement: Node): void {
  const record = parent as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value === node) {
      record[key] = replacement;
      return;
    }
    if (Array.isArray(value)) {
      const i = value.indexOf(node);
      if (i >= 0) {
        value[i] = replacement;
        return;
      }
    }
  }
  throw new Error(`reparse: ${node.kind} not found in its ${parent.kind}`);
}

/**
 * Moves every range of the tree that ends at or after the edit: those after it by `delta`, those
 * around it at their end. Subtrees that end before the edit, and the new fragment, are skipped.
 */
function shiftTree(root: Node, editStart: number, fresh: Node, shift: (r: Range) => void): void {
  // An explicit stack: `or` chains of thousands of clauses are as deep as they are long.
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === fresh || value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (const v of value) if (v !== null && typeof v === 'object') stack.push(v);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.kind !== 'string') {
      if (typeof record.start === 'number' && typeof record.end === 'number') shift(record as unknown as Range);
      continue;
    }
    const range = record.range as Range | undefined;
    if (range && range.end <= editStart) continue;
    for (const key of Object.keys(record)) {
      const v = record[key];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}
