// Takes the README's feature pictures in the real VS Code workbench (code-server + Chromium).
// Started by scripts/screenshots/take.sh, which packages the extension, serves code-server on its
// own port over a temporary copy of test-fixtures/ and stops it afterwards. Each picture waits
// for the feature's own widget (squiggle, hover, suggest list, ...) before it is taken, so a
// feature that does not show up fails the run instead of producing an empty picture.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Locator, Page } from 'playwright-core';

const BASE = required('SHOTS_BASE_URL');
const WS = required('SHOTS_WORKSPACE');
const RUN = required('SHOTS_RUN');
const OUT = process.env.SHOTS_OUT ?? join(process.cwd(), 'docs', 'images');
const ONLY = (process.env.SHOTS_ONLY ?? '').split(',').filter(Boolean);
const WIDTH = 1280;
const HEIGHT = 800;
// 2x device pixels: the pictures stay sharp on high-density screens where READMEs are mostly read.
const SCALE = Number(process.env.SHOTS_SCALE ?? 2);
const MAX_BYTES = 300 * 1024;
// Whole-window pictures of failed shots and the page console (test-results/ is git-ignored).
const FAILURES = join(process.cwd(), 'test-results', 'screenshots');

const SEED_RULE = 'rules/aws_rds_db_instance_restored.toml';
const SEED_EQL = 'rules/aws_rds_db_instance_restored.eql';
const SEED_TESTS = 'rules/aws_rds_db_instance_restored.test.ndjson';
const SEED_RULE_ID = '08ed2a7b-208b-45ff-8ddf-d1ab6e0a6fec';
const SEQUENCE_RULE = 'rules/sequence_rule.toml';
const BROKEN_RULE = 'screens/rds_db_instance_restored_broken.toml';
const FIELDS_EQL = 'screens/fields.eql';
const VALUES_EQL = 'screens/api_names.eql';
const SIGNATURE_EQL = 'screens/signature.eql';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through scripts/screenshots/take.sh (npm run screenshots)`);
  return v;
}

/** The files the pictures open, written into the temporary workspace (never the repo). */
function prepareWorkspace(): void {
  mkdirSync(join(WS, 'screens'), { recursive: true });
  const seed = readFileSync(join(WS, SEED_RULE), 'utf8');
  // Its own rule_id: a copy of the seed's would be flagged as a duplicate in both files.
  const broken = seed
    .replace('and event.action in', 'and event.actoin in')
    .replace('and event.outcome == "success"', 'and event.outcome = "success"')
    .replace(/^rule_id = ".*"$/m, 'rule_id = "3c1e9d52-6a0f-4b7e-9f21-5d8a7c4e0b13"');
  if (broken.includes(SEED_RULE_ID) || !broken.includes('event.actoin') || !broken.includes('event.outcome = "success"')) throw new Error('the seed rule no longer has the clauses the broken copy changes');
  writeFileSync(join(WS, BROKEN_RULE), broken);
  // Rule-test fixtures that fail on purpose (TEST4xx) belong to the tests, not to the Testing view's picture.
  rmSync(join(WS, 'ruletests'), { recursive: true, force: true });
  // The last word is completed by typing the '.' (a trigger character), as a user would.
  writeFileSync(join(WS, FIELDS_EQL), 'any where event.dataset == "aws.cloudtrail"\nand event\n');
  writeFileSync(join(WS, VALUES_EQL), 'any where event.provider == "rds.amazonaws.com" and event.action in \n');
  writeFileSync(join(WS, SIGNATURE_EQL), 'process where startsWith~(process.name)\n');
  mkdirSync(join(WS, '.vscode'), { recursive: true });
  writeFileSync(
    join(WS, '.vscode', 'settings.json'),
    JSON.stringify({ 'eqlRuleStudio.samples': ['samples/cloudtrail/*.{json,gz,log}'], 'outline.collapseItems': 'alwaysExpand' }, null, 2),
  );
}

// Small workbench helpers of our own (the e2e ones belong to the e2e tests and change with them).
function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

async function quickOpen(page: Page, text: string): Promise<Locator> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
  return page.locator('.quick-input-list .monaco-list-row');
}

/** Runs a command by its palette title (the row whose label starts with it). */
async function runCommand(page: Page, title: string): Promise<void> {
  const rows = await quickOpen(page, `>${title}`);
  await rows.filter({ has: page.locator('.label-name', { hasText: title }) }).first().click();
}

/** Opens a workspace file through Quick Open and waits until its editor is active. */
async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop() as string;
  const rows = await quickOpen(page, relativePath);
  await rows.filter({ has: page.locator('.label-name', { hasText: name }) }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await activeEditor(page).locator('.view-lines').waitFor();
}

async function goToLine(page: Page, line: number): Promise<void> {
  await cursorAt(page, line, 1);
}

/** The 1-based line of the first occurrence of `text` in a file. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not found in ${file}`);
  return index + 1;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error(`not on screen: ${l.toString()}`);
  return b;
}

