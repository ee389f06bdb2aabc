// Embedded EQL and Markdown: scoped inside their host strings / fences, and nothing leaks past the closing quotes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureDir, loadGrammar, tokenize, type TokenizedLine } from './textmate';

const isEqlScope = (s: string) => s === 'source.eql' || s.endsWith('.eql');
const isMarkdownScope = (s: string) => s === 'meta.embedded.markdown' || s.endsWith('.markdown');

/** Line indexes of every `<key> = '''` (or """) block: the opening line and the closing-quotes line. */
function blocks(lines: TokenizedLine[], key: string): { open: number; close: number }[] {
  const out: { open: number; close: number }[] = [];
  lines.forEach((l, open) => {
    const m = new RegExp(`^(?:${key})\\s*=\\s*('''|""")`).exec(l.text);
    if (!m) return;
    const sameLine = l.text.indexOf(m[1], m[0].length) >= 0;
    const close = sameLine ? open : lines.findIndex((c, i) => i > open && c.text.includes(m[1]));
    assert.ok(close >= open, `${key} block on line ${open + 1} not closed`);
    out.push({ open, close });
  });
  assert.ok(out.length > 0, `no ${key} block`);
  return out;
}

/** Scopes of every token outside the embedded blocks; on their first and last lines only the key, '=' and the quotes count. */
function scopesOutside(lines: TokenizedLine[], inside: { open: number; close: number }[]): string[] {
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (inside.some((b) => i > b.open && i < b.close)) return;
    const edge = inside.some((b) => i === b.open || i === b.close);
    for (const t of l.tokens) {
      if (edge && !/^\s*(query|note|setup|=|'''|""")?\s*$/.test(t.text)) continue;
      out.push(...t.scopes);
    }
  });
  return out;
}

/** [fixture, host grammar, embedded key, what is embedded]. */
type LeakCase = [fixture: string, rootScope: string, key: string, embedded: 'eql' | 'markdown'];

const leakCases: LeakCase[] = [
  ['rds_restored_rule.toml', 'source.eql-rule-toml', 'query', 'eql'],
  ['rds_restored_rule.toml', 'source.toml', 'query', 'eql'],
  ['rds_restored_rule.toml', 'source.eql-rule-toml', 'note', 'markdown'],
  ['toml-values.toml', 'source.eql-rule-toml', 'query', 'eql'],
  ['toml-values.toml', 'source.toml', 'query', 'eql'],
  ['toml-values.toml', 'source.eql-rule-toml', 'note', 'markdown'],
];

describe('embedded regions do not leak', () => {
  for (const [fixture, rootScope, key, embedded] of leakCases) {
    test(`${fixture} ${rootScope}: ${key}`, async () => {
      const lines = tokenize(await loadGrammar(rootScope), readFileSync(join(fixtureDir, fixture), 'utf8'));
      const isEmbedded = embedded === 'eql' ? isEqlScope : isMarkdownScope;
      const found = blocks(lines, key);
      const allEmbedded = blocks(lines, 'query|note|setup');
      assert.deepEqual(scopesOutside(lines, allEmbedded).filter(isEmbedded), [], 'embedded scopes outside the blocks');
      for (const { open, close } of found) {
        for (let i = open + 1; i < close; i++) {
          for (const t of lines[i].tokens) {
            if (t.text.trim() === '') continue;
            assert.ok(t.scopes.includes(`meta.embedded.${embedded}`), `line ${i + 1} "${t.text}" is not embedded: ${t.scopes.join(' ')}`);
          }
        }
        const closing = lines[close].tokens.filter((t) => /'''|"""/.test(t.text)).pop()!;
        assert.ok(closing.scopes.some((s) => s.startsWith('punctuation.definition.string.end')), `closing quotes: ${closing.scopes.join(' ')}`);
        // The next line is plain TOML again: TOML scopes, nothing embedded.
        const next = lines.slice(close + 1).find((l) => l.text.trim() !== '')!;
        const nextScopes = next.tokens.flatMap((t) => t.scopes);
        assert.ok(nextScopes.some((s) => s.endsWith('.toml')), `line after the block: ${JSON.stringify(next.tokens)}`);
        assert.deepEqual(nextScopes.filter((s) => isEqlScope(s) || isMarkdownScope(s)), []);
      }
    });
  }

  // An unfinished query (open bracket, paren, call, comment, string) must still end at the closing quotes.
  const unfinished = [
    '[process where (a == "x" or f(b /* open',
    'process where a == "open string',
    "process where a == 'single",
    'process where `open field',
    '![file where a in ("x",',
    'process where a == """raw',
  ];
  for (const query of unfinished) {
    for (const rootScope of ['source.eql-rule-toml', 'source.toml']) {
      test(`unfinished query ${JSON.stringify(query)} (${rootScope})`, async () => {
        const text = `[rule]\nquery = '''\n${query}\n'''\n[[rule.threat]]\nframework = "MITRE ATT&CK"\n`;
        const lines = tokenize(await loadGrammar(rootScope), text);
        assert.ok(lines[2].tokens.every((t) => t.scopes.includes('meta.embedded.eql')), 'query line is EQL');
        for (const i of [0, 3, 4, 5]) {
          const leaked = lines[i].tokens.flatMap((t) => t.scopes).filter(isEqlScope);
          assert.deepEqual(leaked, [], `line ${i + 1} ${JSON.stringify(lines[i].text)}`);
        }
        assert.ok(lines[4].tokens.some((t) => t.scopes.some((s) => s.includes('table'))), 'table header after the query');
      });
    }
  }

  test('closing quotes at the end of the last query line', async () => {
    const text = `query = '''process where a == "x"'''\nname = "n"\n`;
    for (const rootScope of ['source.eql-rule-toml', 'source.toml']) {
      const lines = tokenize(await loadGrammar(rootScope), text);
      const x = lines[0].tokens.find((t) => t.text === 'x')!;
      assert.ok(x.scopes.includes('string.quoted.double.eql'), x.scopes.join(' '));
      assert.deepEqual(lines[1].tokens.flatMap((t) => t.scopes).filter(isEqlScope), [], rootScope);
    }
  });

  test('other multi-line strings are not EQL', async () => {
    const lines = tokenize(await loadGrammar('source.eql-rule-toml'), `description = '''\nprocess where true\n'''\n`);
    assert.deepEqual(lines[1].tokens.flatMap((t) => t.scopes).filter(isEqlScope), []);
    assert.ok(lines[1].tokens[0].scopes.includes('string.quoted.triple.literal.block.toml'));
  });
});

describe('Markdown', () => {
  /** [markdown text, token, expected scope substring, absent scope substring]. */
  const cases: [string, string, string, string?][] = [
    ['```eql\nprocess where true\n```\n', 'process', 'meta.embedded.block.eql'],
    ['```eql\nprocess where true\n```\n', 'where', 'keyword.control.eql'],
    ['```EQL\nany where true\n```\n', 'any', 'keyword.control.eql'],
    ['~~~eql\nany where true\n~~~\n', 'true', 'constant.language.boolean.eql'],
    ['```sql\nany where true\n```\n', 'any where true', 'markup.fenced_code.block.markdown', '.eql'],
    ['any where true\n', 'any where true', '', '.eql'],
  ];
  for (const [text, token, expected, absent] of cases) {
    test(`${JSON.stringify(text)} ${token}`, async () => {
      const tokens = tokenize(await loadGrammar('text.html.markdown'), text).flatMap((l) => l.tokens);
      const found = tokens.find((t) => t.text === token);
      assert.ok(found, `no token "${token}" in ${JSON.stringify(tokens.map((t) => t.text))}`);
      assert.ok(found.scopes.join(' ').includes(expected), found.scopes.join(' '));
      if (absent) assert.ok(!found.scopes.join(' ').includes(absent), found.scopes.join(' '));
    });
  }

  test('the line after the closing fence is Markdown again', async () => {
    const lines = tokenize(await loadGrammar('text.html.markdown'), '```eql\n[a where (b\n```\n# Heading\n');
    assert.deepEqual(lines[3].tokens.flatMap((t) => t.scopes).filter(isEqlScope), []);
    assert.ok(lines[3].tokens.some((t) => t.scopes.includes('markup.heading.markdown')));
  });

  test('an eql fence inside a rule note is EQL', async () => {
    const lines = tokenize(await loadGrammar('source.eql-rule-toml'), 'note = """\n```eql\nany where true\n```\n"""\nx = 1\n');
    assert.ok(lines[2].tokens[0].scopes.includes('meta.embedded.block.eql'), lines[2].tokens[0].scopes.join(' '));
    assert.ok(lines[2].tokens[0].scopes.includes('meta.embedded.markdown'));
    assert.deepEqual(lines[5].tokens.flatMap((t) => t.scopes).filter((s) => isEqlScope(s) || isMarkdownScope(s)), []);
  });
});
