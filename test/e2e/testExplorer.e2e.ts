// End-to-end: rule tests in the real VS Code Test Explorer (code-server + Chromium). Started by
// scripts/e2e/run.sh after the editor tests (same server, same temporary workspace). Adds a copy
// of the seed rule whose query also matches failed calls, with the seed's tests, then runs all
// tests with `testing.runAll` and reads the Testing view: the seed passes, the copy fails on
// exactly the failed restores, the failure is shown at the query with the reason, the code lens
// shows the verdict and clause coverage.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SEED_RULE } from './prepareWorkspace';
import { activeEditor, goToLine, lineOf, openFile, openWorkbench, runCommand, webview } from './workbench';
import { BASE_URL, Checks, exitWith, requiredEnv, RESULTS_DIR, waitFor } from './checks';

const BASE = BASE_URL;
const WS = requiredEnv('E2E_WORKSPACE');
const RUN = requiredEnv('E2E_RUN');
const RESULTS = RESULTS_DIR;
const SEED_TESTS = SEED_RULE.replace(/\.toml$/, '.test.ndjson');
const FAILING = 'e2e-ruletests/rds_restored_failed_too.toml';
const FAILING_TESTS = FAILING.replace(/\.toml$/, '.test.ndjson');
const FAILING_NAME = 'AWS RDS DB Instance Restored (also failed calls)';

/** The seed rule with the outcome clause dropped (so failed calls match too) and its own name, and the seed's tests. */
function addFailingCopy(): void {
  const seed = readFileSync(join(WS, SEED_RULE), 'utf8');
  const copy = seed.replace('\nand event.outcome == "success"\n', '\n').replace('name = "AWS RDS DB Instance Restored"', `name = "${FAILING_NAME}"`);
  if (copy === seed || !copy.includes(FAILING_NAME) || copy.includes('event.outcome == "success"')) throw new Error('the seed rule no longer has the clause or name the copy changes');
  mkdirSync(join(WS, 'e2e-ruletests'), { recursive: true });
  writeFileSync(join(WS, FAILING), copy);
  copyFileSync(join(WS, SEED_TESTS), join(WS, FAILING_TESTS));
}

/** Names of the seed's test lines that the failing copy must fail: failed RestoreDBInstance* calls expected not to match. */
function expectedFailures(): string[] {
  return readFileSync(join(WS, SEED_TESTS), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { expect: string; name?: string; event: Record<string, unknown> })
    .filter((t) => t.expect === 'no-match' && typeof t.event.errorCode === 'string' && t.event.errorCode !== '' && /^RestoreDBInstanceFrom/.test(String(t.event.eventName)))
    .map((t) => t.name ?? '');
}

const checks = new Checks(RESULTS, 'testexplorer');
const check = checks.run.bind(checks);

/** The Testing view's rows: [label text, state] where state comes from the row's status icon. */
async function testRows(page: Page): Promise<{ label: string; state: string; depth: number }[]> {
  return page.locator('.test-explorer .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => {
      const icon = r.querySelector('.computed-state, .codicon[class*="testing-"]');
      const cls = icon ? icon.className : '';
      const m = /testing-(passed|failed|error|skipped|queued|unset|run)[a-z-]*icon/.exec(cls);
      return { label: (r.querySelector('.label, .monaco-icon-label') as HTMLElement | null)?.innerText.trim() ?? (r as HTMLElement).innerText.trim(), state: m ? m[1] : cls, depth: Number(r.getAttribute('aria-level') ?? 0) };
    }),
  );
}

async function rowState(page: Page, label: string): Promise<string | undefined> {
  return (await testRows(page)).find((r) => r.label.startsWith(label))?.state;
}

/** Opens the Testing view (clicking its activity bar icon again would close it). */
async function showTesting(page: Page): Promise<void> {
  if (!(await page.locator('.test-explorer').first().isVisible())) await page.locator('.activitybar .action-item a[aria-label^="Testing"]').first().click();
  await page.locator('.test-explorer').first().waitFor();
}

