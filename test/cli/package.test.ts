// The `eql-rules` npm package (scripts/pack-cli.mjs): packed from the built dist/, installed by npx
// from the tarball in an empty folder with an empty HOME and npm cache (a fresh machine), and run
// there: same verdicts as the repository's dist/cli.js, no editor code inside. npm test runs the
// unpacked tarball's cli.js (the same files; npx's install costs ~4 s); under --long (CI), npx itself.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from './helpers';
import { LONG } from '../scale';
import { ensureBuilt } from '../lsp/harness';

describe('eql-rules npm package', () => {
  it('npm pack, then npx ./eql-rules-*.tgz check rules/ in a fresh folder', () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'eql-rules-pack-'));
    try {
      const pack = spawnSync(process.execPath, [join(ROOT, 'scripts', 'pack-cli.mjs'), '--no-build', '--out', dir], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(pack.status, 0, pack.stderr);
      const tgz = readdirSync(dir).filter((f) => /^eql-rules-.*\.tgz$/.test(f));
      assert.equal(tgz.length, 1, readdirSync(dir).join(', '));

      const list = spawnSync('tar', ['tzf', join(dir, tgz[0])], { encoding: 'utf8' });
      assert.deepEqual(list.stdout.trim().split('\n').sort(), [
        'package/LICENSE', 'package/README.md', 'package/cli.js', 'package/data/ecs-descriptions.json', 'package/data/ecs.json', 'package/elastic.js', 'package/package.json',
      ]);

      cpSync(join(ROOT, 'test-fixtures', 'rules'), join(dir, 'rules'), { recursive: true });
      const env = { PATH: process.env.PATH, HOME: dir, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false' };
      spawnSync('tar', ['xzf', tgz[0]], { cwd: dir });
      const packaged = join(dir, 'package', 'cli.js');
      const npx = LONG
        ? spawnSync('npx', ['--yes', `./${tgz[0]}`, 'check', 'rules/'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 })
        : spawnSync(process.execPath, [packaged, 'check', 'rules/'], { cwd: dir, env, encoding: 'utf8' });
      const direct = spawnSync(process.execPath, [CLI, 'check', 'rules/'], { cwd: dir, encoding: 'utf8' });
      assert.equal(npx.status, direct.status, npx.stderr);
      assert.equal(npx.stdout, direct.stdout);
      assert.match(npx.stdout, /RULE303/); // the invalid fixtures' verdicts, so the catalogs and checks ran
      assert.match(npx.stdout, /\(\d+ files checked\)/);
      // The Elasticsearch client is its own bundle beside cli.js (loaded on first use): a cluster check from the
      // package reaches the client and reports the refused connection, not a missing module.
      const onCluster = spawnSync(process.execPath, [packaged, 'check', 'rules/aws_rds_db_instance_restored.toml', '--es-url', 'http://127.0.0.1:9'], { cwd: dir, env: { ...env, ELASTICSEARCH_MAX_RETRIES: '0' }, encoding: 'utf8' });
      assert.match(onCluster.stderr, /connection refused/, onCluster.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
