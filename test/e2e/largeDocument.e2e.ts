// End-to-end: a 10 MB `.eql` document in the real workbench, edited at a person's speed while it
// is re-checked (issue 15, point 15). The document is generated here, at run time, in the
// workspace (one query of ~44,000 three-line conditions, ~132,000 lines) and removed afterwards.
// Once its first diagnostics are in the Problems panel, the cursor goes to its end (Ctrl+End) and
// two lines of EQL are typed key by key, 50–100 ms a key, Enter at the line end, never Escape:
//  - after a pause long enough for the re-check of the edited document to start in the check
//    worker (the server's pause after the last key, then more), `.` must open the field list while
//    that check still runs; each `.` after a field group opens its fields (9 triggers, timed from
//    the key to the list on screen: the figures README quotes);
//  - the last key completes a type error, whose diagnostic must reach the Problems panel, at the
//    new line, within a bound (timed from the last key);
//  - each key shows on screen within a bound (the editor never freezes);
//  - the saved file is the document plus exactly what was typed.
// The server's threads' CPU (from /proc) shows the worker busy at the first trigger. The same
// typing into a 4 KB document in the same session first gives the baseline the figures are read
// against (and raises the worst-case bounds when the machine is so loaded that it is slow too).
// Every time is read at animation frames. `npm run test:e2e -- test/e2e/largeDocument.e2e.ts`.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { activeEditor, openFile, openWorkbench } from './workbench';
import { BASE_URL, Checks, exitWith, requiredEnv, RESULTS_DIR, waitFor } from './checks';
import { Person } from './person';
import { median } from '../../scripts/lib/stats';
import { statCpuMs } from '../procStat';

const WS = requiredEnv('E2E_WORKSPACE');
const RUN = requiredEnv('E2E_RUN');
const RESULTS = RESULTS_DIR;
const FILE = 'e2e/large.eql';
const SMALL_FILE = 'e2e/large-baseline.eql';
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
// A key shows at once whatever the server does (another process); a frozen editor would take seconds.
const ECHO_WORST_MS = 1500;
// On a machine so loaded that the 4 KB baseline itself is slow, a worst case may reach this many
// times the baseline's worst instead (a freeze behind a 10 MB check or parse is still seconds more).
const BASELINE_FACTOR = 3;
// The new diagnostic: the server's pause (1.15 s for 10 MB) + semantic tokens and the check in the
// worker (5–9 s here at load); never "never".
const DIAGNOSTIC_MS = 60_000;

/**
 * The language server of this session: node running dist/server.js from this run's extensions
 * folder, the one started last (code-server keeps the extension hosts of earlier sessions, each
 * with its server, for a while after their page closed).
 */
function serverPid(): number {
  const ext = join(RUN, 'extensions');
  let newest: { pid: number; started: number } | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => a.startsWith(ext) && a.endsWith(join('dist', 'server.js')))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      if (!newest || started > newest.started) newest = { pid: Number(entry), started };
    } catch {
      // gone meanwhile
    }
  }
  if (!newest) throw new Error(`no language server process under ${ext}`);
  return newest.pid;
}

/** CPU time (ms) of the server's main thread and of all its other threads (the check worker, GC helpers). */
function serverCpu(pid: number): { main: number; others: number } {
  let main = 0;
  let others = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const ms = statCpuMs(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'));
      if (Number(tid) === pid) main = ms;
      else others += ms;
    } catch {
      // a thread that ended
    }
  }
  return { main, others };
}


/**
 * Resolves when `condition` (a JavaScript expression over the page's DOM) holds, checked at every
 * animation frame: the times measured are not rounded up to a polling interval.
 */
async function onScreen(page: Page, condition: string, timeout: number): Promise<void> {
  await page.waitForFunction(`(() => { ${condition} })()`, null, { timeout, polling: 'raf' });
}

/** The suggest widget shows a row labelled `has` and none labelled `lacks`. */
function fieldList(has: string, lacks: string | undefined): string {
  return `const labels = Array.from(document.querySelectorAll('.editor-widget.suggest-widget.visible .monaco-list-row .label-name')).map((e) => e.textContent.trim());
    return labels.includes(${JSON.stringify(has)}) && !labels.includes(${JSON.stringify(lacks ?? '\u0000')});`;
}

/** The status bar shows the cursor at this line and column. */
function cursorAt(line: number, column: number): string {
  return `const s = document.getElementById('status.editor.selection');
    return !!s && new RegExp(${JSON.stringify(`Ln ${line}, Col ${column}(?!\\d)`)}).test(s.textContent || '');`;
}

/** Whether the Problems panel lists a problem whose row has all these texts (an expression). */
function problemRowExpr(...texts: string[]): string {
  return `Array.from(document.querySelectorAll('.markers-panel .monaco-list-row')).some((r) => ${JSON.stringify(texts)}.every((t) => (r.textContent || '').includes(t)))`;
}

/** The Problems panel lists a problem whose row has all these texts. */
function problemRow(...texts: string[]): string {
  return `return ${problemRowExpr(...texts)};`;
}

