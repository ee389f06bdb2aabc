// The Kibana connection of a profile (kibanaUrl, Cloud id, space prefix, secret), and a
// preview shown as a results-panel run (alerts as matches, sequences grouped, errors kept).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kibanaConnectionOf, kibanaUrl, kibanaUrlOfCloudId } from '../../server/src/io/kibana/client';
import { previewRunResult } from '../../client/src/kibana/previewResult';
import type { PreviewOutcome } from '../../server/src/io/kibana/rules';

const CLOUD = `my-deployment:${btoa('eu-west-1.aws.elastic.cloud:443$es0123$kb4567')}`;

describe('Kibana connection', () => {
  it('space prefix: none for the default space, /s/<space> otherwise', () => {
    assert.equal(kibanaUrl({ url: 'https://kb:5601/' }, '/api/status'), 'https://kb:5601/api/status');
    assert.equal(kibanaUrl({ url: 'https://kb:5601', space: 'default' }, '/api/status'), 'https://kb:5601/api/status');
    assert.equal(kibanaUrl({ url: 'https://kb:5601/base', space: 'soc-team' }, '/api/x'), 'https://kb:5601/base/s/soc-team/api/x');
  });
  it('a Cloud id names its Kibana', () => {
    assert.equal(kibanaUrlOfCloudId(CLOUD), 'https://kb4567.eu-west-1.aws.elastic.cloud');
    assert.equal(kibanaUrlOfCloudId(`x:${btoa('host.io:9243$es$kb')}`), 'https://kb.host.io:9243');
    assert.equal(kibanaUrlOfCloudId('x:not base64!'), undefined);
  });
  it('a profile: its kibanaUrl, space and secret; a profile without Kibana says what to add', () => {
    const c = kibanaConnectionOf({ name: 'prod', url: 'https://es:9200', kibanaUrl: 'https://kb:5601', space: 'soc', auth: 'apiKey' }, { apiKey: 'k' });
    assert.ok(typeof c !== 'string');
    assert.deepEqual([c.url, c.space, c.auth, c.es?.profile.url], ['https://kb:5601', 'soc', { apiKey: 'k' }, 'https://es:9200']);
    const cloud = kibanaConnectionOf({ name: 'cloud', cloudId: CLOUD, auth: 'basic' }, { username: 'u', password: 'p' });
    assert.ok(typeof cloud !== 'string');
    assert.equal(cloud.url, 'https://kb4567.eu-west-1.aws.elastic.cloud');
    assert.match(String(kibanaConnectionOf({ name: 'es-only', url: 'https://es:9200', auth: 'none' }, {})), /Connection "es-only" has no Kibana URL: add "kibanaUrl"/);
  });
});

describe('a preview in the results panel', () => {
  const base: PreviewOutcome = { file: 'r.toml', name: 'R', previewId: 'p1', messages: [], alerts: [], totalAlerts: 0 };
  it('event alerts are event matches, with their original time', () => {
    const r = previewRunResult({ ...base, alerts: [{ 'kibana.alert.original_time': '2024-01-01T00:00:00Z', event: { action: 'A' } }], totalAlerts: 1 }, 'any where true');
    assert.equal(r.source, 'Kibana preview: R');
    assert.deepEqual(r.matches.map((m) => [m.kind, m.events[0].timestamp]), [['event', '2024-01-01T00:00:00Z']]);
  });
  it('a sequence: its building-block alerts grouped into one match, the shell alert left out', () => {
    const g = { 'kibana.alert.group.id': 'g1' };
    const alerts = [{ ...g, 'kibana.alert.building_block_type': 'default', n: 1 }, { ...g, 'kibana.alert.building_block_type': 'default', n: 2 }, { ...g }];
    const r = previewRunResult({ ...base, alerts, totalAlerts: 3 }, 'sequence [any where true] [any where true]');
    assert.equal(r.kind, 'sequence');
    assert.deepEqual(r.matches.map((m) => m.events.map((e) => e.doc?.n)), [[1, 2]]);
  });
  it('errors with their line:column become the run\'s query errors', () => {
    const r = previewRunResult({ ...base, messages: [{ severity: 'error', message: 'line 2:7: x', line: 2, column: 7 }, { severity: 'warning', message: 'w' }] }, 'q');
    assert.deepEqual(r.queryErrors, [{ line: 2, column: 7, message: 'line 2:7: x' }]);
  });
});
