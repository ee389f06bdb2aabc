// JSON with positions (core/jsonText.ts, over jsonc-parser in strict mode): where a text is wrong
// and why, the tree's ranges, and agreement with JSON.parse on what is valid.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonSyntaxError, parseJson, plain } from '../../server/src/core/jsonText';
import { prng } from '../../scripts/lib/prng';

describe('jsonSyntaxError', () => {
  // [text, offset of the first error (-1: valid), message pattern]
  const cases: [string, number, RegExp?][] = [
    ['{"a": 1}', -1],
    ['[1, 2, {"b": [null, true, false, "x\\u0041"]}]', -1],
    ['{"a":tru}', 5, /unexpected character/],
    ['{"a":01}', 6, /expected ','/],
    ['{"a":1,}', 7, /property name/],
    ['[1,]', 3, /expected a value/],
    ['{"a" 1}', 5, /expected ':'/],
    ['{"a":"abc', 5, /unterminated string/],
    ['{"a":"x\\qy"}', 5, /bad escape/],
    ['{"a":"\\u12G4"}', 5, /bad \\u escape/],
    ['{"a":"tab\there"}', 5, /control character/],
    ['{"a":1} x', 8, /after the JSON value/],
    ['{"a":1 // c\n}', 7, /comments/],
    ['{"Records":[{"a":1},{"a":2', 26, /unexpected end of input/],
    ['', 0, /unexpected end of input|expected a value/],
    ['NaN', 0, /unexpected character/],
  ];
  for (const [text, offset, message] of cases) {
    it(`${JSON.stringify(text)} -> ${offset}`, () => {
      const e = jsonSyntaxError(text);
      if (offset < 0) return assert.equal(e, undefined);
      assert.ok(e, 'an error');
      assert.equal(e.offset, offset, e.message);
      if (message) assert.match(e.message, message);
    });
  }

  it('agrees with JSON.parse on valid / invalid for random mutations of JSON texts', () => {
    const rnd = prng(14);
    const seeds = ['{"a":[1,2.5e3,-0.1],"b":{"c":"x\\n\\"y","d":null,"e":true}}', '[{"k":"v"},[],{},"\\u00e9",0]'];
    const alphabet = '{}[]:,"\\ -0123456789.eE+truefalsnu\t\n';
    for (let n = 0; n < 3000; n++) {
      let t = seeds[n % seeds.length];
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
        const at = Math.floor(rnd() * (t.length + 1));
        const r = rnd();
        const ch = alphabet[Math.floor(rnd() * alphabet.length)];
        t = r < 0.4 ? t.slice(0, at) + t.slice(at + 1) : r < 0.8 ? t.slice(0, at) + ch + t.slice(at) : t.slice(0, at) + ch + t.slice(at + 1);
      }
      let valid = true;
      try {
        JSON.parse(t);
      } catch {
        valid = false;
      }
      assert.equal(jsonSyntaxError(t) === undefined, valid, JSON.stringify(t));
    }
  });
});

describe('parseJson', () => {
  it('ranges of keys and values, offsets from start', () => {
    const text = 'xx{"q": "a\\"b", "n": [1]}yy';
    const r = parseJson(text, 2, text.length - 2);
    assert.equal(r.error, undefined);
    assert.equal(r.end, text.length - 2);
    assert.ok(r.node?.kind === 'object');
    const [q, n] = r.node.props;
    assert.equal(text.slice(q.keyRange.start, q.keyRange.end), '"q"');
    assert.equal(text.slice(q.value.range.start, q.value.range.end), '"a\\"b"');
    assert.deepEqual(plain(r.node), { q: 'a"b', n: [1] });
    assert.equal(text.slice(n.value.range.start, n.value.range.end), '[1]');
  });

  it('text after a complete value: the value and an error at the text; allowTrailing: no error', () => {
    const r = parseJson('{"a":1}\n{"a":2}');
    assert.deepEqual(r.node && plain(r.node), { a: 1 });
    assert.equal(r.error?.offset, 8);
    assert.equal(r.end, 7);
    assert.equal(parseJson('{"a":1} {', 0, 9, true).error, undefined);
  });

  it('an incomplete value gives no tree', () => assert.equal(parseJson('{"a":1,}').node, undefined));

  it('a "__proto__" key is data', () => {
    const v = plain(parseJson('{"__proto__": {"x": 1}}').node!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  it('absurd nesting is an error, not an exception', () => {
    for (const depth of [600, 100_000]) assert.match(parseJson('['.repeat(depth) + ']'.repeat(depth)).error?.message ?? '', /nesting too deep/);
  });
});
