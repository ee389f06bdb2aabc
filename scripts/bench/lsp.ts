// The language server as the editor sees it, over stdio with the real bundle: process start
// to the first diagnostics of the seed rule (goal < 300 ms), re-diagnosing a 2,000-line
// query after a one-character edit (round trip, debounce off), and a completion round trip
// at `event.`. Also the in-process service time for the same re-diagnosis.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureBuilt, fixtureUri, readFixture, TestServer } from '../../test/lsp/harness';
import { createLanguageService } from '../../server/src/service/languageService';
import { createNodeCatalogRegistry } from '../../server/src/io/catalogData';
import { bigQuery, typingSession } from '../lib/bigQuery';

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms (n=${s.length})`;
}

const SEED = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
const workspace = mkdtempSync(join(tmpdir(), 'eql-bench-'));

async function main(): Promise<void> {
  ensureBuilt();
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} on this machine (2 cores shared)`);

  // 1. Start to first diagnostics (a fresh process each time).
  const starts: number[] = [];
  const startCpu: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    const server = new TestServer({ workspaceFolder: workspace, initializationOptions: { diagnosticsDelayMs: 0 } });
    await server.initialize();
    await server.open(fixtureUri(SEED), 'eql-rule-toml', readFixture(SEED));
    starts.push(performance.now() - t0);
    const cpu = server.cpuMs();
    if (cpu !== undefined) startCpu.push(cpu);
    await server.close();
  }
  const bare: number[] = [];
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push(performance.now() - t0);
  }
  console.log(`server start -> first diagnostics of the seed rule: ${stats(starts)} (goal < 300 ms)`);
  console.log(`  for comparison, starting a bare \`node -e 0\` here: ${stats(bare)}`);
  if (startCpu.length) console.log(`  CPU time of the server process up to those diagnostics (node start included, 10 ms ticks): ${stats(startCpu)}`);

  const server = new TestServer({ workspaceFolder: workspace, initializationOptions: { diagnosticsDelayMs: 0 } });
  await server.initialize();

  // 2. Re-diagnose a 2,000-line .eql after a one-character edit.
  const text = bigQuery(2000);
  const uri = 'file:///bench/big.eql';
  await server.open(uri, 'eql', text);
  const session = typingSession(text, 80);
  const edits: number[] = [];
  for (const step of session.slice(0, 40)) {
    const t0 = performance.now();
    await server.edit(uri, { start: { line: step.line, character: step.character }, end: { line: step.line, character: step.character } }, step.letter);
    edits.push(performance.now() - t0);
  }
  console.log(`re-diagnose a 2,000-line query after a one-character edit (LSP round trip, no debounce): ${stats(edits)} (goal < 30 ms)`);

  const service = createLanguageService({ log: () => undefined, catalogs: createNodeCatalogRegistry() });
  const inproc: number[] = [];
  const cpu: number[] = [];
  service.diagnostics(service.document(uri, 'eql', 1, session[39].text));
  for (const [i, step] of session.slice(40).entries()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    service.diagnostics(service.document(uri, 'eql', i + 2, step.text));
    inproc.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`  the same in process (incremental re-parse + analyze + field checks + mapping): wall ${stats(inproc)}; CPU ${stats(cpu)}`);

  // 3. Completion round trip at `event.`.
  const curi = 'file:///bench/complete.eql';
  await server.open(curi, 'eql', 'any where event.');
  const completions: number[] = [];
  let items = 0;
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    const list = await server.request<{ items: unknown[] } | null>('textDocument/completion', { textDocument: { uri: curi }, position: { line: 0, character: 16 } });
    completions.push(performance.now() - t0);
    items = list?.items.length ?? 0;
  }
  console.log(`completion round trip at \`event.\` (${items} items): ${stats(completions)}`);
  await server.close();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
