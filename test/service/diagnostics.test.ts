// The diagnostics combiner: parser, analyzer, field and rule checks per region, mapped to
// the host document's lines and columns (.eql, TOML, Kibana JSON with escapes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver-types';
import { getDiagnostics } from '../../server/src/service/diagnostics';
import { parse } from '../../server/src/core/syntax/parser';
import { docOf, fixture, languageService } from './languageServiceHelpers';

const where = (d: Diagnostic) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;

function check(text: string, languageId: string, expected: string[]): void {
  const got = languageService().diagnostics(docOf(text, languageId)).map(where);
  assert.deepEqual(got, expected);
}

describe('diagnostics mapped to the host', () => {
  // [language, text, code@start-end (1-based, end exclusive)]
  const cases: [string, string, string[]][] = [
    ['eql', 'any where event.action == "x"', []],
    // a new, empty .eql file: nothing to report yet
    ['eql', '', []],
    ['eql', '\n  // a rule comes here\n', []],
    ['eql', 'any where event.action = "x"', ['EQL014@1:24-1:25']],
    ['eql', 'any where\n  event.actoin == "x"', ['EQL201@2:3-2:15']],
    ['eql', 'sequence [any where true]', ['EQL120@1:1-1:9']],
    ['toml', fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml'), []],
    ['toml', fixture('test-fixtures/rules/aws_rds_db_instance_restored.toml').replace('and event.outcome == "success"', 'and event.outcome = "success"'), ['EQL014@72:19-72:20']],
    ['json', '{"type": "eql", "language": "eql", "query": "any where \\"a\\" == user.nme"}', []],
  ];
  for (const [languageId, text, expected] of cases) {
    it(`${languageId}: ${JSON.stringify(text.length > 70 ? text.slice(0, 70) + '…' : text)}`, () => {
      const got = languageService().diagnostics(docOf(text, languageId)).filter((d) => !String(d.code).startsWith('RULE')).map(where);
      if (languageId === 'json') {
        // Through the escapes: `user.nme` sits at its place in the JSON string.
        const d = got.find((x) => x.startsWith('EQL201'));
        const col = text.indexOf('user.nme') + 1;
        assert.equal(d, `EQL201@1:${col}-1:${col + 8}`);
      } else assert.deepEqual(got, expected);
    });
  }

  it('quick fixes travel in Diagnostic.data, already in host positions', () => {
    const [d] = languageService().diagnostics(docOf('any where\n  user.name == \'x\''));
    assert.equal(d.code, 'EQL004');
    assert.deepEqual(d.data, { fixes: [{ title: 'Use double quotes', preferred: true, edits: [{ range: d.range, newText: '"x"' }] }] });
  });

  it('a checker that throws loses only its own diagnostics', () => {
    const doc = docOf('any where event.action = "x"');
    const errors: string[] = [];
    const got = getDiagnostics(doc, [parse(doc.regions[0].query)], {
      analyze: () => {
        throw new Error('boom');
      },
      fields: () => [],
      rule: () => [],
      onError: (name) => errors.push(name),
    });
    assert.deepEqual(got.map((d) => d.code), ['EQL014']);
    assert.deepEqual(errors, ['analyze']);
  });

  it('no diagnostics for files that are not ours', () => {
    check('[tool.poetry]\nname = "x"\n', 'toml', []);
    check('{"name": "package"}', 'json', []);
  });
});
