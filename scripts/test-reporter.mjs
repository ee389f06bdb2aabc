// node:test reporter for the shards of scripts/run-tests.mjs: a dot per passing test, each failure in full
// (file, test path, error) as it happens, and at the end the counts and each test file's duration (the sum of
// its top-level tests) as JSON in the file EQL_TEST_TIMES names, which the runner totals and keeps for balancing.
import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

export default async function* reporter(source) {
  const counts = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0 };
  const times = {};
  const names = [];
  let dots = 0;
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:start') names[d.nesting] = d.name;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') {
      if (event.type === 'test:diagnostic' && d.nesting > 0) yield `\n# ${d.message}\n`;
      continue;
    }
    const file = d.file ? relative(root, d.file.startsWith('file:') ? new URL(d.file).pathname : d.file) : '?';
    if (d.nesting === 0) times[file] = (times[file] ?? 0) + (d.details?.duration_ms ?? 0);
    if (d.details?.type === 'suite' && event.type === 'test:pass') continue;
    if (event.type === 'test:fail') {
      // A suite fails when a test in it failed (reported already) or its own hook did: report the latter only.
      const own = d.details?.error?.failureType !== 'subtestsFailed';
      if (d.details?.type !== 'suite') counts.tests++;
      if (!own) continue;
      counts.fail++;
      const path = [...names.slice(0, d.nesting), d.name].join(' > ');
      const error = d.details?.error;
      const detail = error?.cause instanceof Error || error?.code === 'ERR_TEST_FAILURE' ? error.cause ?? error : error;
      yield `\n✖ ${file} ${path}\n${inspect(detail, { depth: 4 }).replace(/^/gm, '    ')}\n`;
      continue;
    }
    counts.tests++;
    if (d.skip !== undefined) counts.skipped++;
    else if (d.todo !== undefined) counts.todo++;
    else counts.pass++;
    if (++dots % 100 === 0) yield '.';
  }
  if (process.env.EQL_TEST_TIMES) writeFileSync(process.env.EQL_TEST_TIMES, JSON.stringify({ counts, times }));
  yield '\n';
}
