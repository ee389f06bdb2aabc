// ServiceDocuments: which documents get query regions, and that each region's maps are exact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { queryTextEscaper, toServiceDocument, uriToFileName } from '../../server/src/service/embedded';
import { regionAt } from '../../server/src/service/document';

const dir = join(__dirname, '..', '..', 'test-fixtures', 'rules');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

// [uri, languageId, text, number of regions, the regions' queries start with]
const CASES: [string, string, string, number, string[]][] = [
  ['file:///w/a.eql', 'eql', 'any where true', 1, ['any where true']],
  ['untitled:Untitled-1', 'eql', '', 1, ['']],
  ['file:///w/r.toml', 'eql-rule-toml', read('aws_rds_db_instance_restored.toml'), 1, ['any where event.dataset == "aws.cloudtrail"\n']],
  ['file:///w/r.toml', 'toml', read('sequence_rule.toml'), 1, ['sequence by user.name']],
  ['file:///w/pyproject.toml', 'toml', '[project]\nname = "x"\nquery = "any where true"', 0, []],
  ['file:///w/r.toml', 'toml', read('invalid/broken.toml'), 1, ['any where event.dataset']],
  ['file:///w/r.json', 'json', read('kibana_rule.json'), 1, ['process where host.os.type == "windows" and\n  process.name : "café.exe"']],
  ['file:///w/r.ndjson', 'ndjson', read('kibana_export.ndjson'), 2, ['any where event.provider', 'sequence by host.id']],
  ['file:///w/export.ndjson', 'plaintext', read('kibana_export.ndjson'), 2, ['any where event.provider', 'sequence by host.id']],
  ['file:///w/package.json', 'json', '{"name": "x", "scripts": {"query": "eql"}}', 0, []],
  ['file:///w/kql.json', 'json', '{"type": "query", "language": "kuery", "query": "a: \\"eql\\""}', 0, []],
  ['file:///w/notes.md', 'markdown', 'any where true', 0, []],
  ['file:///w/r.test.ndjson', 'ndjson', '{"expect":"match","query":"eql","event":{}}', 0, []],
  ['file:///w/x.toml', 'toml', "[metadata]\nmaturity = 'x'\n[rule]\ntype = 'query'\nlanguage = 'kuery'\nquery = 'a: b'", 0, []],
];

describe('regions of a document', () => {
  for (const [uri, languageId, text, count, starts] of CASES) {
    test(`${languageId} ${uri}`, () => {
      const doc = toServiceDocument(uri, languageId, 1, text);
      assert.equal(doc.regions.length, count);
      doc.regions.forEach((r, i) => assert.ok(r.query.startsWith(starts[i]), `${JSON.stringify(r.query.slice(0, 60))} starts with ${JSON.stringify(starts[i])}`));
    });
  }
});

describe('region maps are exact and regionAt finds them', () => {
  for (const [uri, languageId, text] of CASES) {
    test(`${languageId} ${uri}`, () => {
      const doc = toServiceDocument(uri, languageId, 1, text);
      for (const r of doc.regions) {
        assert.equal(r.toHost(0), r.hostRange.start);
        assert.equal(r.toHost(r.query.length), r.hostRange.end);
        for (let q = 0; q <= r.query.length; q++) {
          const h = r.toHost(q);
          assert.equal(r.toQuery(h), q);
          assert.equal(regionAt(doc, h), r);
          // Where the host has the character verbatim, it is the query's character.
          if (q < r.query.length && text[h] !== '\\') assert.equal(text[h], r.query[q]);
        }
      }
    });
  }
});

// [uri, languageId, fixture, expected rule context]
const CONTEXT_CASES: [string, string, string, object][] = [
  ['file:///w/r.toml', 'eql-rule-toml', 'aws_rds_db_instance_restored.toml', { name: 'AWS RDS DB Instance Restored', indices: ['filebeat-*', 'logs-aws.cloudtrail-*'], integrations: ['aws'], timestampField: 'event.ingested', eventCategoryField: undefined, tiebreakerField: undefined, lookBack: 'now-60m' }],
  ['file:///w/r.json', 'json', 'kibana_rule.json', { name: 'Fixture: Cafe Binary From Users Folder', indices: ['logs-endpoint.events.process-*'], integrations: [], timestampField: undefined, eventCategoryField: undefined, tiebreakerField: undefined, lookBack: 'now-9m' }],
];

describe('rule context of a region', () => {
  for (const [uri, languageId, fixture, expected] of CONTEXT_CASES) {
    test(fixture, () => assert.deepEqual(toServiceDocument(uri, languageId, 1, read(fixture)).regions[0].rule, expected));
  }
  test('a plain .eql file has none', () => assert.equal(toServiceDocument('file:///a.eql', 'eql', 1, 'any where true').regions[0].rule, undefined));
});

// [uri, file name]
const URI_CASES: [string, string][] = [
  ['file:///w/rules/a%20b.toml', '/w/rules/a b.toml'],
  ['file:///w/r.toml', '/w/r.toml'],
  ['untitled:Untitled-1', 'untitled:Untitled-1'],
];

describe('file names of uris', () => {
  for (const [uri, name] of URI_CASES) test(uri, () => assert.equal(uriToFileName(uri), name));
});

// [uri, languageId, host text, text to insert into the query, how it is written in the host]
const ESCAPE_CASES: [string, string, string, string, string][] = [
  ['file:///a.eql', 'eql', 'any where true', 'a "b" \\ c', 'a "b" \\ c'],
  ['file:///r.toml', 'toml', "[rule]\nlanguage = 'eql'\nquery = '''any where true'''", 'a "b" \\ c', 'a "b" \\ c'],
  ['file:///r.toml', 'toml', '[rule]\nlanguage = "eql"\nquery = """any where true"""', 'a "b" \\ c\nd', 'a \\"b\\" \\\\ c\nd'],
  ['file:///r.toml', 'toml', '[rule]\nlanguage = "eql"\nquery = "any where true"', 'a\tb\nc', 'a\\tb\\nc'],
  ['file:///r.json', 'json', '{"language": "eql", "query": "any where true"}', 'a "b" \\ c\n', 'a \\"b\\" \\\\ c\\n'],
];

describe('text written into the query literal is escaped for it', () => {
  for (const [uri, languageId, text, insert, expected] of ESCAPE_CASES) {
    test(`${uri}: ${JSON.stringify(insert)}`, () => {
      const doc = toServiceDocument(uri, languageId, 1, text);
      const escape = queryTextEscaper(doc, doc.regions[0]);
      assert.equal(escape(insert), expected);
      // Written into the host at the query's start, it reads back as the inserted text.
      const at = doc.regions[0].hostRange.start;
      const edited = toServiceDocument(uri, languageId, 2, text.slice(0, at) + escape(insert) + text.slice(at));
      assert.equal(edited.regions[0].query, insert + doc.regions[0].query);
    });
  }
});

