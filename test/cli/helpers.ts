// Runs the bundled CLI (dist/cli.js) as a user would, building it first when stale.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from '../lsp/harness';

export { ROOT };
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let built = false;
export function cli(...args: string[]): CliResult {
  if (!built) {
    ensureBuilt();
    built = true;
  }
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** The CLI's main() in this process: for usage errors and help, where a process start would dominate. */
export async function cliInProcess(...args: string[]): Promise<CliResult> {
  const { main } = await import('../../server/src/cli/main');
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}