/** The smallest rectangle around the boxes, padded, inside the window. */
function around(boxes: Box[], pad = 12): Box {
  const x0 = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  const y0 = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const x1 = Math.min(WIDTH, Math.max(...boxes.map((b) => b.x + b.width)) + pad);
  const y1 = Math.min(HEIGHT, Math.max(...boxes.map((b) => b.y + b.height)) + pad);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The active editor group from its tab bar down to `bottom` (a widget's lower edge), full width. */
async function editorDownTo(page: Page, bottom: number): Promise<Box> {
  const group = await box(page.locator('.editor-group-container.active'));
  return { x: group.x, y: group.y, width: group.width, height: Math.min(group.y + group.height, bottom + 16) - group.y };
}

/** At device scale when that stays within the size budget, else at CSS scale (large areas). */
async function shoot(page: Page, name: string, clip?: Box): Promise<void> {
  // Let hover/suggest fade-in animations finish.
  await page.waitForTimeout(600);
  const file = join(OUT, name);
  let scale: 'css' | 'device' = 'device';
  await page.screenshot({ path: file, clip, scale, animations: 'disabled', caret: 'hide' });
  if (statSync(file).size > MAX_BYTES) {
    scale = 'css';
    await page.screenshot({ path: file, clip, scale, animations: 'disabled', caret: 'hide' });
  }
  const size = statSync(file).size;
  console.log(`  ${name}: ${clip ? `${Math.round(clip.width)}x${Math.round(clip.height)}` : `${WIDTH}x${HEIGHT}`} css px at ${scale} scale, ${Math.round(size / 1024)} KB`);
  if (size > MAX_BYTES) throw new Error(`${name} is ${Math.round(size / 1024)} KB (limit ${MAX_BYTES / 1024} KB)`);
}

/** Scrolls the active editor (cursor unmoved) until the line holding `text` is the second one on screen. */
async function bringNearTop(page: Page, text: string): Promise<void> {
  const editor = activeEditor(page);
  const viewTop = (await box(editor)).y;
  for (let i = 0; i < 40; i++) {
    const line = editor.locator('.view-line', { hasText: text }).first();
    const b = (await line.count()) > 0 ? await line.boundingBox() : null;
    if (!b || b.y - viewTop < b.height * 1.5) break;
    await page.keyboard.press('Control+ArrowDown');
    await page.waitForTimeout(50);
  }
}

/** Drags a resizable widget's lower edge down (the suggest list: more fields on screen). */
async function taller(page: Page, widget: Locator, by: number): Promise<void> {
  const sash = widget.locator('.monaco-sash.horizontal').last();
  if ((await sash.count()) === 0) return;
  const b = await sash.boundingBox();
  if (!b) return;
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x, y + by, { steps: 8 });
  await page.mouse.up();
  await page.mouse.move(WIDTH / 2, 10);
}

/** Drags the side bar's edge so long labels are not cut. */
async function widenSideBar(page: Page, width: number): Promise<void> {
  const bar = await box(page.locator('#workbench\\.parts\\.sidebar'));
  if (Math.abs(bar.width - width) < 8) return;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(bar.x + bar.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(bar.x + width - 1, y, { steps: 8 });
  await page.mouse.up();
  // Away from the sash, whose hover highlight would show in the picture.
  await page.mouse.move(WIDTH / 2, 10);
}

/** A clean window: no editors, no panel, no widgets, the Explorer side bar. */
async function reset(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  // Typed-into files are reverted, so Close All never stops at a "save changes?" dialog.
  for (let i = 0; i < 10 && (await page.locator('.tabs-container .tab.dirty').count()) > 0; i++) {
    await page.locator('.tabs-container .tab.dirty').first().click();
    await runCommand(page, 'View: Revert and Close Editor');
    await page.waitForTimeout(300);
  }
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.editor-group-container .tab').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  if (await page.locator('.part.panel.bottom').isVisible()) await runCommand(page, 'View: Hide Panel');
  await runCommand(page, 'View: Show Explorer');
}

/** Puts the cursor at a 1-based line and column (Quick Open's `:line:column`). */
async function cursorAt(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

function position(file: string, text: string, offsetInText = 0): { line: number; column: number } {
  const line = lineOf(join(WS, file), text);
  const column = readFileSync(join(WS, file), 'utf8').split('\n')[line - 1].indexOf(text) + 1 + offsetInText;
  return { line, column };
}

/** Ends the active editor's line `line` with the cursor, then types `text` key by key. */
async function typeAtEndOf(page: Page, line: number, text: string): Promise<void> {
  await goToLine(page, line);
  await page.keyboard.press('End');
  await page.keyboard.type(text, { delay: 60 });
}

async function showHover(page: Page): Promise<Locator> {
  const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
  // Asked before the language server has started, the hover comes back empty and never shows:
  // ask again.
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Show or Focus Hover');
    try {
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt === 4) throw e;
    }
  }
  // It grows as its markdown renders: measure it once it has settled.
  let last = '';
  for (let i = 0; i < 20; i++) {
    const b = JSON.stringify(await hover.boundingBox());
    if (b === last) break;
    last = b;
    await page.waitForTimeout(250);
  }
  return hover;
}

/** The schema status names the samples once the server has read them (completion then marks fields and values seen in them). */
async function samplesLoaded(page: Page): Promise<void> {
  await page.locator('.statusbar-item', { has: page.locator('.codicon-database') }).filter({ hasText: 'samples' }).first().waitFor({ timeout: 60_000 });
}

async function waitForDiagnostics(page: Page): Promise<void> {
  await activeEditor(page).locator('.squiggly-error, .squiggly-warning').first().waitFor({ timeout: 60_000 });
}

const shots: { name: string; take(page: Page): Promise<void> }[] = [
  {
    name: 'diagnostics.png',
    async take(page) {
      await openFile(page, BROKEN_RULE);
      await runCommand(page, 'View: Focus Problems');
      const problems = page.locator('.part.panel .markers-panel .monaco-list-row');
      await problems.filter({ hasText: 'event.actoin' }).first().waitFor({ timeout: 60_000 });
      await problems.filter({ hasText: "'=='" }).first().waitFor({ timeout: 30_000 });
      const at = position(BROKEN_RULE, 'event.actoin', 7);
      await cursorAt(page, at.line, at.column);
      await waitForDiagnostics(page);
      // The query near the top leaves room below it for the hover inside the editor.
      await bringNearTop(page, 'type = "eql"');
      const hover = await showHover(page);
      await hover.filter({ hasText: 'event.action' }).waitFor();
      // Down to the last problem: the rest of the panel is empty.
      const editor = await box(page.locator('.part.editor'));
      const last = await box(problems.last());
      await shoot(page, 'diagnostics.png', { x: editor.x, y: editor.y, width: editor.width, height: last.y + last.height + 12 - editor.y });
    },
  },
  {
    name: 'quick-fix.png',
    async take(page) {
      await openFile(page, BROKEN_RULE);
      const at = position(BROKEN_RULE, 'event.actoin', 7);
      await cursorAt(page, at.line, at.column);
      await waitForDiagnostics(page);
      await bringNearTop(page, 'type = "eql"');
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget').first();
      await menu.waitFor({ state: 'visible', timeout: 30_000 });
      await menu.locator('.monaco-list-row', { hasText: 'event.action' }).first().waitFor({ timeout: 30_000 });
      const m = await box(menu);
      await shoot(page, 'quick-fix.png', await editorDownTo(page, m.y + m.height));
    },
  },
  {
    name: 'completion.png',
    async take(page) {
      await openFile(page, FIELDS_EQL);
      await samplesLoaded(page);
      await typeAtEndOf(page, 2, '.');
      const suggest = page.locator('.editor-widget.suggest-widget.visible');
      await suggest.waitFor({ timeout: 30_000 }).catch(async () => page.keyboard.press('Control+Space'));
      await suggest.locator('.monaco-list-row', { hasText: 'action' }).first().waitFor({ timeout: 30_000 });
      // The details side pane (type, description) opens with a second Ctrl+Space.
      const details = page.locator('.suggest-details-container .suggest-details');
      if (!(await details.isVisible())) await page.keyboard.press('Control+Space');
      await details.waitFor({ state: 'visible', timeout: 10_000 });
      await taller(page, suggest, 110);
      const s = await box(suggest);
      const d = await box(details);
      await shoot(page, 'completion.png', await editorDownTo(page, Math.max(s.y + s.height, d.y + d.height)));
    },
  },
  {
    name: 'completion-values.png',
    async take(page) {
      await openFile(page, VALUES_EQL);
      await samplesLoaded(page);
      await typeAtEndOf(page, 1, '(');
      const suggest = page.locator('.editor-widget.suggest-widget.visible');
      await suggest.waitFor({ timeout: 30_000 }).catch(async () => page.keyboard.press('Control+Space'));
      await suggest.locator('.monaco-list-row', { hasText: 'RestoreDBInstance' }).first().waitFor({ timeout: 30_000 });
      const s = await box(suggest);
      const details = page.locator('.suggest-details-container .suggest-details');
      const d = (await details.isVisible()) ? await box(details) : s;
      await shoot(page, 'completion-values.png', await editorDownTo(page, Math.max(s.y + s.height, d.y + d.height)));
    },
  },
  {
    name: 'hover.png',
    async take(page) {
      await openFile(page, SEED_EQL);
      // event.action: ECS's description of event.outcome is longer than the hover's maximum height.
      const at = position(SEED_EQL, 'event.action', 8);
      await cursorAt(page, at.line, at.column);
      const hover = await showHover(page);
      await hover.filter({ hasText: 'keyword' }).waitFor({ timeout: 30_000 });
      const h = await box(hover);
      await shoot(page, 'hover.png', await editorDownTo(page, Math.max(h.y + h.height, (await box(activeEditor(page).locator('.view-line').nth(3))).y + 20)));
    },
  },
  {
    name: 'signature-help.png',
    async take(page) {
      await openFile(page, SIGNATURE_EQL);
      await goToLine(page, 1);
      await page.keyboard.press('End');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.type(', ', { delay: 60 });
      const hints = page.locator('.editor-widget.parameter-hints-widget.visible');
      await hints.waitFor({ timeout: 30_000 }).catch(async () => page.keyboard.press('Control+Shift+Space'));
      await hints.waitFor({ timeout: 30_000 });
      // A completion list may open on the ' ' too: the picture is about the signature.
      if (await page.locator('.editor-widget.suggest-widget.visible').isVisible()) await page.keyboard.press('Escape');
      await hints.filter({ hasText: 'startsWith' }).waitFor({ timeout: 10_000 });
      const h = await box(hints);
      await shoot(page, 'signature-help.png', await editorDownTo(page, h.y + h.height + 8));
    },
  },
  {
    name: 'outline.png',
    async take(page) {
      await openFile(page, SEQUENCE_RULE);
      await goToLine(page, lineOf(join(WS, SEQUENCE_RULE), 'sequence by'));
      await runCommand(page, 'Explorer: Focus on Outline View');
      const outline = page.locator('.outline-pane .monaco-list-row');
      await outline.filter({ hasText: 'sequence' }).first().waitFor({ timeout: 60_000 });
      await outline.filter({ hasText: '1. [iam where' }).first().waitFor({ timeout: 30_000 });
      // The folder tree above would leave the outline a few rows: fold it.
      const folders = page.locator('.pane-header', { hasText: /^\s*workspace/i }).first();
      if ((await folders.getAttribute('aria-expanded')) === 'true') await folders.click();
      await widenSideBar(page, 460);
      // Selecting a step shows the link to the editor (and moves focus off the folded header).
      await outline.filter({ hasText: '1. [iam where' }).first().click();
      await shoot(page, 'outline.png', { x: 0, y: 0, width: WIDTH, height: 500 });
    },
  },
  {
    name: 'test-explorer.png',
    async take(page) {
      await openFile(page, SEED_RULE);
      await goToLine(page, lineOf(join(WS, SEED_RULE), 'any where event.dataset'));
      await runCommand(page, 'View: Show Testing');
      const rows = page.locator('.test-explorer .monaco-list-row');
      await rows.filter({ hasText: 'AWS RDS DB Instance Restored' }).first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'Test: Run All Tests');
      const seed = rows.filter({ hasText: 'AWS RDS DB Instance Restored' }).first();
      await seed.locator('.codicon-testing-passed-icon').waitFor({ timeout: 90_000 });
      if ((await seed.getAttribute('aria-expanded')) === 'false') await seed.locator('.monaco-tl-twistie').click();
      await page.locator('.test-explorer .monaco-list-row[aria-level="2"]').first().waitFor();
      await activeEditor(page).locator('.codelens-decoration', { hasText: 'Rule tests:' }).first().waitFor({ timeout: 30_000 });
      // The Test Results panel opens on a run; the picture is about the tree and the code lens.
      if (await page.locator('.part.panel.bottom').isVisible()) await runCommand(page, 'View: Hide Panel');
      await widenSideBar(page, 460);
      await goToLine(page, lineOf(join(WS, SEED_RULE), 'any where event.dataset'));
      const last = await box(rows.last());
      await shoot(page, 'test-explorer.png', { x: 0, y: 0, width: WIDTH, height: Math.max(520, last.y + last.height + 24) });
    },
  },
  {
    name: 'status-bar.png',
    async take(page) {
      await openFile(page, SEED_RULE);
      const item = page.locator('.statusbar-item', { has: page.locator('.codicon-database') }).first();
      await item.waitFor({ timeout: 60_000 });
      await item.hover();
      const tip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'catalogs' }).first();
      const boxes = [await box(item)];
      if (await tip.waitFor({ timeout: 10_000 }).then(() => true, () => false)) boxes.push(await box(tip));
      const bar = await box(page.locator('#workbench\\.parts\\.statusbar'));
      const area = around(boxes, 16);
      const left = Math.max(0, Math.min(area.x, WIDTH - 560));
      await shoot(page, 'status-bar.png', { x: left, y: area.y, width: WIDTH - left, height: bar.y + bar.height - area.y });
    },
  },
];

