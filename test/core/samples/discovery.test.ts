import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isGzip, isLikelySampleFile } from '../../../server/src/core/samples/discovery';

const cases: [string, boolean][] = [
  ['samples/cloudtrail/123_CloudTrail_us-east-1.json.gz', true],
  ['events/export.ndjson', true],
  ['logs/trail.log', true],
  ['package.json', false],
  ['.vscode/settings.json', false],
  ['samples/cloudtrail-expected.json', false],
  ['expected/out.json', false],
  ['rules/aws_rds_db_instance_restored.test.ndjson', false],
  ['tests/aws_rds.test.ndjson', false],
  ['rules/kibana_export.ndjson', false],
  ['exports/my.rule.json', false],
];
for (const [path, expected] of cases) test(`${path} is ${expected ? '' : 'not '}a sample`, () => assert.equal(isLikelySampleFile(path), expected));

test('isGzip: a file is gzipped when its first two bytes are the gzip magic, whatever its name', () => {
  const cases: [number[], boolean][] = [
    [[0x1f, 0x8b, 0x08], true],
    [[0x1f, 0x8b], true],
    [[0x1f], false],
    [[], false],
    [[0x8b, 0x1f], false],
    [[0x7b, 0x22], false], // `{"`
  ];
  for (const [bytes, gz] of cases) assert.equal(isGzip(Uint8Array.from(bytes)), gz, JSON.stringify(bytes));
});
