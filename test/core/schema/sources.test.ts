// Schema sources: user files in every supported format, detection-rules schema files, samples.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtures, registry } from './fixtures';
import {
  catalogFromDetectionRulesEcs,
  catalogFromSamples,
  catalogFromSchemaFile,
  catalogsFromIntegrationSchemas,
  catalogsFromNonEcsSchema,
} from '../../../server/src/core/schema/sources';
import { createSchemaSet } from '../../../server/src/core/schema/schemaSet';

const read = (name: string) => readFileSync(join(fixtures, 'schemas', name), 'utf8');

describe('user schema files', () => {
  const cases: [string, [string, string][], string[]][] = [
    // file, [field, type] that must be there, fields that must not
    ['fields.yml', [['acme.audit.request.path', 'keyword'], ['acme.audit.request.path.text', 'match_only_text'], ['acme.audit.request.bytes', 'long'], ['acme.audit.tenant', 'keyword'], ['acme.audit.labels', 'object'], ['acme.audit.settings.mode', 'keyword'], ['source.ip', '']], ['acme.audit', 'acme.audit.request']],
    ['flat.yml', [['acme.session.id', 'keyword'], ['acme.session.state', 'keyword'], ['acme.session.started', 'date']], []],
    ['flat.json', [['acme.flat.one', 'keyword'], ['acme.flat.count', 'long'], ['acme.flat.addr', 'ip']], []],
    ['mapping.json', [['@timestamp', 'date'], ['host.name', 'keyword'], ['host.name.text', 'text'], ['host.ip', 'ip'], ['hostname', 'keyword'], ['items', 'nested'], ['items.sku', 'keyword'], ['payload', 'flattened'], ['message', 'text']], ['host']],
  ];
  for (const [file, has, not] of cases) {
    test(file, () => {
      const r = catalogFromSchemaFile(read(file), `/ws/${file}`);
      assert.deepEqual(r.errors, []);
      assert.equal(r.catalogs.length, 1);
      const fields = r.catalogs[0].fields;
      for (const [name, type] of has) assert.equal(fields.get(name)?.type, type, name);
      for (const name of not) assert.equal(fields.has(name), false, name);
    });
  }
  test('descriptions, examples and allowed values are kept', () => {
    const y = catalogFromSchemaFile(read('fields.yml'), 'fields.yml').catalogs[0].fields;
    assert.equal(y.get('acme.audit.request.path')?.description, 'Path of the request.');
    assert.equal(y.get('acme.audit.request.path')?.example, '/login');
    assert.equal(y.get('acme.audit.tenant')?.description, 'Tenant id: the customer');
    const f = catalogFromSchemaFile(read('flat.yml'), 'flat.yml').catalogs[0].fields;
    assert.deepEqual(f.get('acme.session.state')?.allowedValues?.map((v) => v.value), ['open', 'closed']);
  });
  test('an `external: ecs` field takes its type from ECS in a SchemaSet', () => {
    const user = catalogFromSchemaFile(read('fields.yml'), 'fields.yml').catalogs[0];
    const reg = registry();
    const set = createSchemaSet([user, reg.ecsCatalog()!], 'test');
    assert.equal(set.lookup('source.ip')?.type, 'ip');
  });
  const broken: [string, number][] = [
    ['broken.json', 2],
    ['broken.yml', 3],
  ];
  for (const [file, line] of broken) {
    test(`${file}: error with its line, no exception`, () => {
      const r = catalogFromSchemaFile(read(file), file);
      assert.ok(r.errors.length >= 1);
      assert.equal(r.errors[0].file, file);
      assert.equal(r.errors[0].line, line);
    });
  }
  test('unrecognised content', () => {
    const r = catalogFromSchemaFile('"just a string"', 'x.json');
    assert.equal(r.catalogs.length, 0);
    assert.match(r.errors[0].message, /unrecognised/);
  });
});

