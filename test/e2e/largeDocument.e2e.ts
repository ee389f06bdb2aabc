// End-to-end: a 10 MB `.eql` document in the real workbench, edited at a person's speed while it
// is re-checked (issue 15, point 15). The document is generated here, at run time, in the
// workspace (one query of ~45,000 three-line conditions, ~136,000 lines) and removed afterwards.
// Once its first diagnostics are in the Problems panel, the cursor goes to its end (Ctrl+End) and
// two lines of EQL are typed key by key, 50–100 ms a key, Enter at the line end, never Escape:
//  - after a pause long enough for the re-check of the edited document to start in the check
//    worker (the server's pause after the last key, then more), `.` must open the field list while
//    that check still runs; each `.` after a field group opens its fields (9 triggers, timed from
//    the key to the list on screen: the figures README quotes);
//  - the last key completes a type error, whose diagnostic must reach the Problems panel, at the
//    new line, within a bound (timed from the last key);
//  - the saved file is the document plus exactly what was typed.
// The server's threads' CPU (from /proc) shows the worker busy at the first trigger.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { activeEditor, openFile, openWorkbench } from './workbench';
import { BASE_URL, Checks, exitWith, requiredEnv, RESULTS_DIR, waitFor } from './checks';
import { Person } from './person';

const WS = requiredEnv('E2E_WORKSPACE');
const RUN = requiredEnv('E2E_RUN');
const RESULTS = RESULTS_DIR;
const FILE = 'e2e/large.eql';
const SIZE = 10_000_000;

/** The server's pause before re-checking a document of this size (scheduleDiagnostics in server/src/lsp/main.ts). */
const RECHECK_PAUSE_MS = 150 + Math.min(1500, Math.floor(SIZE / 10_000));

/**
 * One query: `process where` then conditions joined by `or`, three lines each, ECS fields. Line 2
 * has an unknown field (a warning): the document's first diagnostics show it has been checked.
 */
function largeDocument(size: number): string {
  const parts = ['process where', '  (process.nmae == "first.exe") or'];
  let n = parts[0].length + parts[1].length + 2;
  for (let i = 0; n < size; i++) {
    const c =
      `  (process.name : ("cmd${i}.exe", "powershell.exe") and event.action == "start" and\n` +
      `    process.parent.name : ("winword.exe", "excel.exe") and process.pid > ${i % 9000} and\n` +
      `    user.name != "SYSTEM" and host.os.type == "windows") or`;
    parts.push(c);
    n += c.length + 1;
  }
  parts[parts.length - 1] = parts[parts.length - 1].replace(/ or$/, '');
  return parts.join('\n') + '\n';
}

/**
 * What is typed at the end, with the field list each `.` must open: labels it must show (the first
 * rows of its list) and labels of the list before it that it must not (so a list still open from
 * the previous `.` does not count). The last key completes the type error `process.name == 5`.
 */
const TYPED = '  or (event.outcome == "success" and user.name == "admin" and host.os.type == "linux")\n  or (process.parent.name == "bash" and user.name == "root") or process.pid > 4 and process.name == 5';
const TRIGGERS: { after: string; has: string; lacks?: string }[] = [
  { after: 'event', has: 'action' },
  { after: 'user', has: 'name', lacks: 'outcome' },
  { after: 'host', has: 'os', lacks: 'email' },
  { after: 'host.os', has: 'kernel', lacks: 'hostname' },
  { after: 'process', has: 'parent', lacks: 'kernel' },
  { after: 'process.parent', has: 'pid', lacks: 'entry_leader' },
  { after: 'user', has: 'name', lacks: 'args_count' },
  { after: 'process', has: 'parent', lacks: 'email' },
  { after: 'process', has: 'parent', lacks: 'email' },
];
const ERROR_TEXT = '[process.name] is a keyword field but 5 is a number';
/** Where the person stops to think, before the first `.`. */
const THINK = '  or (event';

