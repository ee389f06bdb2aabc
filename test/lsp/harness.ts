// Spawns the real bundled language server (`node dist/server.js --stdio`) and speaks LSP
// to it, building the bundle first when it is missing or older than the sources.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, Position } from 'vscode-languageserver-types';
import { statCpuMs } from '../procStat';

interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export const ROOT = join(__dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

function fresh(outputs: string[]): boolean {
  const src = newestMtime(join(ROOT, 'server', 'src'));
  return outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= src);
}

/**
 * Builds dist/server.js and dist/cli.js when missing or older than the sources (npm test builds
 * first; a lone test run may not have). Test files run in parallel, so one builds under a lock
 * directory while the others wait. When the build fails but a bundle exists, that bundle is used.
 */
export function ensureBuilt(): void {
  const outputs = [SERVER, join(ROOT, 'dist', 'checkWorker.js'), join(ROOT, 'dist', 'cli.js')];
  if (fresh(outputs)) return;
  const lock = join(ROOT, 'dist', '.build-lock');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    if (fresh(outputs)) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) {
      if (outputs.every((o) => existsSync(o))) console.warn(`build failed; testing the existing bundle:\n${r.stderr}`);
      else throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The real server over an empty workspace (nothing scanned for the field catalog) and one NDJSON sample file of
 * `lines`, for tests of runs; `close` stops the server and removes the folder.
 */
export async function serverWithSamples(prefix: string, lines: string[]): Promise<{ server: TestServer; samples: string; close(): Promise<void> }> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const samples = join(dir, 'events.ndjson');
  writeFileSync(samples, lines.join('\n') + '\n');
  const workspace = join(dir, 'workspace');
  mkdirSync(workspace);
  const server = new TestServer({ workspaceFolder: workspace });
  await server.initialize();
  return {
    server,
    samples,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fixtureUri(rel: string): string {
  return pathToFileURL(join(ROOT, rel)).toString();
}

export function readFixture(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

/** `|` marks the cursor: returns the text without it and the cursor's position. */
export function cursor(textWithBar: string): { text: string; position: Position } {
  const i = textWithBar.indexOf('|');
  if (i < 0) throw new Error('no | cursor in input');
  const text = textWithBar.slice(0, i) + textWithBar.slice(i + 1);
  const before = text.slice(0, i).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1].length } };
}

export interface ServerOptions {
  settings?: Record<string, unknown>;
  workspaceFolder?: string;
  /** Several workspace folders (multi-root); the first is also the root. */
  workspaceFolders?: string[];
  initializationOptions?: Record<string, unknown>;
}

export class TestServer {
  readonly connection: MessageConnection;
  private readonly proc: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private readonly waiters: { uri: string; version?: number; resolve: (d: Diagnostic[]) => void }[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  /** Every publishDiagnostics, in order: which document and version. */
  readonly published: { uri: string; version?: number }[] = [];
  private versions = new Map<string, number>();

  constructor(private readonly options: ServerOptions = {}) {
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr?.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push({ uri: p.uri, version: p.version });
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i];
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(i, 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.connection.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.options.settings ?? {}));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/semanticTokens/refresh', () => null);
    this.connection.onRequest('workspace/codeLens/refresh', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  async initialize(): Promise<unknown> {
    const folders = this.options.workspaceFolders ?? [this.options.workspaceFolder ?? ROOT];
    const folder = folders[0];
    const result = await this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).toString(),
      initializationOptions: this.options.initializationOptions,
      workspaceFolders: folders.map((f, i) => ({ uri: pathToFileURL(f).toString(), name: `ws${i || ''}` })),
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Opens (or replaces) a document and waits for its diagnostics. */
  async open(uri: string, languageId: string, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const wait = this.waitDiagnostics(uri, version);
    if (version === 1) {
      await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    } else {
      await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    }
    return wait;
  }

  /** Sends an incremental edit and waits for the diagnostics of the new version. */
  async edit(uri: string, range: { start: Position; end: Position }, text: string): Promise<Diagnostic[]> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const wait = this.waitDiagnostics(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return wait;
  }

  waitDiagnostics(uri: string, version?: number, timeoutMs = 10_000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms\n${this.stderr.join('')}`)), timeoutMs);
      this.waiters.push({
        uri,
        version,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      });
    });
  }

  /** CPU time the server process has used so far, in ms (Linux /proc; undefined elsewhere). */
  cpuMs(): number | undefined {
    try {
      return statCpuMs(readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** The server process's peak resident memory so far, in MB (Linux /proc; undefined elsewhere). */
  peakRssMb(): number | undefined {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      return m ? Math.round(Number(m[1]) / 1024) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The last diagnostics published for `uri` (undefined before the first). */
  latest(uri: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uri)?.diagnostics;
  }

  /** Polls the published diagnostics until `ok` holds (for re-checks the server starts itself). */
  async until(uri: string, ok: (d: Diagnostic[]) => boolean, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const d = this.latest(uri);
      if (d && ok(d)) return d;
      if (Date.now() > end) throw new Error(`diagnostics of ${uri} never satisfied the condition; last: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    this.connection.dispose();
    this.proc.kill();
  }
}
