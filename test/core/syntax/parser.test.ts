import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, parseExpression } from '../../../server/src/core/syntax/parser';
import type { Expr, Query, Statement, Step } from '../../../server/src/core/syntax/ast';
import { fieldsOf, walk } from '../../../server/src/core/syntax/visit';
import { readQueryBlocks, readTsv } from './fixtures';

function sx(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.type === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'field':
      return (e.optional ? '?' : '') + e.name;
    case 'not':
      return `(not ${sx(e.operand)})`;
    case 'logical':
    case 'comparison':
    case 'arithmetic':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'in':
      return `(${e.negated ? 'not-' : ''}in${e.insensitive ? '~' : ''} ${[e.value, ...e.list].map(sx).join(' ')})`;
    case 'match':
      return `(${e.op}${e.insensitive && e.op !== ':' ? '~' : ''} ${[e.value, ...e.patterns].map(sx).join(' ')})`;
    case 'call':
      return `(${[e.name + (e.insensitive ? '~' : ''), ...e.args.map(sx)].join(' ')})`;
    case 'paren':
      return `(paren ${sx(e.expr)})`;
    case 'error':
      return '<error>';
  }
}
function sxStep(s: Step, head: string): string {
  const parts = [head, s.filter.category.any ? 'any' : s.filter.category.quoted ? JSON.stringify(s.filter.category.name) : s.filter.category.name, sx(s.filter.condition)];
  if (s.by.length) parts.push(`(by ${s.by.map(sx).join(' ')})`);
  if (s.runs) parts.push(`${s.runs.name}=${s.runs.value}`);
  return `(${parts.join(' ')})`;
}
function sxQuery(q: Query): string {
  if (q.kind === 'event') return sxStep({ kind: 'step', missing: false, filter: q.filter, by: [], runs: undefined, range: q.range }, 'event');
  const parts: string[] = [q.kind];
  if (q.by.length) parts.push(`(by ${q.by.map(sx).join(' ')})`);
  if (q.kind === 'sequence' && q.maxspan) parts.push(`maxspan=${q.maxspan.text}`);
  for (const s of q.steps) parts.push(sxStep(s, s.missing ? 'missing' : 'step'));
  if (q.until) parts.push(sxStep(q.until, 'until'));
  return `(${parts.join(' ')})`;
}
function sxStatement(s: Statement): string {
  return [s.query ? sxQuery(s.query) : '<none>', ...s.pipes.map((p) => `(pipe ${[p.name, ...p.args.map(sx)].join(' ')})`)].join(' ');
}
const isQuery = (t: string): boolean => /^(\w+|"[^"]*") where |^(sequence|sample|join)\b/.test(t);

for (const [input, expected] of readTsv('precedence.tsv')) {
  test(`tree of ${input}`, () => {
    if (isQuery(input)) {
      const r = parse(input);
      assert.deepEqual(r.errors, []);
      assert.equal(sxStatement(r.statement), expected);
    } else {
      const r = parseExpression(input);
      assert.deepEqual(r.errors, []);
      assert.equal(sx(r.expr), expected);
    }
  });
}

/** Every node's range lies in the text and inside its parent's range. */
function checkRanges(text: string, s: Statement): void {
  walk(s, (n, parent) => {
    assert.ok(n.range.start >= 0 && n.range.start <= n.range.end && n.range.end <= text.length, `${n.kind} range ${JSON.stringify(n.range)} outside text`);
    if (parent) assert.ok(n.range.start >= parent.range.start && n.range.end <= parent.range.end, `${n.kind} outside its parent ${parent.kind}`);
  });
}

for (const q of readQueryBlocks('valid.eql')) {
  test(`parses clean: ${q.split('\n')[0]}`, () => {
    const r = parse(q);
    assert.deepEqual(r.errors, []);
    assert.ok(r.statement.query);
    checkRanges(q, r.statement);
  });
}

test('fieldsOf lists every field in source order', () => {
  const r = parse('sequence by host.id [process where ?a.b == 1 and startsWith(c, "x")] by d | head 1');
  assert.deepEqual(
    fieldsOf(r.statement).map((f) => f.name),
    ['host.id', 'a.b', 'c', 'd'],
  );
});

// Recovery: one mistake still yields the rest of the tree and later diagnostics.
const recovery: Array<[string, string[], string[]]> = [
  // query, expected error codes in order, fields still found
  ['process where a == == 1 and b = 2', ['EQL010', 'EQL014'], ['a', 'b']],
  ['sequence [process where a == ] [file where b ==  "x" and c = 1]', ['EQL010', 'EQL014'], ['a', 'b', 'c']],
  ['process where f(a, ) and g == 1', ['EQL010'], ['a', 'g']],
  ['process where a in ("x" and b == 1', ['EQL012'], ['a', 'b']],
  ['sequence [process where true [file where x == 1]', ['EQL012'], ['x']],
  ['process where ("a" | head 5', ['EQL012'], []],
  ['process where a == "x\\q" and b == \'y\'', ['EQL003', 'EQL004'], ['a', 'b']],
];
for (const [q, codes, fields] of recovery) {
  test(`recovers: ${q}`, () => {
    const r = parse(q);
    assert.deepEqual(
      r.errors.map((d) => d.code),
      codes,
    );
    assert.deepEqual(
      fieldsOf(r.statement).map((f) => f.name),
      fields,
    );
    checkRanges(q, r.statement);
  });
}

test('deep nesting is reported, not a stack overflow', () => {
  const q = 'process where ' + '('.repeat(5000) + 'a == 1' + ')'.repeat(5000);
  const r = parse(q);
  assert.ok(r.errors.some((d) => d.code === 'EQL019'));
  const n = 'process where ' + 'not '.repeat(5000) + 'a';
  assert.ok(parse(n).errors.some((d) => d.code === 'EQL019'));
});

test('long flat chains parse without deep recursion', () => {
  const q = 'process where ' + Array.from({ length: 3000 }, (_, i) => `a${i} == ${i}`).join(' or ');
  const r = parse(q);
  assert.deepEqual(r.errors, []);
  assert.equal(fieldsOf(r.statement).length, 3000);
});

test('mis-cased and/or are reported and read as the keyword', () => {
  const r = parse('process where a == 1 AND b = 2 Or c == 3');
  assert.deepEqual(
    r.errors.map((d) => d.code),
    ['EQL010', 'EQL014', 'EQL010'],
  );
  assert.deepEqual(
    fieldsOf(r.statement).map((f) => f.name),
    ['a', 'b', 'c'],
  );
});
