// node:test reporter for the shards of scripts/run-tests.mjs: a dot per passing test, each failure in full
// (file, test path, error) as it happens, and at the end the counts and each test file's duration (the sum of
// its top-level tests) as JSON in the file EQL_TEST_TIMES names, which the runner totals and keeps for balancing.
// A shard run as a bundle (scripts/bundle-tests.mjs) reports the bundle as every test's file: the test file is the
// module whose `// path` comment comes last before the test's line, and a failure's stack is mapped to the sources
// with the bundle's .map (read only then).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { inspect } from 'node:util';
import { dirname, relative, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Per bundle: the first line of each module's code (ascending) and the module's path (relative to root). */
const modules = new Map();
function moduleAt(bundle, line) {
  let m = modules.get(bundle);
  if (!m) {
    m = { lines: [], paths: [] };
    const text = readFileSync(bundle, 'utf8');
    let n = 1;
    let at = 0;
    for (const hit of text.matchAll(/^\/\/ (\S+)$/gm)) {
      for (let i = text.indexOf('\n', at); i !== -1 && i < hit.index; i = text.indexOf('\n', i + 1)) n++;
      at = hit.index;
      m.lines.push(n);
      m.paths.push(hit[1]);
    }
    modules.set(bundle, m);
  }
  let lo = 0;
  let hi = m.lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m.lines[mid] <= line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found === -1 ? relative(root, bundle) : m.paths[found];
}

const maps = new Map();
/** `bundle:line:column` in a failure's text as the source file's line and column. */
function mapStack(text, bundle) {
  let map = maps.get(bundle);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(bundle, map);
  }
  if (!map) return text;
  return text.split(bundle).map((piece, i) => {
    if (i === 0) return piece;
    const at = /^:(\d+):(\d+)/.exec(piece);
    const e = at && map.findEntry(Number(at[1]) - 1, Number(at[2]) - 1);
    if (!e?.originalSource) return bundle + piece;
    const source = relative(root, resolve(dirname(bundle), e.originalSource.replace(/^file:\/\//, '')));
    return `${source}:${e.originalLine + 1}:${e.originalColumn + 1}${piece.slice(at[0].length)}`;
  }).join('');
}

const bundles = new Map();
const isBundle = (path) => {
  let b = bundles.get(path);
  if (b === undefined) bundles.set(path, (b = path.endsWith('.cjs') && existsSync(`${path}.map`)));
  return b;
};

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
    const path = d.file ? (d.file.startsWith('file:') ? new URL(d.file).pathname : d.file) : '';
    const bundle = path && isBundle(path) ? path : '';
    const file = bundle ? moduleAt(bundle, d.line ?? 0) : path ? relative(root, path) : '?';
    if (d.nesting === 0) times[file] = (times[file] ?? 0) + (d.details?.duration_ms ?? 0);
    if (d.details?.type === 'suite' && event.type === 'test:pass') continue;
    if (event.type === 'test:fail') {
      // A suite fails when a test in it failed (reported already) or its own hook did: report the latter only.
      const own = d.details?.error?.failureType !== 'subtestsFailed';
      if (d.details?.type !== 'suite') counts.tests++;
      if (!own) continue;
      counts.fail++;
      const error = d.details?.error;
      const detail = error?.cause instanceof Error || error?.code === 'ERR_TEST_FAILURE' ? error.cause ?? error : error;
      const text = inspect(detail, { depth: 4 });
      yield `\n✖ ${file} ${[...names.slice(0, d.nesting), d.name].join(' > ')}\n${(bundle ? mapStack(text, bundle) : text).replace(/^/gm, '    ')}\n`;
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
