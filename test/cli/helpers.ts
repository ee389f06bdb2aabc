// Runs eql-rules for the tests: in this process through main() (its arguments, output and environment
// injected; the working directory is the repository root, as for a user in a clone), or as the bundled
// dist/cli.js process for what only a process shows: exit statuses of the bundle, stdin, closed pipes, signals.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../server/src/cli/main';
import { ensureBuilt, ROOT } from '../lsp/harness';

export { ROOT };
export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type EnvVars = Record<string, string | undefined>;

/** This process's environment without connection settings a developer may have exported, then `env` (undefined unsets). */
export function cliEnv(env: EnvVars = {}): EnvVars {
  const clean: EnvVars = { ...process.env };
  for (const k of Object.keys(clean)) if (/^(ELASTICSEARCH_|ELASTIC_CLOUD_ID|KIBANA_)/.test(k)) delete clean[k];
  return { ...clean, ...env };
}

/** eql-rules in this process. */
export function cli(...args: string[]): Promise<CliResult> {
  return cliWith(args);
}

/** eql-rules in this process with environment variables (over cliEnv()). */
export async function cliWith(args: string[], env: EnvVars = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) }, cliEnv(env));
  return { code, stdout, stderr };
}

/** eql-rules in this process writing standard output as bytes, as it does to a process's stdout (Io.outBytes). */
export async function cliBytes(...args: string[]): Promise<CliResult> {
  const chunks: Buffer[] = [];
  let stderr = '';
  const out = () => {
    throw new Error('text output where bytes were expected');
  };
  const code = await main(args, { out, outBytes: (b, written) => (chunks.push(Buffer.from(b)), written()), err: (t) => void (stderr += t) }, cliEnv());
  return { code, stdout: Buffer.concat(chunks).toString('utf8'), stderr };
}

let built = false;
/** The bundled dist/cli.js as a child process (built first when stale; async: servers in this process keep serving). */
export function cliProcess(args: string[], env: EnvVars = {}): Promise<CliResult> {
  if (!built) {
    ensureBuilt();
    built = true;
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: cliEnv(env) as NodeJS.ProcessEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}