interface Typed {
  /** Key → field list on screen, per `.`. */
  completion: number[];
  /** Key → the cursor's new column in the status bar, per key. */
  echoes: number[];
  /** Last key → the new line's type error in Problems. */
  diagnosticMs: number;
  /** The first `.`, typed after the pause. */
  first: { ms: number; otherThreadsCpuMs: number; windowMs: number };
  typingMs: number;
  serverCpuMs: { main: number; others: number };
}

/**
 * Opens `file` (`lines` lines, its first diagnostics already shown), goes to its end and types
 * TYPED there like a person (pausing before the first `.`), timing each field list, each key and
 * the final diagnostic; then saves it and checks it holds exactly `text` + what was typed.
 * `inWorker`: the document is checked in the worker, whose check of the paused version must still
 * be running when the first list shows (a small document's is published long before).
 */
async function typeAtEnd(page: Page, file: string, text: string, lines: number, inWorker: boolean): Promise<Typed> {
  const pid = serverPid();
  await openFile(page, file);
  await activeEditor(page).locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  // The cursor is on the empty last line (the file ends with a newline).
  await onScreen(page, cursorAt(lines + 1, 1), 30_000);
  // Let the collector settle after the opening check before the typing starts.
  await page.waitForTimeout(3_000);

  const person = new Person(15, 50, 100);
  const completion: number[] = [];
  const echoes: number[] = [];
  const typedLines = TYPED.split('\n');
  let typed = '';
  let trigger = 0;
  let lastKeyAt = 0;
  let first: Typed['first'] | undefined;
  let windowStart: { at: number; cpu: { main: number; others: number } } | undefined;
  const cpuStart = serverCpu(pid);
  const typingStart = Date.now();
  await person.type(page, TYPED, async (key, sentAt) => {
    lastKeyAt = sentAt;
    typed += key;
    // The key on screen: the cursor's column in the status bar (the editor keeps the previous
    // line's indentation after Enter; the person types the rest).
    const k = typed.split('\n').length - 1;
    const kept = k === 0 ? 0 : typedLines[k - 1].length - typedLines[k - 1].trimStart().length;
    const col = 1 + kept + typed.length - (typed.lastIndexOf('\n') + 1);
    await onScreen(page, cursorAt(lines + 1 + k, col), 30_000);
    echoes.push(Date.now() - sentAt);
    if (typed === THINK) {
      // The person stops to think before the first `.`: long enough for the server's pause to end
      // and the re-check of this version to run for a while. The server's threads are sampled
      // from the end of the server's pause until the list shows.
      await page.waitForTimeout(RECHECK_PAUSE_MS);
      windowStart = { at: Date.now(), cpu: serverCpu(pid) };
      await page.waitForTimeout(2_000);
      return;
    }
    if (key !== '.') return;
    const t = TRIGGERS[trigger++];
    assert.ok(t && typed.endsWith(`${t.after}.`), `an unexpected trigger after ${JSON.stringify(typed.slice(-20))}`);
    await onScreen(page, fieldList(t.has, t.lacks), 30_000);
    const ms = Date.now() - sentAt;
    completion.push(ms);
    if (windowStart) {
      const now = serverCpu(pid);
      first = { ms, otherThreadsCpuMs: now.others - windowStart.cpu.others, windowMs: Date.now() - windowStart.at };
      // The paused version (an unclosed `(` on the new line) had not been published: its check had not finished.
      const early = await page.locator('.markers-panel .monaco-list-row', { hasText: `[Ln ${lines + 1}, ` }).count();
      if (inWorker) assert.equal(early, 0, 'the paused version was published before the list showed: its check was not running at the key');
      windowStart = undefined;
    }
  });
  const cpuEnd = serverCpu(pid);
  assert.equal(trigger, TRIGGERS.length, 'every `.` was typed');
  // This server answered every key (~1 ms of CPU each at least): not an idle one of an earlier session.
  assert.ok(cpuEnd.main - cpuStart.main >= 50, `process ${pid} used ${cpuEnd.main - cpuStart.main} ms of CPU: not the server of this session`);
  await onScreen(page, problemRow(ERROR_TEXT, `[Ln ${lines + 2}, Col `), DIAGNOSTIC_MS);
  const diagnosticMs = Date.now() - lastKeyAt;
  await page.screenshot({ path: join(RESULTS, `${file.replace(/\W+/g, '-')}.png`) });
  assert.ok(first, 'the first trigger was measured');

  // Exactly what was typed: no list took a key.
  await page.keyboard.press('Control+S');
  const expected = text + TYPED;
  // Written in place: read until the whole text is there.
  await waitFor(`${file} saved`, async () => readFileSync(join(WS, file), 'utf8').length, (n) => n >= expected.length, 60_000);
  const saved = readFileSync(join(WS, file), 'utf8');
  assert.equal(saved.slice(-TYPED.length - 100), expected.slice(-TYPED.length - 100));
  assert.equal(saved.length, expected.length);
  return {
    completion,
    echoes,
    diagnosticMs,
    first,
    typingMs: lastKeyAt - typingStart,
    serverCpuMs: { main: cpuEnd.main - cpuStart.main, others: cpuEnd.others - cpuStart.others },
  };
}