// Bounds. The list after `.` is answered from a window around the cursor (never a parse), so it
// shows in a few hundred ms at most even on a loaded machine; before the worker, and before the
// window, it waited for a whole check or parse of the document (~3 s, 5–9 s at load).
const COMPLETION_MEDIAN_MS = 1000;
const COMPLETION_WORST_MS = 2500;
// The new diagnostic: the server's pause (1.15 s for 10 MB) + semantic tokens and the check in the
// worker (5–9 s here at load); never "never".
const DIAGNOSTIC_MS = 60_000;

/** The language server of this run: node running dist/server.js from this run's extensions folder. */
function serverPid(): number {
  const ext = join(RUN, 'extensions');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.startsWith(ext) && a.endsWith(join('dist', 'server.js')))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no language server process under ${ext}`);
}

/** CPU time (ms) of the server's main thread and of all its other threads (the check worker, GC helpers). */
function serverCpu(pid: number): { main: number; others: number } {
  const ticks = (stat: string) => {
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, 100 ticks a second
  };
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ms = ticks(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (Number(tid) === pid) main = ms;
      else others += ms;
    } catch {
      // a thread that ended
    }
  }
  return { main, others };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Resolves when the suggest widget shows a row labelled `has` and none labelled `lacks`. */
async function fieldList(page: Page, has: string, lacks: string | undefined, timeout: number): Promise<void> {
  await page.waitForFunction(
    `(() => {
      const labels = Array.from(document.querySelectorAll('.editor-widget.suggest-widget.visible .monaco-list-row .label-name')).map((e) => e.textContent.trim());
      return labels.includes(${JSON.stringify(has)}) && !labels.includes(${JSON.stringify(lacks ?? '\u0000')});
    })()`,
    null,
    { timeout, polling: 'raf' },
  );
}

const checks = new Checks(RESULTS, 'large-document');
const check = checks.run.bind(checks);

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const text = largeDocument(SIZE);
  const lineCount = text.split('\n').length - 1;
  writeFileSync(join(WS, FILE), text);
  const figures: string[] = [`document: ${(text.length / 1e6).toFixed(1)} MB, ${lineCount.toLocaleString('en-US')} lines`];
  const session = await openWorkbench(BASE_URL, WS, RUN);
  const { page } = session;
  const problems = page.locator('.markers-panel .monaco-list-row');
  try {
    const opened = await check(page, `a ${(text.length / 1e6).toFixed(0)} MB .eql document opens and its first diagnostics reach the Problems panel`, async () => {
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor();
      const t0 = Date.now();
      await openFile(page, FILE);
      await problems.filter({ hasText: 'Unknown field `process.nmae`' }).filter({ hasText: '[Ln 2, Col 4]' }).first().waitFor({ timeout: 180_000 });
      figures.push(`open → first diagnostics: ${Date.now() - t0} ms`);
    });

    if (opened) {
      await check(page, 'typed at its end at a person’s speed: fields after each `.`, even while the document is re-checked, and the new line’s type error in Problems', async () => {
        const pid = serverPid();
        const editor = activeEditor(page);
        await editor.locator('.view-lines').click();
        await page.keyboard.press('Control+End');
        // The cursor is on the empty last line (the file ends with a newline).
        await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${lineCount + 1}, Col 1` }).waitFor({ timeout: 30_000 });
        // Let the collector settle after the opening check before the typing starts.
        await page.waitForTimeout(3_000);

        const person = new Person(15, 50, 100);
        const times: number[] = [];
        let typed = '';
        let trigger = 0;
        let duringCheck: { ms: number; workerCpuMs: number; windowMs: number } | undefined;
        const cpuStart = serverCpu(pid);
        const typingStart = Date.now();
        let lastKeyAt = 0;
        let windowStart: { at: number; cpu: { main: number; others: number } } | undefined;
        await person.type(page, TYPED, async (key, sentAt) => {
          lastKeyAt = sentAt;
          typed += key;
          if (typed === THINK) {
            // The person stops to think before the first `.`: long enough for the server's pause to end
            // and the worker's re-check of this version to run for a while. The server's threads are
            // sampled from the end of the server's pause until the list shows.
            await page.waitForTimeout(RECHECK_PAUSE_MS);
            windowStart = { at: Date.now(), cpu: serverCpu(pid) };
            await page.waitForTimeout(2_000);
            return;
          }
          if (key !== '.') return;
          const t = TRIGGERS[trigger++];
          assert.ok(t && typed.endsWith(`${t.after}.`), `an unexpected trigger after ${JSON.stringify(typed.slice(-20))}`);
          await fieldList(page, t.has, t.lacks, 30_000);
          const ms = Date.now() - sentAt;
          times.push(ms);
          if (windowStart) {
            const now = serverCpu(pid);
            duringCheck = { ms, workerCpuMs: now.others - windowStart.cpu.others, windowMs: Date.now() - windowStart.at };
            // The paused version (an unclosed `(` on the new line) had not been published: its check had not finished.
            const early = await problems.filter({ hasText: `[Ln ${lineCount + 1}, ` }).count();
            assert.equal(early, 0, 'the paused version was checked before the list showed: no re-check was running at the key');
            windowStart = undefined;
          }
        });
        const lastKey = lastKeyAt;
        const cpuEnd = serverCpu(pid);
        const typingMs = lastKey - typingStart;
        assert.equal(trigger, TRIGGERS.length, 'every `.` was typed');
        const newLine = lineCount + 2;
        const row = problems.filter({ hasText: ERROR_TEXT }).filter({ hasText: `[Ln ${newLine}, Col ` }).first();
        await row.waitFor({ timeout: DIAGNOSTIC_MS });
        const diagnosticMs = Date.now() - lastKey;
        await page.screenshot({ path: join(RESULTS, 'large-document.png') });

        assert.ok(duringCheck, 'the first trigger was measured');
        figures.push(
          `completion after \`.\` (key → list on screen), ${times.length} triggers: ${times.join(', ')} ms; median ${median(times)} ms, worst ${Math.max(...times)} ms`,
          `the first, ${RECHECK_PAUSE_MS + 2_000} ms or more after the previous key (the re-check starts ${RECHECK_PAUSE_MS} ms after it): ${duringCheck.ms} ms; the server's other threads used ${duringCheck.workerCpuMs} ms of CPU in the ${duringCheck.windowMs} ms before the list showed`,
          `typing ${TYPED.length} keys took ${(typingMs / 1000).toFixed(1)} s; server CPU meanwhile: main thread ${cpuEnd.main - cpuStart.main} ms, other threads ${cpuEnd.others - cpuStart.others} ms`,
          `last key → the type error on line ${newLine} in Problems: ${diagnosticMs} ms`,
          `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
        );
        for (const f of figures) console.log(`    ${f}`);
        // The worker was checking (or parsing, for semantic tokens) the paused version when `.` was typed.
        // An idle server's other threads use next to nothing; at load average 10 on 2 cores the worker gets ~20% of one.
        assert.ok(duringCheck.workerCpuMs >= 150, `the server's other threads used ${duringCheck.workerCpuMs} ms of CPU before the first trigger: no re-check was running`);
        assert.ok(median(times) < COMPLETION_MEDIAN_MS, `median completion ${median(times)} ms`);
        assert.ok(Math.max(...times) < COMPLETION_WORST_MS, `worst completion ${Math.max(...times)} ms`);
        assert.ok(diagnosticMs < DIAGNOSTIC_MS, `diagnostic after ${diagnosticMs} ms`);

        // Exactly what was typed: no list took a key.
        await page.keyboard.press('Control+S');
        const expected = text + TYPED;
        // Written in place: read until the whole text is there.
        await waitFor('the document saved', async () => readFileSync(join(WS, FILE), 'utf8').length, (n) => n >= expected.length, 60_000);
        const saved = readFileSync(join(WS, FILE), 'utf8');
        assert.equal(saved.slice(text.length - 100), expected.slice(text.length - 100));
        assert.equal(saved.length, expected.length);
      });
    }
  } finally {
    writeFileSync(join(RESULTS, 'large-document-console.log'), session.console.join('\n'));
    await session.close();
    rmSync(join(WS, FILE), { force: true });
  }
  return checks.summary();
}

exitWith(main);
