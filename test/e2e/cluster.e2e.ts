// End-to-end: Elasticsearch connections and Run Rule on Cluster in the real workbench
// (code-server + Chromium), against the test Elasticsearch started by this script on 127.0.0.1
// (API key auth, the seed samples indexed). Adds a connection typing the secret at the prompt,
// runs the seed rule on the cluster and reads the panel, and sees Elasticsearch's error as a
// diagnostic (source Elasticsearch) at the right characters inside a TOML rule.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { SEED_RULE } from './prepareWorkspace';
import { lineOf, openFile, openWorkbench, runCommand, webview } from './workbench';
import { BASE_URL, Checks, exitWith, requiredEnv, RESULTS_DIR, waitFor } from './checks';
import { TestElasticsearch } from '../elasticsearch/server';
import { seedEvents, SEED_INDEX } from '../cluster/helpers';

const BASE = BASE_URL;
const WS = requiredEnv('E2E_WORKSPACE');
const RUN = requiredEnv('E2E_RUN');
const RESULTS = RESULTS_DIR;
const API_KEY = 'ZTJlOmUyZS1zZWNyZXQta2V5';
const UNKNOWN = 'e2e-cluster/unknown_column.toml';
const CONNECTION = 'e2e-test';

/** A copy of the seed rule whose query uses an ECS field the indexed CloudTrail documents never have. */
function addUnknownColumnRule(): void {
  const seed = readFileSync(join(WS, SEED_RULE), 'utf8');
  const copy = seed.replace('and event.outcome == "success"', 'and process.name == "x"').replace(/^rule_id = "[^"]*"/m, 'rule_id = "0e2e0000-0000-4000-8000-0000000c1a57"');
  if (!copy.includes('process.name')) throw new Error('the seed rule no longer has the clause the copy changes');
  mkdirSync(join(WS, 'e2e-cluster'), { recursive: true });
  writeFileSync(join(WS, UNKNOWN), copy);
}

/** Waits for the prompt that says `prompt` (the widget is reused between steps), then answers it. */
async function answer(page: Page, prompt: string, text: string): Promise<void> {
  await page.locator('.quick-input-widget', { hasText: prompt }).waitFor();
  const input = page.locator('.quick-input-widget input');
  await input.fill(text);
  await page.keyboard.press('Enter');
}

async function pick(page: Page, label: string): Promise<void> {
  await page.waitForTimeout(300);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor();
  await row.click();
}

const checks = new Checks(RESULTS, 'cluster');
const check = checks.run.bind(checks);

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  addUnknownColumnRule();
  const es = new TestElasticsearch({ apiKeys: [API_KEY] });
  es.index(SEED_INDEX, (await seedEvents()).map((e) => e.doc));
  const url = await es.start();
  const session = await openWorkbench(BASE, WS, RUN);
  const { page } = session;
  try {
    const added = await check(page, 'EQL: Add Elasticsearch Connection… asks step by step (the API key at a password prompt), tests it and names it in the status bar', async () => {
      await openFile(page, SEED_RULE);
      await page.locator('#status\\.editor\\.mode', { hasText: /TOML|EQL/ }).waitFor({ timeout: 60_000 });
      await runCommand(page, 'EQL: Add Elasticsearch Connection…');
      await answer(page, 'A name for this connection', CONNECTION);
      await answer(page, 'Elasticsearch URL, or an Elastic Cloud ID', url);
      await pick(page, 'API key');
      await answer(page, 'Kibana URL (optional', ''); // no Kibana URL
      const secret = page.locator('.quick-input-widget input[type="password"]');
      await secret.waitFor();
      await secret.fill(API_KEY);
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts', { hasText: `connected to eql-test-cluster (Elasticsearch` }).first().waitFor({ timeout: 30_000 });
      await page.locator('.statusbar-item', { hasText: CONNECTION }).first().waitFor();
      assert.ok(es.seen.some((s) => s.path === '/' && s.auth === 'apiKey'), 'GET / with the API key');
      const settings = readFileSync(join(RUN, 'user-data', 'User', 'settings.json'), 'utf8');
      assert.ok(settings.includes(`"${CONNECTION}"`), 'the profile is in the user settings');
      assert.ok(!settings.includes(API_KEY), 'the API key is not in the settings');
    });

    if (added) {
      await check(page, 'EQL: Run Rule on Cluster runs the seed rule on the test Elasticsearch and shows the results panel with the cluster line', async () => {
        await openFile(page, SEED_RULE);
        await runCommand(page, 'EQL: Run Rule on Cluster');
        await pick(page, 'Custom…');
        await answer(page, 'From', '2024-01-01T00:00:00Z');
        await answer(page, 'To', 'now');
        const panel = webview(page);
        const summary = panel.locator('#cluster-summary');
        await summary.waitFor({ timeout: 60_000 });
        const text = await summary.innerText();
        assert.match(text, new RegExp(`Cluster ${CONNECTION} · filebeat-\\*, logs-aws\\.cloudtrail-\\* · 2024-01-01T00:00:00Z → now · took \\d+ ms · 6 shown of 6 total`));
        assert.equal(await panel.locator('#count-matched').innerText(), '6');
        await page.screenshot({ path: join(RESULTS, 'cluster-panel.png') });
        const sent = es.seen.filter((s) => s.path.endsWith('/_eql/search')).pop();
        assert.equal((sent?.body as { size?: number }).size, 100);
      });

      await check(page, 'an Elasticsearch error (Unknown column) is a diagnostic with source Elasticsearch at the field inside the TOML query', async () => {
        await openFile(page, UNKNOWN);
        await runCommand(page, 'EQL: Run Rule on Cluster');
        await pick(page, 'Rule look-back');
        await page.keyboard.press('Control+Shift+M');
        const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Unknown column [process.name]' }).first();
        await row.waitFor({ timeout: 60_000 });
        const rowText = await row.innerText();
        const line = lineOf(join(WS, UNKNOWN), 'and process.name');
        const column = readFileSync(join(WS, UNKNOWN), 'utf8').split('\n')[line - 1].indexOf('process.name') + 1;
        assert.match(rowText, /Elasticsearch/);
        assert.ok(rowText.replace(/\s+/g, ' ').includes(`[Ln ${line}, Col ${column}]`), rowText);
        await page.screenshot({ path: join(RESULTS, 'cluster-error.png') });
        await waitFor('the panel says the query was rejected', () => webview(page).locator('body').innerText(), (t) => t.includes('Elasticsearch rejected the query'), 30_000);
      });

      await check(page, 'EQL: Compare with Cluster indexes the samples (after confirmation) and shows matched by both / only local / only cluster', async () => {
        await openFile(page, SEED_RULE);
        await runCommand(page, 'EQL: Compare with Cluster');
        await answer(page, 'you may write to', 'eql-rule-studio-samples');
        await page.locator('.monaco-dialog-box', { hasText: 'Create the index "eql-rule-studio-samples"' }).waitFor();
        await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Create' }).first().click();
        const summary = webview(page).locator('#compare-summary');
        await summary.waitFor({ timeout: 90_000 });
        assert.match(await summary.innerText(), /Compared on \d+ sample events in eql-rule-studio-samples: 6 matched by both · 0 only local · 0 only on the cluster — the answers agree\./);
        assert.ok(es.indices.has('eql-rule-studio-samples'));
        await page.screenshot({ path: join(RESULTS, 'cluster-compare.png') });
      });
    }
  } finally {
    await session.close();
    await es.stop();
  }
  return checks.summary();
}

exitWith(main);
