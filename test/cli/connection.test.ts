// The CLI's Elasticsearch connection from flags and env vars (secrets only from env).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../server/src/cli/args';
import { ES_CONNECTION_FLAGS, esConnectionFromCli } from '../../server/src/cli/connection';

const conn = (argv: string[], env: Record<string, string>) => esConnectionFromCli(parseArgs(argv, ES_CONNECTION_FLAGS), env);

describe('CLI connection', () => {
  it('none given -> undefined', () => assert.equal(conn([], {}), undefined));
  it('--es-url with an API key from env', () => {
    assert.deepEqual(conn(['--es-url', 'http://127.0.0.1:9200'], { ELASTICSEARCH_API_KEY: 'k1' }), {
      profile: { name: 'http://127.0.0.1:9200', url: 'http://127.0.0.1:9200', auth: 'apiKey' },
      secret: { apiKey: 'k1' },
    });
  });
  it('ELASTICSEARCH_URL + basic auth + CA flags', () => {
    assert.deepEqual(conn(['--ca', 'ca.pem', '--insecure'], { ELASTICSEARCH_URL: 'https://es:9200', ELASTICSEARCH_USERNAME: 'elastic', ELASTICSEARCH_PASSWORD: 'pw' }), {
      profile: { name: 'https://es:9200', url: 'https://es:9200', auth: 'basic', caFile: 'ca.pem', rejectUnauthorized: false },
      secret: { username: 'elastic', password: 'pw' },
    });
  });
  it('--es-url overrides ELASTIC_CLOUD_ID', () => {
    assert.equal(conn(['--es-url', 'http://a:1'], { ELASTIC_CLOUD_ID: 'x:ZG9tYWluJGVzJGti' })?.profile.cloudId, undefined);
  });
  it('ELASTIC_CLOUD_ID alone', () => {
    assert.equal(conn([], { ELASTIC_CLOUD_ID: 'x:ZG9tYWluJGVzJGti' })?.profile.cloudId, 'x:ZG9tYWluJGVzJGti');
  });
  for (const [argv, env, message] of [
    [['--es-url', 'localhost:9200'], {}, 'must start with http:// or https://'],
    [['--es-url', 'http://a:1'], { ELASTICSEARCH_USERNAME: 'u' }, 'ELASTICSEARCH_PASSWORD is not'],
    [['--es-url', 'http://a:1'], { ELASTICSEARCH_PASSWORD: 'p' }, 'ELASTICSEARCH_USERNAME is not'],
  ] as [string[], Record<string, string>, string][]) {
    it(`rejects ${argv.join(' ')} ${Object.keys(env).join(' ')}`, () => {
      assert.throws(() => conn(argv, env), (e: unknown) => e instanceof UsageError && e.message.includes(message));
    });
  }
});
