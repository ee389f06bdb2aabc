// Bundles the entry points (VS Code client, language server and its check worker, CLI) and the results
// panel's browser script with esbuild. Type-checking is `npm run typecheck` (scripts/typecheck.mjs).
// Usage: node scripts/build.mjs [--production] [--no-sourcemap]
//   --production    minified, no source maps (the .vsix and the npm package)
//   --no-sourcemap  the development bundles without their .map files (npm test: the tests run the bundles, never
//                   the maps, as the packaged extension has none; ~0.35 s less CPU)
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const sourcemap = !production && !process.argv.includes('--no-sourcemap');

// Field catalogs: extracted from devDependencies at build time into dist/data (read lazily by the server), at the
// same time as the bundles.
const catalogs = new Promise((resolve) => {
  const gen = spawn(process.execPath, ['--import', 'tsx', 'scripts/generate-catalogs.ts'], { stdio: 'inherit' });
  gen.on('error', () => resolve(1));
  gen.on('close', (code) => resolve(code ?? 1));
});
// jsonc-parser's "main" is a UMD build whose dynamic require('./impl/…') esbuild cannot follow: bundle its ES modules.
const alias = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };
const common = { bundle: true, sourcemap, minify: production, logLevel: 'warning', alias };
// The Elasticsearch client is three quarters of a bundle that includes it, and every process would compile it at
// start although only cluster commands use it (io/cluster.ts requires it on first use): it is its own bundle,
// dist/elastic.js, required from beside the bundle that needs it.
const elasticApart = {
  name: 'elastic-apart',
  setup(build) {
    build.onResolve({ filter: /^@elastic\/elasticsearch$/ }, () => ({ path: './elastic.js', external: true }));
  },
};
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], plugins: [elasticApart] };

const entries = [
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { ...node, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  // The language server's check worker (a worker thread checking large documents; lsp/checks.ts starts it).
  { ...node, entryPoints: ['server/src/lsp/checkWorker.ts'], outfile: 'dist/checkWorker.js' },
  { ...node, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'node', format: 'cjs', target: 'node20', entryPoints: ['@elastic/elasticsearch'], outfile: 'dist/elastic.js' },
  { ...common, entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
].filter((e) => e.entryPoints[0].startsWith('@') || existsSync(e.entryPoints[0]));

try {
  // A bundle written without its map: no map of an earlier build left beside it.
  if (!sourcemap) for (const e of entries) for (const f of [e.outfile, e.outfile.replace(/\.js$/, '.css')]) rmSync(`${f}.map`, { force: true });
  await Promise.all(entries.map((e) => esbuild.build(e)));
} finally {
  const code = await catalogs;
  if (code !== 0) process.exit(code);
}
