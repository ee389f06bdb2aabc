// TLS per connection: a cluster with a certificate from a private CA is refused without that CA
// (one message saying what to set), accepted with caFile or caFingerprint, or with
// rejectUnauthorized false — on that client only, never process-wide.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { TestElasticsearch } from '../elasticsearch/server';
import { clusterInfo, createClusterClient } from '../../server/src/io/cluster';
import type { ConnectionProfile } from '../../server/src/core/connections/profile';
import { ROOT } from './helpers';

const TLS = join(ROOT, 'test-fixtures/connections/tls');
const FINGERPRINT = '3A:E2:90:1B:98:D2:91:CB:BF:29:F2:EE:CC:4E:45:8E:4C:93:C7:EE:4E:25:82:59:58:07:99:73:9D:0B:F3:7C';

describe('TLS per connection', () => {
  let es: TestElasticsearch;
  before(async () => {
    es = new TestElasticsearch({ tls: { cert: readFileSync(join(TLS, 'server.pem')), key: readFileSync(join(TLS, 'server.key')) } });
    await es.start();
  });
  after(() => es.stop());

  const info = async (extra: Partial<ConnectionProfile>) => {
    const profile: ConnectionProfile = { name: 'tls', url: es.url, auth: 'none', ...extra };
    const client = createClusterClient(profile, {}, { maxRetries: 0 });
    try {
      return await clusterInfo(client, profile, {});
    } finally {
      await client.close();
    }
  };

  it('without the CA: a TLS error naming what to set', async () => {
    await assert.rejects(info({}), (e: Error) => /^Connection "tls" \(https:\/\/127\.0\.0\.1:\d+\): TLS error \(.*\)\. Set "caFile" or "caFingerprint"/.test(e.message));
  });
  it('with caFile', async () => assert.equal((await info({ caFile: join(TLS, 'ca.pem') })).clusterName, 'eql-test-cluster'));
  it('with rejectUnauthorized false, and nothing changes process-wide', async () => {
    assert.equal((await info({ rejectUnauthorized: false })).clusterName, 'eql-test-cluster');
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    assert.notEqual(https.globalAgent.options.rejectUnauthorized, false);
    // Another client right after still refuses the certificate.
    await assert.rejects(info({}), /TLS error/);
  });
  it('a wrong caFingerprint is refused', async () => {
    await assert.rejects(info({ caFingerprint: FINGERPRINT.replace('3A', '3B') }), /TLS error|fingerprint/i);
  });
  it('an unreadable caFile is one message', async () => {
    await assert.rejects(info({ caFile: join(TLS, 'missing.pem') }), /cannot read the CA file .*missing\.pem \(ENOENT\)\. Fix "caFile"/);
  });
});
