// The e2e scripts' own little runner: each check is named, timed and printed; a failed one leaves
// a screenshot and does not stop the rest. scripts/e2e/run.sh adds up the "N passed, N failed"
// line each script ends with. Also the polling wait the checks share.
import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** The workbench's address, as scripts/e2e/run.sh passes it. */
export const BASE_URL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8765';
/** Where the checks' screenshots go. */
export const RESULTS_DIR = process.env.E2E_RESULTS ?? join(process.cwd(), 'test-results', 'e2e');

/** A variable scripts/e2e/run.sh sets (the workspace, the run folder); a script run on its own says how to run it. */
export function requiredEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/e2e/run.sh (npm run test:e2e)`);
  return v;
}

export class Checks {
  private readonly outcomes: { name: string; ok: boolean }[] = [];
  constructor(
    private readonly resultsDir: string,
    /** Prefix of the failure screenshots' names. */
    private readonly prefix: string,
  ) {}

  async run(page: Page, name: string, body: () => Promise<void>): Promise<boolean> {
    const t0 = Date.now();
    try {
      await body();
      this.outcomes.push({ name, ok: true });
      console.log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      return true;
    } catch (e) {
      this.outcomes.push({ name, ok: false });
      console.log(`✖ ${name}\n    ${(e instanceof Error ? e.message : String(e)).split('\n').slice(0, 12).join('\n    ')}`);
      await page.screenshot({ path: join(this.resultsDir, `${this.prefix}-failure-${this.outcomes.length}.png`) }).catch(() => undefined);
      return false;
    }
  }

  get failed(): number {
    return this.outcomes.filter((o) => !o.ok).length;
  }

  /** Prints the summary line; the exit status: 0 only if something ran and nothing failed. */
  summary(): number {
    const passed = this.outcomes.length - this.failed;
    console.log(`${passed} passed, ${this.failed} failed`);
    return this.failed === 0 && passed > 0 ? 0 : 1;
  }
}

/** Polls `get` until `ok` holds; the error names what was awaited and what was last seen. */
export async function waitFor<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await get();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: timed out; last seen ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
    last = await get();
  }
  return last;
}

/** Runs an e2e script's main and exits with its status; a crash counts as one failure. */
export function exitWith(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      console.log('0 passed, 1 failed');
      process.exit(1);
    },
  );
}
