// Snapshot tests of every grammar fixture, plus explicit checks of the tokens that are easy to get wrong.
// UPDATE_SNAPSHOTS=1 node scripts/run-tests.mjs grammar   rewrites the .snap files next to the fixtures.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureDir, loadGrammar, renderSnapshot, repoRoot, tokenize } from './textmate';

/** Which grammar(s) tokenize a fixture, by extension; the second TOML view is a TOML extension's grammar + our injection. */
function snapshotsFor(file: string): { rootScope: string; snap: string }[] {
  if (file.endsWith('.eql')) return [{ rootScope: 'source.eql', snap: `${file}.snap` }];
  if (file.endsWith('.md')) return [{ rootScope: 'text.html.markdown', snap: `${file}.snap` }];
  if (file.endsWith('.toml')) {
    return [
      { rootScope: 'source.eql-rule-toml', snap: `${file}.snap` },
      { rootScope: 'source.toml', snap: `${file}.injected.snap` },
    ];
  }
  return [];
}

describe('package.json grammar contributions', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const languages = new Set((manifest.contributes.languages as { id: string }[]).map((l) => l.id));
  for (const c of manifest.contributes.grammars as { scopeName: string; path: string; language?: string; injectTo?: string[] }[]) {
    test(`${c.path} declares ${c.scopeName}`, () => {
      const raw = JSON.parse(readFileSync(join(repoRoot, c.path), 'utf8'));
      assert.equal(raw.scopeName, c.scopeName);
      if (c.language) assert.ok(languages.has(c.language), `language ${c.language} is not contributed`);
      if (c.injectTo) assert.match(raw.injectionSelector ?? '', new RegExp(`\\b${c.injectTo[0].replace(/\./g, '\\.')}\\b`));
    });
  }
});

describe('grammar snapshots', () => {
  const fixtures = readdirSync(fixtureDir).filter((f) => snapshotsFor(f).length > 0);
  test('there are fixtures for every grammar', () => {
    for (const ext of ['.eql', '.md', '.toml']) assert.ok(fixtures.some((f) => f.endsWith(ext)), `no ${ext} fixture`);
  });
  for (const file of fixtures) {
    for (const { rootScope, snap } of snapshotsFor(file)) {
      test(`${snap} (${rootScope})`, async () => {
        const grammar = await loadGrammar(rootScope);
        const actual = renderSnapshot(tokenize(grammar, readFileSync(join(fixtureDir, file), 'utf8')), rootScope);
        const snapPath = join(fixtureDir, snap);
        if (process.env.UPDATE_SNAPSHOTS === '1') {
          writeFileSync(snapPath, actual);
          return;
        }
        assert.ok(existsSync(snapPath), `missing snapshot ${snap}: run with UPDATE_SNAPSHOTS=1`);
        assert.equal(actual, readFileSync(snapPath, 'utf8'), `${snap} differs: review, then UPDATE_SNAPSHOTS=1`);
      });
    }
  }
});

/**
 * [input, token text, scope the token must carry (substring of its scope list), scope it must not carry].
 * The token is the first one whose text is exactly `token`.
 */
type Case = [input: string, token: string, expected: string, absent?: string];

