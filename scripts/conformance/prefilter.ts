// The prefilter's differential test over the public corpora (issue 12): every query of Elasticsearch's EQL QA suites
// over their data, and every detection-rules query over documents built from the query's own literals (so that many
// of them match) and over generated raw CloudTrail records, read with and without the query's prefilter: the matches
// must be identical. Plus randomized queries over generated records. Exit 1 on any difference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse } from '../../server/src/core/syntax/parser';
import { fieldTypesFromMapping } from '../../server/src/core/engine/index';
import { normalizeCloudTrail } from '../../server/src/core/samples/cloudtrail';
import { diffQuery, randomQuery, sampleTexts, stringLeaves } from '../../test/core/engine/prefilterDiff';
import { generateCloudTrail } from '../lib/generate-cloudtrail';
import { prng } from '../lib/prng';
import { readCorpus, SHARED } from '../lib/corpus';

type Obj = Record<string, unknown>;
const failures: string[] = [];
let compared = 0;
let filteredTotal = 0;
let matchedTotal = 0;

function check(name: string, query: string, text: string, options: Parameters<typeof diffQuery>[2] = {}): void {
  const d = diffQuery(query, text, options);
  if (d.same === undefined) return;
  compared++;
  filteredTotal += d.filtered;
  matchedTotal += d.matches;
  if (!d.same) failures.push(`${name}\n  ${query.replace(/\s+/g, ' ').slice(0, 300)}\n  ${d.detail}`);
}

// ------------------------------------------------------------------------------------------------ es-qa
const qa = join(SHARED, 'eql', 'es-qa');
if (existsSync(qa)) {
  const mappingOf = (file: string) =>
    fieldTypesFromMapping(JSON.parse(readFileSync(file, 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n').replace(/\[runtime_random_keyword_type\]/g, 'keyword')));
  const endgameText = readFileSync(join(qa, 'test_data.json'), 'utf8').replace(/"timestamp":\s*(\d+)/g, '"timestamp": "$1"');
  const endgame = (JSON.parse(endgameText) as Obj[]).map((d) => ({ ...d, '@timestamp': Number(BigInt(d.timestamp as string) / 10000n - 11644473600000n) }));
  const sets: [string[], string, Obj[], (n: string) => string | undefined][] = [
    [['test_queries.toml', 'additional_test_queries.toml', 'test_queries_date.toml'], 'serial_event_id', endgame, mappingOf(join(qa, 'data', 'endgame-140.mapping'))],
  ];
  for (const [suite, data, tb] of [['test_extra.toml', 'extra', 'sequence'], ['test_missing_events.toml', 'missing-events', 'sequence'], ['test_sample.toml', 'sample1', 'id'], ['test_sample_multi.toml', 'sample-multi', 'id']] as const) {
    const docs = JSON.parse(readFileSync(join(qa, 'data', `${data}.data`), 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('//')).join('\n')) as Obj[];
    sets.push([[suite], tb, docs, mappingOf(join(qa, 'data', `${data}.mapping`))]);
  }
  for (const [suites, tiebreaker, docs, fieldTypes] of sets) {
    const texts = sampleTexts(docs, prng(3));
    for (const suite of suites) {
      let toml = readFileSync(join(qa, suite), 'utf8');
      toml = toml.replace(/^(join_keys\s*=\s*\[[^\]]*\])/gm, (m) => m.replace(/(?<!")\bnull\b(?!")/g, '"null"'));
      const entries = ((parseToml(toml) as { queries?: { name: string; query: string }[] }).queries ?? []);
      for (const e of entries) for (const text of texts) check(`${suite}: ${e.name}`, e.query, text, { fieldTypes, tiebreakerField: tiebreaker, eventCategoryField: 'event.category' });
    }
  }
  console.log(`es-qa: ${compared} query × sample comparisons`);
} else console.log('es-qa: skipped (../shared/eql/es-qa not found)');

// ------------------------------------------------------------------------------------------------ detection-rules
/** (field, literal) pairs of a query's comparisons, in lists and patterns (wildcards filled in). */
function literalPairs(node: unknown, out: [string, string][] = []): [string, string][] {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const x of node) literalPairs(x, out);
    return out;
  }
  const n = node as { kind?: string; left?: { kind?: string; name?: string }; right?: { kind?: string; value?: unknown }; value?: { kind?: string; name?: string }; list?: { kind?: string; value?: unknown }[]; patterns?: { kind?: string; value?: unknown }[] };
  const field = (x: { kind?: string; name?: string } | undefined) => (x?.kind === 'field' ? x.name : undefined);
  if (n.kind === 'comparison' && field(n.left) && n.right?.kind === 'literal' && typeof n.right.value === 'string') out.push([field(n.left)!, n.right.value]);
  if (n.kind === 'in' && field(n.value)) for (const l of n.list ?? []) if (l.kind === 'literal' && typeof l.value === 'string') out.push([field(n.value)!, l.value]);
  if (n.kind === 'match' && field(n.value)) for (const l of n.patterns ?? []) if (l.kind === 'literal' && typeof l.value === 'string') out.push([field(n.value)!, l.value.replace(/\*/g, 'zz').replace(/\?/g, 'q')]);
  for (const [k, v] of Object.entries(n)) if (k !== 'range' && typeof v === 'object') literalPairs(v, out);
  return out;
}

