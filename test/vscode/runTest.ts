// npm run test:vscode — the extension-host tests in a downloaded VS Code (@vscode/test-electron).
// Needs a route to update.code.visualstudio.com; where there is none, use npm run test:e2e.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';
import { prepareWorkspace } from '../e2e/prepareWorkspace';

const root = resolve(__dirname, '..', '..');

/** Bundles the mocha suite for the extension host (plain CommonJS; vscode and mocha stay external). */
export async function buildSuite(outdir: string): Promise<string> {
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts'), join(__dirname, 'suite', 'extension.test.ts')],
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return join(outdir, 'index.js');
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'eql-vscode-test-'));
  try {
    const workspace = join(scratch, 'workspace');
    cpSync(join(root, 'test-fixtures'), workspace, { recursive: true });
    prepareWorkspace(workspace);
    const extensionTestsPath = await buildSuite(join(root, 'out', 'vscode-test'));
    await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${join(scratch, 'user-data')}`],
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((e) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(message);
    if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(message))
      console.error('VS Code cannot be downloaded from this machine; npm run test:e2e runs the same suite inside code-server.');
    process.exit(1);
  });