const cases: Case[] = [
  // strings and escapes
  ['x == "a\\"b"', '\\"', 'constant.character.escape.eql'],
  ['x == "a\\"b"', 'b', 'string.quoted.double.eql'],
  ['x == "a\\"b" and y', 'and', 'keyword.operator.expression.logical.eql', 'string'],
  ['x == """c:\\path"""', 'c:\\path', 'string.quoted.triple.raw.eql', 'escape'],
  ['x == """a""""', 'a"', 'string.quoted.triple.raw.eql'],
  ['x == "\\q"', '\\q', 'invalid.illegal.escape.eql'],
  ['x == "\\u{1F600}"', '\\u{1F600}', 'constant.character.escape.eql'],
  ['x == "\\u{1}"', '\\u{1}', 'invalid.illegal.escape.eql'],
  ['x == "\\n\\t\\r\\\\"', '\\t', 'constant.character.escape.eql'],
  ["x == 'single'", 'single', 'invalid.illegal.string.single-quoted.eql'],
  ['x == ?"raw"', 'raw', 'invalid.illegal.string.endgame-raw.eql'],
  ['x == "open', 'open', 'string.quoted.double.eql'],
  // fields
  ['`weird-field` == 1', 'weird-field', 'variable.other.field.quoted.eql'],
  ['`a``b` == 1', '``', 'constant.character.escape.eql'],
  ['?opt.field == 1', '?', 'keyword.operator.optional.eql'],
  ['?opt.field == 1', 'field', 'variable.other.field.eql'],
  ['?opt.field == 1', '.', 'punctuation.accessor.eql'],
  ['@timestamp > 0', '@timestamp', 'variable.other.field.eql'],
  ['process.sequence == 1', 'sequence', 'variable.other.field.eql', 'keyword'],
  // functions
  ['startsWith~(a, "b")', 'startsWith', 'support.function.builtin.eql'],
  ['startsWith~(a, "b")', '~', 'keyword.operator.expression.case-insensitive.eql'],
  ['startsWith~(a, "b")', '(', 'punctuation.definition.arguments.begin.eql'],
  ['cidrmatch(source.ip, "10.0.0.0/8")', 'cidrmatch', 'support.function.builtin.eql'],
  ['myFunc(1)', 'myFunc', 'entity.name.function.eql'],
  ['arrayContains(a, 1)', 'arrayContains', 'invalid.deprecated.function.eql'],
  ['f(g(1), (2))', ')', 'punctuation.definition.arguments.end.eql'],
  // query structure
  ['![file where true]', '!', 'keyword.operator.missing-event.eql'],
  ['![file where true]', '[', 'punctuation.section.brackets.begin.eql'],
  ['![file where true]', 'file', 'entity.name.type.event-category.eql'],
  ['process where true', 'process', 'entity.name.type.event-category.eql'],
  ['any where true', 'any', 'keyword.control.eql'],
  ['["my-cat" where true]', '"my-cat"', 'entity.name.type.event-category.eql'],
  ['sequence with maxspan=5m', 'maxspan', 'keyword.control.maxspan.eql'],
  ['sequence with maxspan=5m', '=', 'keyword.operator.assignment.eql'],
  ['sequence with maxspan=5m', '5', 'constant.numeric.integer.eql'],
  ['sequence with maxspan=5m', 'm', 'keyword.other.unit.eql'],
  ['sequence with maxspan = 500ms', 'ms', 'keyword.other.unit.eql'],
  ['sequence with maxspan=5x', 'x', 'invalid.illegal.unit.eql'],
  ['[a where true] with runs=3', 'runs', 'keyword.control.runs.eql'],
  ['[a where true] with runs=3', '3', 'constant.numeric.integer.eql'],
  ['sample by host.id', 'sample', 'keyword.control.eql'],
  ['until [a where true]', 'until', 'keyword.control.eql'],
  ['join by a', 'join', 'invalid.deprecated.keyword.eql'],
  ['a where descendant of [b where true]', 'of', 'invalid.deprecated.keyword.eql'],
  // pipes
  ['a where true | head 10', '|', 'keyword.operator.pipe.eql'],
  ['a where true | head 10', 'head', 'support.function.pipe.eql'],
  ['a where true | tail 5', '5', 'constant.numeric.integer.eql'],
  ['a where true | unique a', 'unique', 'invalid.deprecated.pipe.eql'],
  // operators and literals
  ['a : "b*"', ':', 'keyword.operator.comparison.eql'],
  ['a in~ ("b")', 'in~', 'keyword.operator.expression.case-insensitive.eql'],
  ['a like~ "b"', 'like~', 'keyword.operator.expression.case-insensitive.eql'],
  ['a regex~ "b"', 'regex~', 'keyword.operator.expression.case-insensitive.eql'],
  ['a not in ("b")', 'in', 'keyword.operator.expression.eql'],
  ['a not in ("b")', 'not', 'keyword.operator.expression.logical.eql'],
  ['a != 1', '!=', 'keyword.operator.comparison.eql'],
  ['a <= 1', '<=', 'keyword.operator.comparison.eql'],
  ['a % 2', '%', 'keyword.operator.arithmetic.eql'],
  ['a = 1', '=', 'keyword.operator.assignment.eql'],
  ['a == 1.5e3', '1.5e3', 'constant.numeric.decimal.eql'],
  ['a == .5', '.5', 'constant.numeric.decimal.eql'],
  ['a == 42', '42', 'constant.numeric.integer.eql'],
  ['a == null', 'null', 'constant.language.null.eql'],
  ['a == false', 'false', 'constant.language.boolean.eql'],
  ['a == 1 )', ')', 'invalid.illegal.stray-bracket.eql'],
  // comments
  ['a where true // note', ' note', 'comment.line.double-slash.eql'],
  ['/* a /* b */ c */ x', ' c ', 'comment.block.eql'],
  ['/* a /* b */ c */ x', 'x', 'variable.other.field.eql', 'comment'],
];

describe('EQL tokens', () => {
  for (const [input, token, expected, absent] of cases) {
    test(`${input}  ${token} -> ${expected}${absent ? ` (not ${absent})` : ''}`, async () => {
      const grammar = await loadGrammar('source.eql');
      const tokens = tokenize(grammar, input).flatMap((l) => l.tokens);
      const found = tokens.find((t) => t.text === token);
      assert.ok(found, `no token "${token}" in ${JSON.stringify(tokens.map((t) => t.text))}`);
      const scopes = found.scopes.join(' ');
      assert.ok(scopes.includes(expected), `"${token}" has ${scopes}`);
      if (absent) assert.ok(!scopes.includes(absent), `"${token}" has ${scopes}`);
    });
  }
});