function figuresOf(name: string, t: Typed): string[] {
  return [
    `${name}: completion after \`.\` (key → list on screen), ${t.completion.length} triggers: ${t.completion.join(', ')} ms; median ${median(t.completion)} ms, worst ${Math.max(...t.completion)} ms`,
    `${name}: the first, ${RECHECK_PAUSE_MS + 2_000} ms or more after the key before it: ${t.first.ms} ms; the server's other threads used ${t.first.otherThreadsCpuMs} ms of CPU in the ${t.first.windowMs} ms before the list showed`,
    `${name}: key → on screen (the cursor's column in the status bar), ${t.echoes.length} keys: median ${median(t.echoes)} ms, worst ${Math.max(...t.echoes)} ms`,
    `${name}: typing took ${(t.typingMs / 1000).toFixed(1)} s; server CPU meanwhile: main thread ${t.serverCpuMs.main} ms, other threads ${t.serverCpuMs.others} ms`,
    `${name}: last key → the type error on the new line in Problems: ${t.diagnosticMs} ms`,
  ];
}

const checks = new Checks(RESULTS, 'large-document');
const check = checks.run.bind(checks);

async function main(): Promise<number> {
  mkdirSync(RESULTS, { recursive: true });
  const text = largeDocument(SIZE);
  const lines = text.split('\n').length - 1;
  // The same query's first lines (under the worker's threshold: checked on the server's thread), typed into the same way first.
  const small = largeDocument(4_000);
  writeFileSync(join(WS, FILE), text);
  writeFileSync(join(WS, SMALL_FILE), small);
  const session = await openWorkbench(BASE_URL, WS, RUN);
  const { page } = session;
  const log = (figures: string[]) => {
    for (const f of figures) console.log(`    ${f}`);
  };
  try {
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor();
    let baseline: Typed | undefined;
    await check(page, `baseline: the same typing at the end of a ${small.length.toLocaleString('en-US')}-character .eql`, async () => {
      await openFile(page, SMALL_FILE);
      await onScreen(page, problemRow('Unknown field `process.nmae`', '[Ln 2, Col 4]'), 60_000);
      baseline = await typeAtEnd(page, SMALL_FILE, small, small.split('\n').length - 1, false);
      log(figuresOf('small', baseline));
      // Closed, so its problems leave the panel (the Problems list shows only the rows in view).
      await page.keyboard.press('Control+W');
      await onScreen(page, `return !(${problemRowExpr('Unknown field `process.nmae`')});`, 30_000);
    });

    const opened = await check(page, `a ${(text.length / 1e6).toFixed(0)} MB .eql document (${lines.toLocaleString('en-US')} lines) opens and its first diagnostics reach the Problems panel`, async () => {
      const t0 = Date.now();
      await openFile(page, FILE);
      await onScreen(page, problemRow('Unknown field `process.nmae`', '[Ln 2, Col 4]'), 180_000);
      log([`open → first diagnostics: ${Date.now() - t0} ms`]);
    });

    if (opened) {
      await check(page, 'typed at its end at a person’s speed: fields after each `.`, even while the document is re-checked, and the new line’s type error in Problems', async () => {
        const t = await typeAtEnd(page, FILE, text, lines, true);
        log([...figuresOf('10 MB', t), `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`]);
        // The worker was checking (or parsing, for semantic tokens) the paused version when `.` was typed:
        // an idle server's other threads use next to nothing; at load average 10 on 2 cores the worker gets ~20% of a core.
        assert.ok(t.first.otherThreadsCpuMs >= 150, `the server's other threads used ${t.first.otherThreadsCpuMs} ms of CPU before the first trigger: no re-check was running`);
        const bound = (fixed: number, base: number[] | undefined) => Math.max(fixed, BASELINE_FACTOR * (base ? Math.max(...base) : 0));
        const echoBound = bound(ECHO_WORST_MS, baseline?.echoes);
        const completionBound = bound(COMPLETION_WORST_MS, baseline?.completion);
        assert.ok(Math.max(...t.echoes) < echoBound, `a key took ${Math.max(...t.echoes)} ms to show (bound ${echoBound} ms)`);
        assert.ok(median(t.completion) < COMPLETION_MEDIAN_MS, `median completion ${median(t.completion)} ms`);
        assert.ok(Math.max(...t.completion) < completionBound, `worst completion ${Math.max(...t.completion)} ms (bound ${completionBound} ms)`);
        assert.ok(t.diagnosticMs < DIAGNOSTIC_MS, `diagnostic after ${t.diagnosticMs} ms`);
      });
    }
  } finally {
    writeFileSync(join(RESULTS, 'large-document-console.log'), session.console.join('\n'));
    await session.close();
    rmSync(join(WS, FILE), { force: true });
    rmSync(join(WS, SMALL_FILE), { force: true });
  }
  return checks.summary();
}

exitWith(main);
