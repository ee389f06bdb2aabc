// End-to-end: the packaged extension inside the real VS Code workbench (code-server), driven by
// Chromium. Started by scripts/e2e/run.sh, which provides the server and a temporary workspace.
// Prints one line per test and a final "N passed, N failed"; exits non-zero on any failure.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { BROKEN_EQL, BROKEN_RULE, COMPLETION_EQL, EMPTY_EQL, EMPTY_FIELD, SEED_RULE } from './prepareWorkspace';
import { expectedMatches, readExpected } from './expected';
import { activeEditor, goToLine, lineOf, openFile, openWorkbench, runCommand, webview } from './workbench';
import { BASE_URL, Checks, exitWith, requiredEnv, RESULTS_DIR, waitFor } from './checks';

const BASE = BASE_URL;
const WS = requiredEnv('E2E_WORKSPACE');
const RUN = requiredEnv('E2E_RUN');
const RESULTS = RESULTS_DIR;
const XSS = '<img src=x onerror=alert(1)>';

const checks = new Checks(RESULTS, 'editor');
const check = checks.run.bind(checks);

async function waitForSquiggle(page: Page): Promise<void> {
  await activeEditor(page).locator('.squiggly-error').first().waitFor({ timeout: 60_000 });
}

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const session = await openWorkbench(BASE, WS, RUN);
  const { page } = session;
  const panel = webview(page);
  try {
    // Smoke first: everything else depends on the language server running in the extension host.
    await check(page, 'smoke: the language server starts and reports a syntax error in a .eql file', async () => {
      await openFile(page, BROKEN_EQL);
      await page.locator('#status\\.editor\\.mode', { hasText: 'EQL' }).waitFor({ timeout: 60_000 });
      await waitForSquiggle(page);
    });

    await check(page, 'seed rule: the TOML query is highlighted as EQL', async () => {
      await openFile(page, SEED_RULE);
      await goToLine(page, lineOf(join(WS, SEED_RULE), 'and event.outcome'));
      // A string, not a function: tsx would wrap named arrow functions in a helper the page lacks.
      await page.waitForFunction(
        `(() => {
          const spans = Array.from(document.querySelectorAll('.editor-group-container.active .monaco-editor .view-line span span'));
          const where = spans.find((s) => s.textContent === 'where');
          const str = spans.find((s) => (s.textContent || '').includes('"rds.amazonaws.com"'));
          return !!where && !!str && /\\bmtk\\d+\\b/.test(where.className) && getComputedStyle(where).color !== getComputedStyle(str).color;
        })()`,
        null,
        { timeout: 30_000 },
      );
    });

    await check(page, 'broken copy of the seed rule: a diagnostic inside the query', async () => {
      await openFile(page, BROKEN_RULE);
      await goToLine(page, lineOf(join(WS, BROKEN_RULE), 'and event.outcome'));
      await waitForSquiggle(page);
      const line = await activeEditor(page).locator('.view-line', { hasText: 'event.outcome ==' }).count();
      assert.ok(line > 0, 'the broken line is on screen');
    });

    await check(page, 'seed rule: zero diagnostics beside its broken copy', async () => {
      await openFile(page, SEED_RULE);
      await goToLine(page, lineOf(join(WS, SEED_RULE), 'rule_id'));
      // The broken copy's squiggle proved the server is up; give the seed's diagnostics time to land.
      await page.waitForTimeout(3_000);
      const marks = await activeEditor(page).locator('.squiggly-error, .squiggly-warning, .squiggly-info').count();
      assert.equal(marks, 0, 'the seed rule shows a squiggle');
    });

    await check(page, 'completion at `event.` offers ECS fields', async () => {
      await openFile(page, COMPLETION_EQL);
      await activeEditor(page).locator('.view-line').first().click();
      await page.keyboard.press('Control+Home');
      await page.keyboard.press('End');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('.');
      const suggest = page.locator('.editor-widget.suggest-widget.visible');
      if (!(await suggest.isVisible())) await page.keyboard.press('Control+Space');
      await suggest.locator('.monaco-list-row', { hasText: /^action|action/ }).first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Escape');
    });

    const expected = expectedMatches(WS);
    const ran = await check(page, `run the seed rule: the panel lists exactly the ${expected.length} expected events`, async () => {
      await openFile(page, SEED_RULE);
      await runCommand(page, 'EQL: Run Rule on Samples');
      await panel.locator('#count-matched').waitFor({ timeout: 90_000 });
      const rows = panel.locator('table.matches tr.row');
      await rows.first().waitFor();
      const listed = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ')));
      assert.equal(listed.length, expected.length, `rows:\n${listed.join('\n')}`);
      for (const e of expected) assert.ok(listed.some((row) => e.every((part) => row.includes(part))), `no row with ${e.join(' + ')}:\n${listed.join('\n')}`);
      assert.equal((await panel.locator('#count-matched').innerText()).trim(), String(expected.length));
    });

    if (ran) {
      await check(page, 'panel: lists the sample files read and the CloudTrail digest file skipped, with why', async () => {
        const files = panel.locator('details.sample-files');
        await files.waitFor();
        const text = (await files.innerText()).replace(/\s+/g, ' ');
        assert.match(text, /3 sample files read, 1 skipped/, text);
        assert.match(text, /CloudTrail-Digest\S* skipped: 0 events: CloudTrail digest file/, text);
      });

      await check(page, 'status bar command: lists the sample files the run reads', async () => {
        await runCommand(page, 'EQL: Show Sample Files and Field Catalogs');
        const widget = page.locator('.quick-input-widget');
        await widget.locator('.monaco-list-row', { hasText: 'Choose Sample Files' }).first().waitFor();
        const text = (await widget.innerText()).replace(/\s+/g, ' ');
        assert.match(text, /Sample files runs read: 4 files from samples\/cloudtrail/, text);
        await page.keyboard.press('Escape');
      });

      await check(page, 'panel: rows are sortable and keyboard-navigable', async () => {
        await panel.locator('th button.sort', { hasText: '@timestamp' }).click();
        await panel.locator('th[aria-sort="ascending"]', { hasText: '@timestamp' }).waitFor();
        const times = await panel.locator('table.matches tr.row td:nth-child(2)').allInnerTexts();
        assert.deepEqual(times, [...times].sort());
        await panel.locator('table.matches tr.row').first().click();
        await page.keyboard.press('ArrowDown');
        const second = await panel.locator('table.matches tr.row').nth(1).getAttribute('aria-selected');
        assert.equal(second, 'true');
        await panel.locator('#detail .tree').first().waitFor();
      });

      await check(page, 'panel: "Export CSV" saves the matches to a file, "Copy as JSON" copies the selected event', async () => {
        const { matches } = readExpected(WS);
        await panel.locator('button[data-action="export"][data-format="csv"]').click();
        // The web workbench's save dialog is a quick input holding the proposed path.
        // It fills the folder first, then the file name.
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        const target = await waitFor('the proposed file name', () => input.inputValue(), (v) => v.endsWith('-matches.csv'), 30_000);
        await page.keyboard.press('Enter');
        await page.locator('.notifications-toasts', { hasText: `Exported ${matches.length} matches` }).waitFor();
        const csv = readFileSync(target.startsWith('/') ? target : join(WS, target), 'utf8');
        const lines = csv.trimEnd().split('\r\n');
        assert.equal(lines.length, matches.length + 1, csv);
        for (const m of matches) assert.ok(lines.some((l) => l.includes(m.eventName)), `${m.eventName} not exported:\n${csv}`);

        await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(BASE).origin });
        await panel.locator('table.matches tr.row').first().click();
        await panel.locator('#detail button[data-action="copy"]').click();
        await page.locator('.statusbar', { hasText: 'Match copied as JSON' }).waitFor();
        const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { event?: { id?: string } };
        assert.ok(matches.some((m) => m.eventID === copied.event?.id), `copied: ${JSON.stringify(copied).slice(0, 300)}`);
        await runCommand(page, 'Notifications: Clear All Notifications');
      });

      await check(page, 'live preview: saving the rule re-runs it and the panel follows', async () => {
        const outcome = (await panel.locator('th button.sort').allInnerTexts()).findIndex((t) => t.startsWith('event.outcome')) + 2;
        assert.ok(outcome > 1, 'an event.outcome column');
        await page.locator('.tabs-container .tab', { hasText: 'aws_rds_db_instance_restored.toml' }).first().click();
        await goToLine(page, lineOf(join(WS, SEED_RULE), 'and event.outcome == "success"'));
        await page.keyboard.press('End');
        await page.keyboard.press('Shift+Home');
        await page.keyboard.type('and event.outcome == "failure"');
        await page.keyboard.press('Control+S');
        const failureRows = panel.locator(`table.matches tr.row td:nth-child(${outcome})`, { hasText: 'failure' });
        await failureRows.first().waitFor({ timeout: 60_000 });
        const outcomes = await panel.locator(`table.matches tr.row td:nth-child(${outcome})`).allInnerTexts();
        assert.ok(outcomes.length > 0 && outcomes.every((o) => o === 'failure'), outcomes.join(','));
        // Put the rule back and let the panel return to the expected matches.
        await page.keyboard.press('Shift+Home');
        await page.keyboard.type('and event.outcome == "success"');
        await page.keyboard.press('Control+S');
        await panel.locator(`table.matches tr.row td:nth-child(${outcome})`, { hasText: 'success' }).first().waitFor({ timeout: 60_000 });
        assert.equal(await panel.locator('table.matches tr.row').count(), expected.length);
        // The rule tests re-ran on both saves; the lens must show the verdict of the last one.
        await activeEditor(page).locator('.codelens-decoration', { hasText: /Rule tests: \d+ passed ·/ }).first().waitFor({ timeout: 30_000 });
      });

      // More room for the panel in the screenshots.
      await runCommand(page, 'View: Close Primary Side Bar');
      await panel.locator('table.matches tr.row').first().click();
      await page.screenshot({ path: join(RESULTS, 'editor-panel-dark.png') });

      await check(page, 'panel: the XSS sample value is shown as text, never as markup', async () => {
        const row = panel.locator('table.matches tr.row', { hasText: XSS });
        if ((await panel.locator('#detail li.leaf', { hasText: XSS }).count()) === 0) {
          if ((await row.count()) > 0) await row.first().click();
          else {
            await panel.locator('#search').fill('onerror');
            await panel.locator('#search').press('Enter');
            await panel.locator('.picks button.pick').first().click();
          }
        }
        // The document opens only the branches the query uses: expand user_agent to see the value.
        const userAgent = panel.locator('#detail details:not([open]) > summary', { hasText: 'user_agent' });
        if ((await userAgent.count()) > 0) await userAgent.first().click();
        await panel.locator('#detail li.leaf', { hasText: XSS }).first().waitFor();
        assert.equal(await panel.locator('img').count(), 0, 'no <img> element in the panel');
      });

      await check(page, 'Why not?: a failed AccessDenied restore fails on event.outcome == "success"', async () => {
        await panel.locator('#search').fill('AccessDenied');
        await panel.locator('#search').press('Enter');
        await panel.locator('.picks button.pick').first().click();
        const clause = panel.locator('#explain .clause.v-false', { hasText: 'event.outcome == "success"' });
        await clause.first().waitFor();
        await clause.first().scrollIntoViewIfNeeded();
      });
      await page.screenshot({ path: join(RESULTS, 'panel-why-not-dark.png') });

      await check(page, 'light theme: the panel follows the workbench colours', async () => {
        const before = await panel.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
        await runCommand(page, 'Preferences: Color Theme');
        // The theme picker reuses the focused quick input: type into it, then pick the row.
        await page.locator('.quick-input-list .monaco-list-row', { hasText: /Dark Modern/ }).first().waitFor();
        await page.keyboard.type('Light Modern');
        await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /Light Modern$/ }) }).first().click();
        await page.locator('.monaco-workbench.vs').waitFor({ timeout: 30_000 });
        await panel.locator('#explain').scrollIntoViewIfNeeded();
        await page.waitForTimeout(500);
        const after = await panel.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
        assert.notEqual(after, before);
        await page.screenshot({ path: join(RESULTS, 'panel-why-not-light.png') });
        await panel.locator('table.matches tr.row').first().click();
        await panel.locator('table.matches').scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(RESULTS, 'editor-panel-light.png') });
      });

      await check(page, 'empty state: no match, and how many events have the query field', async () => {
        await openFile(page, EMPTY_EQL);
        await runCommand(page, 'EQL: Run Rule on Samples');
        const events = readExpected(WS).events.toLocaleString('en-US');
        await panel.locator('#empty', { hasText: `0 of ${events} events have ${EMPTY_FIELD}` }).waitFor({ timeout: 60_000 });
        await panel.locator('#empty', { hasText: 'Likely reason' }).waitFor();
      });
    }
  } finally {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(RESULTS, 'console.log'), session.console.join('\n'));
    await session.close();
  }
  // The README's panel pictures come from panel.e2e.ts (E2E_UPDATE_DOCS).
  return checks.summary();
}

exitWith(main);
