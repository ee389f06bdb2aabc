// Semantic tokens: fields (unknown ones marked), functions (unknown ones marked), event
// categories — in host positions, also inside a rule TOML.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SEMANTIC_TOKENS_LEGEND } from '../../server/src/service/semanticTokens';
import { docOf, fixture, languageService } from './languageServiceHelpers';

function decode(text: string, languageId = 'eql'): string[] {
  const { data } = languageService().semanticTokens(docOf(text, languageId));
  const out: string[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dl, dc, len, type, mods] = data.slice(i, i + 5);
    line += dl;
    char = dl === 0 ? char + dc : dc;
    const names = SEMANTIC_TOKENS_LEGEND.tokenModifiers.filter((_, b) => mods & (1 << b));
    out.push(`${line}:${char} ${len} ${SEMANTIC_TOKENS_LEGEND.tokenTypes[type]}${names.map((m) => `.${m}`).join('')}`);
  }
  return out;
}

describe('semantic tokens', () => {
  // [query, tokens as line:char length type.modifiers]
  const cases: [string, string[]][] = [
    ['process where process.name == "x"', ['0:0 7 enumMember', '0:14 12 property']],
    ['any where event.nope == 1', ['0:10 10 property.unknown']],
    ['any where ?event.nope == 1', ['0:10 11 property.unknown.optional']],
    ['any where length(user.name) > 1 and frob(1)', ['0:10 6 function.defaultLibrary', '0:17 9 property', '0:36 4 function.unknown']],
    ['sequence by user.name\n  [any where true]\n  [network where destination.port == 22]', ['0:12 9 property', '2:3 7 enumMember', '2:17 16 property']],
  ];
  for (const [query, expected] of cases) it(JSON.stringify(query), () => assert.deepEqual(decode(query), expected));

  it('inside the rule TOML, at the query lines', () => {
    const seed = fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml');
    const first = seed.split('\n').findIndex((l) => l.startsWith('any where'));
    assert.deepEqual(decode(seed, 'toml'), [`${first}:10 13 property`, `${first + 1}:4 14 property`, `${first + 2}:4 12 property`, `${first + 3}:4 13 property`]);
  });
});
