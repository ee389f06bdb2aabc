// Catalog contents, lookups, prefix children, "did you mean", and which catalogs a rule selects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registry } from './fixtures';
import { closestNames, editDistance } from '../../../server/src/core/schema/schemaSet';

const reg = registry();
const all = reg.schemasFor();
const cloudtrail = reg.schemasFor({ indices: ['logs-aws.cloudtrail-*'], integrations: [] });
const endpoint = reg.schemasFor({ indices: ['logs-endpoint.events.process-*'], integrations: [] });

describe('lookup', () => {
  const cases: [string, string | undefined, string?][] = [
    // name, expected type (undefined = unknown), expected source prefix
    ['event.action', 'keyword', 'AWS CloudTrail'],
    ['process.name', 'keyword', 'ECS'],
    ['process.parent.pid', 'long', 'ECS'],
    ['source.ip', 'ip', 'AWS CloudTrail'],
    ['user.name.text', 'match_only_text', 'ECS'],
    ['process.command_line.text', 'match_only_text', 'ECS'],
    ['aws.cloudtrail.user_identity.type', 'keyword', 'AWS CloudTrail'],
    ['aws.cloudtrail.request_parameters.text', 'text', 'AWS CloudTrail'],
    ['aws.cloudtrail.flattened.request_parameters', 'flattened', 'AWS CloudTrail'],
    ['aws.cloudtrail.flattened.request_parameters.dBInstanceIdentifier', 'keyword', 'AWS CloudTrail'],
    ['aws.cloudtrail.flattened.response_elements.a.b.c', 'keyword', 'AWS CloudTrail'],
    ['container.labels.app', 'unknown', 'AWS CloudTrail'],
    ['event.actoin', undefined],
    ['aws.cloudtrail.nope', undefined],
    ['process', undefined],
  ];
  for (const [name, type, source] of cases) {
    test(name, () => {
      const f = all.lookup(name);
      assert.equal(f?.type, type);
      if (source) assert.ok(f!.source.startsWith(source), f!.source);
    });
  }
  test('merged ECS description for a field the AWS catalog lists without one', () => {
    assert.match(all.lookup('event.outcome')?.description ?? '', /outcome|result/i);
    assert.deepEqual(all.lookup('event.outcome')?.allowedValues?.map((v) => v.value), ['failure', 'success', 'unknown']);
  });
  test('ECS has the whole field set (2,605 definitions plus multi-fields)', () => {
    const ecs = reg.ecsCatalog()!;
    assert.ok(ecs.fields.size > 2605, String(ecs.fields.size));
    assert.equal(ecs.fields.get('process.args')?.array, true);
  });
});

describe('children', () => {
  const cases: [string, string[], string[]][] = [
    // prefix, must include, must not include
    ['aws.cloudtrail.', ['user_identity', 'request_parameters', 'flattened', 'error_code'], ['name']],
    ['aws.cloudtrail.user_identity', ['type', 'arn', 'access_key_id', 'session_context'], []],
    ['event.', ['action', 'provider', 'outcome', 'category'], ['cloudtrail']],
    ['', ['event', 'aws', 'process', '@timestamp'], ['action']],
    ['nope.', [], ['x']],
  ];
  for (const [prefix, has, not] of cases) {
    test(JSON.stringify(prefix), () => {
      const segs = all.children(prefix).map((c) => c.segment);
      for (const h of has) assert.ok(segs.includes(h), `${h} missing from ${prefix}`);
      for (const n of not) assert.ok(!segs.includes(n), `${n} should not be under ${prefix}`);
    });
  }
  test('groups have children and a full name', () => {
    const ui = all.children('aws.cloudtrail').find((c) => c.segment === 'user_identity')!;
    assert.equal(ui.name, 'aws.cloudtrail.user_identity');
    assert.equal(ui.hasChildren, true);
    assert.equal(ui.field, undefined);
  });
});