async function main(): Promise<number> {
  prepareWorkspace();
  mkdirSync(OUT, { recursive: true });
  mkdirSync(FAILURES, { recursive: true });
  const profile = mkdtempSync(join(RUN, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: WIDTH, height: HEIGHT },
    deviceScaleFactor: SCALE,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLines: string[] = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  const failed: string[] = [];
  try {
    await page.goto(`${BASE}/?folder=${encodeURIComponent(WS)}`, { timeout: 180_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    // Notifications (e.g. "extension activated") would cover the status bar.
    await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
    for (const shot of shots) {
      if (ONLY.length && !ONLY.includes(shot.name)) continue;
      if (shot.name === 'test-explorer.png' && !existsQuiet(join(WS, SEED_TESTS))) {
        console.log(`- ${shot.name}: skipped (no ${SEED_TESTS})`);
        continue;
      }
      const t0 = Date.now();
      try {
        await reset(page);
        await shot.take(page);
        console.log(`✔ ${shot.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed.push(shot.name);
        console.log(`✖ ${shot.name}\n    ${(e instanceof Error ? e.message : String(e)).split('\n').slice(0, 8).join('\n    ')}`);
        await page.screenshot({ path: join(FAILURES, `failed-${shot.name}`) }).catch(() => undefined);
      }
    }
  } finally {
    writeFileSync(join(FAILURES, 'console.log'), consoleLines.join('\n'));
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  if (failed.length) console.log(`failed: ${failed.join(', ')} (window pictures and console.log in ${FAILURES})`);
  return failed.length ? 1 : 0;
}

function existsQuiet(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
