// End-to-end: typing rules the way a person does — key by key, 30–200 ms a key, Enter at each
// line end and never Escape — must leave exactly the typed text: completion may show, but it
// never takes an Enter (issue 13, points 1–3). And field completion opens by itself after `event.`.
// A new rules/*.toml file becomes a detection rule as its [metadata] header is typed (point 7).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { HELP_RULE, TYPED_EVENT, TYPED_FIELDS, TYPED_RULE, TYPED_SEQUENCE } from './prepareWorkspace';
import { activeEditor, openFile, openWorkbench } from './workbench';
import { BASE_URL, Checks, exitWith, RESULTS_DIR, waitFor } from './checks';
import { Person } from './person';

const BASE = BASE_URL;
const WS = process.env.E2E_WORKSPACE ?? '';
const RUN = process.env.E2E_RUN ?? '';
const RESULTS = RESULTS_DIR;

const EVENT_RULE = `iam where event.action == "CreateUser"
  and event.outcome == "success" and
  user.name != null
  and source.ip != null`;

const SEQUENCE_RULE = `sequence by user.name with maxspan=10m
  [iam where event.action == "CreateUser"]
  [iam where event.action == "CreateAccessKey"]
  [any where event.provider == "iam.amazonaws.com"]`;

const TOML_RULE = `[metadata]
creation_date = "2026/01/05"
maturity = "development"
updated_date = "2026/01/05"

[rule]
author = ["Elastic"]
description = "Typed key by key."
from = "now-9m"
index = ["logs-aws.cloudtrail-*"]
language = "eql"
license = "Elastic License v2"
name = "Typed rule"
risk_score = 21
rule_id = "6f1ad9a4-32c1-4a8e-9a4f-2b5c9d3e7f10"
severity = "low"
type = "eql"
query = '''
sequence by user.name with maxspan=10m
[iam where event.action == "CreateUser"]
[iam where event.action == "CreateAccessKey" and event.outcome == "success"]
'''
`;

// A repeatable "person": 30–200 ms a key.
const person = new Person(13, 30, 200);
const typeLikeAPerson = (page: Page, text: string) => person.type(page, text);

async function typeAndSave(page: Page, file: string, text: string): Promise<string> {
  await openFile(page, file);
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await typeLikeAPerson(page, text);
  await page.keyboard.press('Control+S');
  return waitFor(`${file} saved`, async () => readFileSync(join(WS, file), 'utf8'), (t) => t.length >= text.length - 1, 30_000);
}

const checks = new Checks(RESULTS, 'typing');
const check = checks.run.bind(checks);

async function main(): Promise<number> {
  if (!WS || !RUN) throw new Error('E2E_WORKSPACE / E2E_RUN are not set: run through scripts/e2e/run.sh (npm run test:e2e)');
  mkdirSync(RESULTS, { recursive: true });
  const session = await openWorkbench(BASE, WS, RUN);
  const { page } = session;
  try {
    await check(page, 'typing an event query key by key, Enter at each line end: the saved file is exactly what was typed', async () => {
      assert.equal(await typeAndSave(page, TYPED_EVENT, EVENT_RULE), EVENT_RULE);
    });

    await check(page, 'typing a sequence key by key (lines ending in `10m`, `"`, `]`): exactly what was typed', async () => {
      assert.equal(await typeAndSave(page, TYPED_SEQUENCE, SEQUENCE_RULE), SEQUENCE_RULE);
    });

    await check(page, 'typing a detection rule into a new rules/*.toml: it becomes a detection rule as [metadata] is typed, and is saved exactly as typed', async () => {
      await openFile(page, TYPED_RULE);
      await activeEditor(page).locator('.view-lines').click();
      await typeLikeAPerson(page, '[metadata]\n');
      await page.locator('#status\\.editor\\.mode', { hasText: 'EQL Detection Rule' }).waitFor({ timeout: 30_000 });
      await typeLikeAPerson(page, TOML_RULE.slice('[metadata]\n'.length));
      await page.keyboard.press('Control+S');
      const saved = await waitFor('the rule saved', async () => readFileSync(join(WS, TYPED_RULE), 'utf8'), (t) => t.length >= TOML_RULE.length - 1, 30_000);
      assert.equal(saved, TOML_RULE);
    });

    await check(page, 'field completion opens by itself after `event.` typed key by key', async () => {
      await openFile(page, TYPED_FIELDS);
      await activeEditor(page).locator('.view-lines').click();
      await typeLikeAPerson(page, 'any where event.');
      const suggest = page.locator('.editor-widget.suggest-widget.visible');
      await suggest.locator('.monaco-list-row', { hasText: 'action' }).first().waitFor({ timeout: 15_000 });
      // ... and keeps filtering as the name is typed; a complete name closes it, so Enter is a new line.
      await typeLikeAPerson(page, 'outc');
      await suggest.locator('.monaco-list-row', { hasText: 'outcome' }).first().waitFor({ timeout: 15_000 });
      await typeLikeAPerson(page, 'ome == "success"\n  and true');
      await page.keyboard.press('Control+S');
      const expected = 'any where event.outcome == "success"\n  and true';
      const saved = await waitFor('saved', async () => readFileSync(join(WS, TYPED_FIELDS), 'utf8'), (t) => t.length >= expected.length, 30_000);
      assert.equal(saved, expected);
    });

    await check(page, 'TOML help: [rule] keys with their docs, then the values of the key', async () => {
      await openFile(page, HELP_RULE);
      await activeEditor(page).locator('.view-lines').click();
      await typeLikeAPerson(page, '[rule]\nrisk_score = 73\nsev');
      const suggest = page.locator('.editor-widget.suggest-widget.visible');
      await suggest.locator('.monaco-list-row', { hasText: 'severity' }).first().waitFor({ timeout: 15_000 });
      // A list opened while typing has nothing selected (Enter stays a new line): ↓ selects, and the
      // docs show beside the selected key (Ctrl+Space toggles them the first time).
      const docs = page.locator('.suggest-details-container', { hasText: 'low, medium, high or critical' });
      for (let attempt = 0; attempt < 6 && !(await docs.first().isVisible()); attempt++) {
        const focused = await suggest.locator('.monaco-list-row.focused', { hasText: 'severity' }).count();
        await page.keyboard.press(focused ? 'Control+Space' : 'ArrowDown');
        await page.waitForTimeout(700);
      }
      await docs.first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(RESULTS, 'toml-help-keys.png') });
      await typeLikeAPerson(page, 'erity = "');
      await suggest.locator('.monaco-list-row', { hasText: 'critical' }).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(RESULTS, 'toml-help-values.png') });
    });
  } finally {
    writeFileSync(join(RESULTS, 'typing-console.log'), session.console.join('\n'));
    await session.close();
  }
  if (process.env.E2E_UPDATE_DOCS && checks.failed === 0) {
    mkdirSync('docs/images', { recursive: true });
    for (const name of ['toml-help-keys', 'toml-help-values']) copyFileSync(join(RESULTS, `${name}.png`), join('docs', 'images', `${name}.png`));
  }
  return checks.summary();
}

exitWith(main);
