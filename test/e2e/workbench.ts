// Driving the VS Code workbench served by code-server: open files, run commands, reach into
// the results webview. Selectors are the workbench's own DOM (stable across 1.9x releases).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';

export interface Session {
  context: BrowserContext;
  page: Page;
  console: string[];
  close(): Promise<void>;
}

export async function openWorkbench(baseUrl: string, folder: string, scratch: string): Promise<Session> {
  const profile = mkdtempSync(join(scratch, 'chromium-'));
  // launchPersistentContext is how chromium gets a fresh profile; launch() refuses --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1600, height: 1000 },
    // Headless Chromium hides scrollbars by default; users see them (the panel's table relies on one).
    ignoreDefaultArgs: ['--hide-scrollbars'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Generous: CI machines and this one have 2 cores shared with other work.
  context.setDefaultTimeout(60_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const lines: string[] = [];
  page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`, { timeout: 180_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
  return {
    context,
    page,
    console: lines,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Types into Quick Open and clicks the row whose label is exactly `pick` (Enter could take another row). */
async function quickInput(page: Page, text: string, pick: string, waitClosed = true): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exactly(pick) }) });
  await row.first().click();
  if (waitClosed) await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Runs a command from the palette; commands may open another quick pick, so this does not wait for it to close. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await quickInput(page, `>${title}`, title, false);
}

/** Opens a workspace file through Quick Open and waits until its editor is active. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  const name = relativePath.split('/').pop() as string;
  await quickInput(page, relativePath, name);
  // The active group's tab: the same file may also be open in another group.
  await page.locator('.editor-group-container.active .tabs-container .tab.active', { hasText: name }).waitFor();
  await activeEditor(page).locator('.view-lines').waitFor();
}

/** Moves the active editor's cursor (and view) to a 1-based line, through Quick Open's `:` mode. */
export async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The 1-based line of the first occurrence of `text` in a file. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`${text} not found in ${file}`);
  return index + 1;
}

export function activeEditor(page: Page) {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/** The results panel's document: the workbench's webview iframe, then its inner frame. */
export function webview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}