describe('detection-rules schema files', () => {
  const ecsCases: [string, [string, string][]][] = [
    ['ecs_schemas/8.99.0/ecs_nested.json', [['acmeset.id', 'keyword'], ['acmeset.size', 'long']]],
    ['ecs_schemas/8.99.0/ecs_flat.json', [['acmeset.id', 'keyword'], ['acmeset.id.text', 'match_only_text']]],
  ];
  for (const [file, has] of ecsCases) {
    test(file, () => {
      const r = catalogFromDetectionRulesEcs(read(file), `/repo/detection_rules/etc/${file}`);
      assert.deepEqual(r.errors, []);
      assert.equal(r.catalogs[0].label, 'detection-rules ECS 8.99.0');
      for (const [name, type] of has) assert.equal(r.catalogs[0].fields.get(name)?.type, type, name);
    });
  }
  test('non-ECS fields apply to their index pattern only', () => {
    const { catalogs } = catalogsFromNonEcsSchema(read('non-ecs-schema.json'), 'non-ecs-schema.json');
    const reg = registry();
    reg.setExtra(catalogs);
    const endpoint = reg.schemasFor({ indices: ['logs-endpoint.events.process-*'], integrations: [] });
    assert.equal(endpoint.lookup('file.Ext.header_bytes')?.type, 'keyword');
    assert.equal(endpoint.lookup('winlog.event_data.TargetUserName'), undefined);
    const win = reg.schemasFor({ indices: ['winlogbeat-*'], integrations: [] });
    assert.equal(win.lookup('winlog.event_data.TargetUserName')?.type, 'keyword');
    assert.equal(reg.schemasFor().lookup('file.Ext.header_bytes'), undefined);
  });
  test('integration schemas: newest version per package, selected by integration or index', () => {
    const { catalogs } = catalogsFromIntegrationSchemas(read('integration-schemas.json'), 'integration-schemas.json');
    assert.equal(catalogs.length, 1);
    const fields = catalogs[0].fields;
    assert.equal(fields.get('acme.audit.bytes')?.type, 'long');
    assert.equal(fields.has('acme.access.path'), true);
    assert.equal(fields.has('acme.audit.old_field'), false);
    const reg = registry();
    reg.setExtra(catalogs);
    assert.equal(reg.schemasFor({ indices: [], integrations: ['acme'] }).lookup('acme.audit.user')?.type, 'keyword');
    assert.equal(reg.schemasFor({ indices: ['logs-acme.audit-*'], integrations: [] }).lookup('acme.audit.user')?.type, 'keyword');
    assert.equal(reg.schemasFor({ indices: ['logs-other-*'], integrations: [] }).lookup('acme.audit.user'), undefined);
  });
});

describe('samples catalog', () => {
  const events = [
    { doc: { event: { action: 'CreateUser', provider: 'iam.amazonaws.com' }, source: { ip: '10.0.0.1' }, n: 3, tags: ['a', 'b'], '@timestamp': '2024-01-01T00:00:00Z' } },
    { doc: { event: { action: 'DeleteUser', outcome: 'success' }, 'flat.key': true, f: 1.5 } },
    { doc: { event: { action: 'CreateUser' } } },
  ];
  const c = catalogFromSamples(events, 5);
  const cases: [string, string, number, string[]][] = [
    ['event.action', 'keyword', 3, ['CreateUser', 'DeleteUser']],
    ['event.outcome', 'keyword', 1, ['success']],
    ['source.ip', 'ip', 1, ['10.0.0.1']],
    ['n', 'long', 1, ['3']],
    ['f', 'double', 1, ['1.5']],
    ['flat.key', 'boolean', 1, ['true']],
    ['tags', 'keyword', 1, ['a', 'b']],
    ['@timestamp', 'date', 1, ['2024-01-01T00:00:00Z']],
  ];
  for (const [name, type, seenIn, observed] of cases) {
    test(name, () => {
      const f = c.fields.get(name);
      assert.equal(f?.type, type);
      assert.equal(f?.seenIn, seenIn);
      assert.deepEqual(f?.observed, observed);
    });
  }
  test('arrays are flagged; objects are not fields; label counts events', () => {
    assert.equal(c.fields.get('tags')?.array, true);
    assert.equal(c.fields.has('event'), false);
    assert.equal(c.label, 'fields of 3 sample events');
  });
  test('value list is capped', () => {
    const many = catalogFromSamples(Array.from({ length: 50 }, (_, i) => ({ doc: { x: `v${i}` } })), 4);
    assert.equal(many.fields.get('x')?.observed?.length, 4);
    assert.equal(many.fields.get('x')?.seenIn, 50);
  });
});