function setPath(doc: Obj, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Obj;
  }
  cur[parts[parts.length - 1]] = value;
}

const corpus = readCorpus();
const raw = generateCloudTrail(1500, 4);
const rawTexts = sampleTexts(raw, prng(8));
if (corpus) {
  const before = compared;
  const r = prng(5);
  for (const rule of corpus) {
    const parsed = parse(rule.query);
    if (parsed.errors.length) continue;
    const pairs = literalPairs(parsed.statement);
    const categories = [...rule.query.matchAll(/\b(process|network|file|registry|library|iam|authentication|dns|configuration|api|any) where/g)].map((m) => m[1]);
    const docs: Obj[] = [];
    for (let i = 0; i < 40; i++) {
      const doc: Obj = { '@timestamp': 1_700_000_000_000 + i * 1000 };
      if (categories.length) setPath(doc, 'event.category', categories[Math.floor(r() * categories.length)]);
      for (const [f, v] of pairs) if (r() < 0.6) setPath(doc, f, r() < 0.15 ? v.toUpperCase() : v);
      docs.push(doc);
    }
    for (const text of sampleTexts(docs, r)) check(`detection-rules: ${rule.name}`, rule.query, text);
    if ((rule.index ?? []).some((i) => i.includes('aws'))) for (const text of rawTexts) check(`detection-rules (raw CloudTrail): ${rule.name}`, rule.query, text);
  }
  console.log(`detection-rules: ${compared - before} query × sample comparisons over ${corpus.length} rules`);
} else console.log('detection-rules: skipped (corpus not found)');

// ------------------------------------------------------------------------------------------------ random queries
{
  const before = compared;
  const r = prng(21);
  const ecs = raw.slice(0, 500).map((x) => normalizeCloudTrail(x));
  const texts = [...sampleTexts(raw.slice(0, 500), r), ...sampleTexts(ecs, r)];
  const pool = ecs.flatMap((d) => stringLeaves(d)).filter(([f]) => !f.startsWith('@'));
  const count = Number(process.env.PREFILTER_RANDOM ?? 1500);
  for (let i = 0; i < count; i++) {
    const q = randomQuery(pool, r, 'user.name');
    for (const text of texts) check('random', q, text);
  }
  console.log(`random queries: ${compared - before} comparisons`);
}

console.log(`prefilter: ${compared} comparisons, ${filteredTotal.toLocaleString('en-US')} records skipped unparsed, ${matchedTotal.toLocaleString('en-US')} matches, ${failures.length} differences`);
for (const f of failures.slice(0, 20)) console.log(f);
process.exit(failures.length ? 1 : 0);