describe('closest', () => {
  const cases: [string, string][] = [
    ['event.actoin', 'event.action'],
    ['event.provder', 'event.provider'],
    ['aws.cloudtrail.user_identity.typ', 'aws.cloudtrail.user_identity.type'],
    ['process.nmae', 'process.name'],
    ['user_agent.orginal', 'user_agent.original'],
  ];
  for (const [typo, fix] of cases) test(typo, () => assert.equal(all.closest(typo, 3)[0], fix));
  test('nothing close', () => assert.deepEqual(all.closest('zzzz.qqqq.wwww', 3), []));
  test('edit distance counts a transposition once', () => {
    assert.equal(editDistance('actoin', 'action'), 1);
    assert.equal(editDistance('abc', 'abc'), 0);
    assert.equal(editDistance('', 'ab'), 2);
    assert.deepEqual(closestNames('a.b', ['a.c', 'x.y'], 5), ['a.c']);
  });
});

describe('selection', () => {
  const cases: [string, { indices: string[]; integrations: string[] } | undefined, string[] | undefined, string[], boolean][] = [
    // name, rule, setting, labels, complete
    ['CloudTrail index', { indices: ['logs-aws.cloudtrail-*'], integrations: [] }, undefined, ['AWS CloudTrail', 'ECS'], true],
    ['filebeat + cloudtrail', { indices: ['filebeat-*', 'logs-aws.cloudtrail*'], integrations: [] }, undefined, ['AWS CloudTrail', 'ECS'], false],
    ['integration only', { indices: [], integrations: ['aws'] }, undefined, ['AWS CloudTrail', 'ECS'], true],
    ['endpoint index', { indices: ['logs-endpoint.events.*'], integrations: [] }, undefined, ['ECS'], false],
    ['plain file default', undefined, undefined, ['AWS CloudTrail', 'ECS'], true],
    ['plain file, ECS only', undefined, ['ecs'], ['ECS'], true],
    ['plain file, nothing', undefined, [], [], false],
  ];
  for (const [name, rule, setting, labels, complete] of cases) {
    test(name, () => {
      const s = reg.schemasFor(rule, setting);
      assert.deepEqual(s.labels.map((l) => l.replace(/ [\d.]+$/, '')), labels);
      assert.equal(s.complete, complete);
      assert.ok(s.reason.length > 0);
    });
  }
  test('reason names the index patterns or the setting', () => {
    assert.match(cloudtrail.reason, /from index logs-aws\.cloudtrail-\*/);
    assert.match(reg.schemasFor(undefined, ['ecs']).reason, /setting eqlRuleStudio\.schemas/);
    assert.equal(endpoint.lookup('aws.cloudtrail.user_identity.type'), undefined);
  });
  test('an unknown id in the setting is named in the reason', () => {
    const s = reg.schemasFor(undefined, ['ecs', 'windows']);
    assert.deepEqual(s.labels.map((l) => l.replace(/ [\d.]+$/, '')), ['ECS']);
    assert.match(s.reason, /no built-in catalog named windows/);
  });
  test('same selection, same cached SchemaSet', () => {
    assert.equal(reg.schemasFor({ indices: ['logs-aws.cloudtrail-*'], integrations: [] }), cloudtrail);
  });
  test('missing ECS data degrades to the built-in integration catalogs, not an exception', () => {
    const broken = new (reg.constructor as typeof import('../../../server/src/core/schema/select').CatalogRegistry)(() => '{not json');
    const s = broken.schemasFor();
    assert.deepEqual(s.labels, ['AWS CloudTrail']);
    assert.match(s.reason, /ECS data file missing/);
  });
});

describe('values', () => {
  test('AWS providers and API names carry their provider', () => {
    assert.ok(all.values('event.provider').some((v) => v.value === 'rds.amazonaws.com'));
    const restore = all.values('event.action').find((v) => v.value === 'RestoreDBInstanceFromDBSnapshot');
    assert.equal(restore?.provider, 'rds.amazonaws.com');
  });
  test('ECS allowed values', () => {
    assert.ok(all.values('event.kind').some((v) => v.value === 'alert'));
    assert.ok(all.values('event.type').some((v) => v.value === 'creation'));
  });
});
