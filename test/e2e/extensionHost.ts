// Runs test/vscode's mocha suite inside code-server's extension host — the same run() entry
// @vscode/test-electron uses — by opening the workbench with an extension-development payload.
// The workbench reports the suite's output and exit code through two functions the page calls.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import { buildSuite } from '../vscode/runTest';
import { exitWith } from './checks';

const BASE = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8765';
const ROOT = join(__dirname, '..', '..');

async function main(): Promise<number> {
  const workspace = process.env.E2E_WORKSPACE as string;
  const scratch = process.env.E2E_RUN as string;
  const testsPath = await buildSuite(join(ROOT, 'out', 'vscode-test'));
  const remote = (p: string) => `vscode-remote://${new URL(BASE).host}${p}`;
  const payload = [['extensionDevelopmentPath', remote(ROOT)], ['extensionTestsPath', remote(testsPath)]];
  const profile = mkdtempSync(join(scratch, 'chromium-ext-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let finish: (code: number | 'timeout') => void = () => undefined;
    const finished = new Promise<number | 'timeout'>((r) => (finish = r));
    const lines: string[] = [];
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...((args ?? []) as [unknown, ...unknown[]]));
      lines.push(line);
      // The workbench logs a lot through the same channel; show mocha's report only.
      if (process.env.VERBOSE || /^\s*(✔|✓|✖|\d+\) |\d+ (passing|failing|pending)|EQL Rule Studio|\w*Error|at )/.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    await page.goto(`${BASE}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: 180_000 });
    const timer = setTimeout(() => finish('timeout'), Number(process.env.EXT_TEST_TIMEOUT_MS ?? 300_000));
    const code = await finished;
    clearTimeout(timer);
    if (process.env.E2E_RESULTS) writeFileSync(join(process.env.E2E_RESULTS, 'extension-host.log'), lines.join('\n'));
    const passing = Number(/(\d+) passing/.exec(lines.join('\n'))?.[1] ?? 0);
    const failing = Number(/(\d+) failing/.exec(lines.join('\n'))?.[1] ?? (code === 0 ? 0 : 1));
    console.log(`${passing} passed, ${failing} failed${code === 'timeout' ? ' (timed out)' : ''}`);
    return code === 0 && passing > 0 ? 0 : 1;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

exitWith(main);
