// The test shards of scripts/run-tests.mjs as bundles: esbuild compiles every test file and the sources they
// import once, for all shards together, into one CommonJS file per shard that plain node runs. Through tsx, each
// shard process compiled (or read from tsx's cache, cold in a fresh clone) and loaded every module on its own,
// a module at a time through tsx's loader hooks: ~3 s more CPU for npm test in a fresh clone, measured.
// The tests are the same files with the same assertions; what differs from tsx, and is kept equal here:
// - __dirname and __filename are each source file's own (tests find their fixtures next to them), and
//   `require.main === module` (a script's "run me" check) is false, as for any module the shard imports;
// - packages stay outside (node_modules as tsx loads them); names are kept (class and function names in messages).
// The bundle has esbuild's `// path` comment before each module's code: the reporter (scripts/test-reporter.mjs)
// finds a test's file from its line there, and maps a failure's stack to the sources with the bundle's .map.
import * as esbuild from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Each source file as tsx runs it: its own __dirname and __filename, never the main module. */
const asTsx = {
  name: 'as-tsx',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = await readFile(args.path, 'utf8');
      const contents = text
        .replace(/\b__dirname\b/g, () => JSON.stringify(dirname(args.path)))
        .replace(/\b__filename\b/g, () => JSON.stringify(args.path))
        .replace(/\brequire\.main === module\b/g, 'false');
      return { contents, loader: 'ts' };
    });
  },
};

/** The shards' entries: each requires its test files in order. */
const shardEntries = (root, shards) => ({
  name: 'shard-entries',
  setup(build) {
    build.onResolve({ filter: /^eql-test-shard:\d+$/ }, (args) => ({ path: args.path, namespace: 'eql-test-shard' }));
    build.onLoad({ filter: /.*/, namespace: 'eql-test-shard' }, (args) => {
      const files = shards[Number(args.path.slice(args.path.indexOf(':') + 1))];
      return { contents: files.map((f) => `require(${JSON.stringify(`./${f}`)});`).join('\n') + '\n', resolveDir: root, loader: 'js' };
    });
  },
});

/**
 * The scripts a test runs as a child process (`node --import tsx <script>`), bundled beside the shards: the test runs
 * the bundle (scripts/test-cluster.ts is outDir/test-cluster.cjs) when the shard's EQL_TEST_BUNDLES names outDir.
 */
export const SCRIPTS = ['scripts/test-cluster.ts'];

/** Writes outDir/shard-N.cjs (+ .map) for each list of test files (paths relative to root); the bundles' paths. */
export async function bundleShards(root, shards, outDir) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [
      ...shards.map((_, i) => ({ in: `eql-test-shard:${i}`, out: `shard-${i}` })),
      ...SCRIPTS.map((f) => ({ in: f, out: f.slice(f.lastIndexOf('/') + 1).replace(/\.ts$/, '') })),
    ],
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    // Not linked from the bundle (node would read it at every start): the reporter reads it for a failure's stack.
    sourcemap: 'external',
    logLevel: 'warning',
    plugins: [shardEntries(root, shards), asTsx],
  });
  return shards.map((_, i) => join(outDir, `shard-${i}.cjs`));
}
