// Node loading of catalogs: a detection-rules checkout's schema files (newest ECS version, gzip),
// user schema files with relative paths, unreadable files as errors, lazy extra catalogs.
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtures, registry } from './fixtures';
import { findDetectionRulesSchemaFiles, loadSchemaFiles, loadWorkspaceCatalogs } from '../../../server/src/io/catalogData';

const schemas = join(fixtures, 'schemas');
const checkout = join(schemas, 'dr-checkout');

test('finds the newest ECS version and the gzipped integration schemas', () => {
  const f = findDetectionRulesSchemaFiles(checkout);
  assert.match(f.ecs ?? '', /8\.10\.0[/\\]ecs_flat\.json$/);
  assert.match(f.integrations ?? '', /integration-schemas\.json\.gz$/);
  assert.match(f.nonEcs ?? '', /non-ecs-schema\.json$/);
  assert.deepEqual(findDetectionRulesSchemaFiles(schemas), {});
});

test('workspace catalogs feed the registry', () => {
  const loaded = loadWorkspaceCatalogs(checkout, ['../flat.json']);
  assert.deepEqual(loaded.errors, []);
  assert.equal(loaded.files.length, 4);
  const reg = registry();
  reg.setExtra(() => loaded.catalogs);
  assert.equal(reg.schemasFor({ indices: [], integrations: ['acme'] }).lookup('acme.audit.user')?.type, 'keyword');
  assert.equal(reg.schemasFor({ indices: ['logs-endpoint.events.file-*'], integrations: [] }).lookup('file.Ext.header_bytes')?.type, 'keyword');
  assert.equal(reg.schemasFor().lookup('acmeset.id.text')?.type, 'match_only_text');
  assert.equal(reg.schemasFor().lookup('oldset.id'), undefined);
  assert.equal(reg.schemasFor().lookup('acme.flat.count')?.type, 'long');
});

test('missing and broken files are errors with their file, not exceptions', () => {
  const r = loadSchemaFiles(['nope.yml', 'broken.json'], schemas);
  assert.equal(r.catalogs.length, 0);
  assert.deepEqual(r.errors.map((e) => [e.file.split(/[/\\]/).pop(), e.line]), [['nope.yml', 1], ['broken.json', 2]]);
  assert.match(r.errors[0].message, /cannot read/);
});

test('a failing lazy loader leaves the built-in catalogs', () => {
  const reg = registry();
  reg.setExtra(() => {
    throw new Error('disk on fire');
  });
  assert.equal(reg.schemasFor().lookup('event.action')?.type, 'keyword');
});