async function expand(page: Page, label: string): Promise<void> {
  const row = page.locator('.test-explorer .monaco-list-row', { hasText: label }).first();
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  await waitFor(`${label} expanded`, async () => row.getAttribute('aria-expanded'), (v) => v === 'true', 10_000);
}

/**
 * Opens the Test Results view on the latest run and clicks the result row of a test. The results
 * tree may show a run or the rule collapsed (it was added while still running), so those are
 * expanded until the test's row appears.
 */
async function revealResult(page: Page, ruleName: string, testName: string): Promise<void> {
  await runCommand(page, 'Test: Show Output');
  const rows = page.locator('.part.panel .monaco-list-row');
  const esc = testName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const target = rows.filter({ hasText: new RegExp(`^\\s*${esc}`) }).first();
  const end = Date.now() + 30_000;
  while (!(await target.isVisible())) {
    if (Date.now() > end) throw new Error(`no Test Results row "${testName}"; rows: ${JSON.stringify(await rows.allInnerTexts())}`);
    // Only the runs and the rule: expanding other rules could push the test out of the rendered rows.
    const closed = '.part.panel .monaco-list-row[aria-expanded="false"]';
    const collapsed = page.locator(`${closed}[aria-level="1"]`).or(page.locator(closed, { hasText: ruleName })).locator('.monaco-tl-twistie').first();
    if (await collapsed.isVisible()) await collapsed.click();
    else await page.waitForTimeout(500);
  }
  await target.click();
}

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  addFailingCopy();
  const failures = expectedFailures();
  if (failures.length < 3 || failures.some((n) => !n)) throw new Error(`the seed tests should name at least 3 failed restores: ${failures.join(', ')}`);
  const session = await openWorkbench(BASE, WS, RUN);
  const { page } = session;
  try {
    const ran = await check(page, 'Test Explorer: testing.runAll runs both rules; the seed passes, the copy without the outcome clause fails', async () => {
      // Opening a rule activates the extension; the controller lists rule tests once the server is up.
      await openFile(page, SEED_RULE);
      await page.locator('#status\\.editor\\.mode', { hasText: /TOML|EQL/ }).waitFor({ timeout: 60_000 });
      await showTesting(page);
      await waitFor('rule test items', () => testRows(page), (rows) => rows.some((r) => r.label.startsWith('AWS RDS DB Instance Restored')) && rows.some((r) => r.label.startsWith(FAILING_NAME)));
      await runCommand(page, 'Test: Run All Tests');
      await waitFor('seed passed', () => rowState(page, 'AWS RDS DB Instance Restored'), (s) => s === 'passed');
      await waitFor('copy failed', () => rowState(page, FAILING_NAME), (s) => s === 'failed');
    });

    if (ran) {
      await check(page, 'Test Explorer: in the failing copy exactly the failed restores fail, every other test line passes', async () => {
        await expand(page, FAILING_NAME);
        const rows = await testRows(page);
        const start = rows.findIndex((r) => r.label.startsWith(FAILING_NAME));
        const children = rows.slice(start + 1).filter((r, i, all) => all.slice(0, i + 1).every((x) => x.depth > rows[start].depth));
        const failed = children.filter((r) => r.state === 'failed').map((r) => r.label);
        const passed = children.filter((r) => r.state === 'passed').map((r) => r.label);
        const lines = readFileSync(join(WS, FAILING_TESTS), 'utf8').split('\n').filter((l) => l.startsWith('{')).length;
        // The list is virtualized: rows scrolled out of view are not in the DOM, so compare what is shown.
        assert.ok(children.length >= Math.min(lines, 8), `children shown: ${JSON.stringify(children)}`);
        for (const f of failed) assert.ok(failures.some((n) => f.startsWith(n)), `unexpected failure ${f}`);
        for (const p of passed) assert.ok(!failures.some((n) => p.startsWith(n)), `a failed restore passed: ${p}`);
        assert.ok(failed.length > 0, JSON.stringify(children));
        assert.equal(failed.length + passed.length, children.length, JSON.stringify(children));
      });

      await check(page, 'the failure is shown inline at the rule\'s query with expected vs actual and why', async () => {
        await openFile(page, FAILING);
        await goToLine(page, lineOf(join(WS, FAILING), 'any where event.dataset'));
        // The workbench's inline test message: a content widget (`.inner > span.content`) at the query's line.
        const inline = activeEditor(page).locator('.inner > span.content', { hasText: 'rule tests failed' }).first();
        await inline.waitFor({ timeout: 30_000 });
        const text = await inline.innerText();
        assert.match(text, new RegExp(`${failures.length} of \\d+ rule tests failed — line \\d+ `));
        for (const n of failures) assert.ok(text.includes(`${n}: expected no-match, actual match`), `${n} not in: ${text}`);
        // A failed test line in the Test Results view: its full message, with why it matched.
        await revealResult(page, FAILING_NAME, failures[0]);
        // The message is shown in an editor, which renders spaces as U+00A0.
        const panelText = async () => (await page.locator('.part.panel').first().innerText()).replace(/\u00a0/g, ' ');
        const shown = await waitFor('the failure message in Test Results', panelText, (t) => t.includes('Why it matched:'), 30_000);
        assert.match(shown, /expected no-match, actual match/);
        assert.match(shown, /\[true\] event\.action in/);
      });

      await check(page, 'code lens above the query: verdict and clause coverage', async () => {
        await openFile(page, SEED_RULE);
        await goToLine(page, lineOf(join(WS, SEED_RULE), 'any where event.dataset'));
        const lens = activeEditor(page).locator('.codelens-decoration', { hasText: 'Rule tests:' }).first();
        await lens.waitFor({ timeout: 30_000 });
        assert.match(await lens.innerText(), /Rule tests: \d+ passed · 4 of 4 conditions tested both ways/);
        await openFile(page, FAILING);
        await goToLine(page, lineOf(join(WS, FAILING), 'any where event.dataset'));
        const bad = activeEditor(page).locator('.codelens-decoration', { hasText: 'Rule tests:' }).first();
        await bad.waitFor({ timeout: 30_000 });
        assert.match(await bad.innerText(), new RegExp(`Rule tests: \\d+ passed, ${failures.length} failed · 3 of 3 conditions tested both ways`));
      });
      await page.screenshot({ path: join(RESULTS, 'test-explorer.png') });

      await check(page, 're-run on save: restoring the outcome clause in the copy makes its tests pass', async () => {
        await openFile(page, FAILING);
        await goToLine(page, lineOf(join(WS, FAILING), 'and event.action in'));
        await page.keyboard.press('End');
        await page.keyboard.type('\nand event.outcome == "success"');
        await page.keyboard.press('Control+S');
        await waitFor('copy passed after save', () => rowState(page, FAILING_NAME), (st) => st === 'passed');
      });

      await check(page, 'results panel: "Add to rule tests: match" appends the selected event to the rule\'s test file, which then runs', async () => {
        const testFile = join(WS, SEED_TESTS);
        const before = readFileSync(testFile, 'utf8').split('\n').filter((l) => l.startsWith('{')).length;
        await openFile(page, SEED_RULE);
        await runCommand(page, 'EQL: Run Rule on Samples');
        const panel = webview(page);
        await panel.locator('table.matches tr.row').first().click();
        await panel.locator('button[data-action="addToTests"][data-expect="match"]').click();
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill('added from the results panel');
        await page.keyboard.press('Enter');
        const lines = await waitFor('a new test line', async () => readFileSync(testFile, 'utf8').split('\n').filter((l) => l.startsWith('{')), (ls) => ls.length === before + 1);
        const added = JSON.parse(lines[lines.length - 1]) as { expect: string; name: string; event: Record<string, unknown> };
        assert.deepEqual([added.expect, added.name, typeof added.event.eventName], ['match', 'added from the results panel', 'string']);
        await showTesting(page);
        await expand(page, 'AWS RDS DB Instance Restored');
        await waitFor('the added test passes', () => rowState(page, 'added from the results panel'), (st) => st === 'passed');
      });
    }
  } finally {
    writeFileSync(join(RESULTS, 'testexplorer-console.log'), session.console.join('\n'));
    await session.close();
  }
  return checks.summary();
}

exitWith(main);
