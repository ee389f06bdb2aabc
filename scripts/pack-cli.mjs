// `npm run package:cli` — the command line `eql-rules` as an npm package of its own: the bundled
// CLI (dist/cli.js, every dependency inlined by esbuild), the field catalogs it reads (dist/data),
// its README and the LICENSE; no editor code. Stages dist/npm/eql-rules/ and runs `npm pack` there,
// which writes eql-rules-<version>.tgz to the repository root (or to --out DIR).
//   --no-build  reuse dist/ as it is (the test does, after `npm run build`)
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 ? args[outIndex + 1] : root);

if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
for (const f of ['dist/cli.js', 'dist/elastic.js', 'dist/data/ecs.json']) {
  if (!existsSync(join(root, f))) {
    console.error(`${f} is missing: run npm run build first`);
    process.exit(1);
  }
}

const ext = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(root, 'dist', 'npm', 'eql-rules');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
copyFileSync(join(root, 'dist', 'cli.js'), join(stage, 'cli.js'));
copyFileSync(join(root, 'dist', 'elastic.js'), join(stage, 'elastic.js'));
cpSync(join(root, 'dist', 'data'), join(stage, 'data'), { recursive: true });
copyFileSync(join(root, 'packages', 'eql-rules', 'README.md'), join(stage, 'README.md'));
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
const pkg = {
  name: 'eql-rules',
  version: ext.version,
  description: 'Check, run and test Elastic EQL detection rules offline: the command line of EQL Rule Studio.',
  license: ext.license,
  keywords: ['eql', 'elastic', 'elasticsearch', 'detection-rules', 'siem', 'security', 'cloudtrail', 'lint', 'sarif'],
  repository: ext.repository,
  homepage: ext.homepage,
  bugs: ext.bugs,
  bin: { 'eql-rules': 'cli.js' },
  files: ['cli.js', 'elastic.js', 'data/', 'README.md', 'LICENSE'],
  engines: { node: ext.engines.node },
};
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

mkdirSync(outDir, { recursive: true });
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const out = execFileSync(npm, ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' });
const [{ filename, size, entryCount }] = JSON.parse(out);
console.log(`${join(outDir, filename)}: ${entryCount} files, ${Math.round(size / 1024)} KB`);
