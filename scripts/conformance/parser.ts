// Parser + analyzer conformance against the public suites in ../shared:
//  (a) every detection-rules EQL query parses and analyzes with zero errors (exit 1 otherwise),
//  (b) Elasticsearch's invalid queries are rejected, with an error on the token ES points at,
//  (c) ES's grammar test inputs parse; its unsupported queries are rejected.
// Also: the printer formats every corpus query idempotently.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseExpression } from '../../server/src/core/syntax/parser';
import { analyze, type AnalyzeOptions } from '../../server/src/core/analysis/analyzer';
import { formatQuery } from '../../server/src/core/syntax/printer';
import type { Diagnostic } from '../../server/src/core/diagnostic';
import type { Token } from '../../server/src/core/syntax/lexer';
import { requireCorpus, SHARED } from '../lib/corpus';

const eqlDir = join(SHARED, 'eql');
if (!existsSync(eqlDir)) {
  console.log('parser conformance: skipped (../shared not found)');
  process.exit(0);
}

const errorsOf = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => d.severity === 'error');
const show = (d: Diagnostic, text: string): string => `${d.code} [${text.slice(d.range.start, d.range.end)}] ${d.message}`;

// ---- (a) detection-rules corpus ----------------------------------------------------------------
const corpus = requireCorpus();
let clean = 0;
let warned = 0;
let formatted = 0;
let idempotent = 0;
const corpusFailures: string[] = [];
for (const rule of corpus) {
  const parsed = parse(rule.query);
  const all = [...parsed.errors, ...analyze(parsed)];
  const errs = errorsOf(all);
  if (errs.length === 0) clean++;
  else corpusFailures.push(`  ${rule.path}: ${errs.map((d) => show(d, rule.query)).join(' | ')}`);
  if (all.length > errs.length) warned++;
  const f = formatQuery(rule.query);
  if (f !== undefined) {
    formatted++;
    if (formatQuery(f) === f) idempotent++;
  }
}
console.log(`detection-rules corpus: ${clean}/${corpus.length} clean (${warned} with warnings only)`);
for (const f of corpusFailures) console.log(f);
console.log(`printer: ${formatted}/${corpus.length} formatted, ${idempotent}/${formatted} idempotent`);

// ---- (b) invalid-queries.tsv -----------------------------------------------------------------
// Field types of ES's test mappings, as far as the expected error texts and NOTES.md state them.
const MAPPINGS: Record<string, Record<string, string>> = {
  'mapping-default.json': {
    pid: 'long',
    ppid: 'long',
    opcode: 'long',
    '@timestamp': 'date',
    command_line: 'keyword',
    hostname: 'text',
    constant_keyword: 'constant_keyword',
    source_address: 'ip',
    md5: 'keyword',
    process_name: 'keyword',
    file_name: 'keyword',
    bytes_written_string_list: 'keyword',
    bytes_written_string: 'keyword',
  },
  'mapping-alias.json': { user_name_alias: 'alias', user_name: 'keyword', user_domain: 'keyword' },
  'mapping-numeric.json': { wrong_int_type_field: 'int', long_field: 'long' },
  'mapping-range.json': {
    integer_range_field: 'integer_range',
    float_range_field: 'float_range',
    long_range_field: 'long_range',
    double_range_field: 'double_range',
    date_range_field: 'date_range',
    ip_range_field: 'ip_range',
  },
  'mapping-nested.json': { processes: 'nested' },
  'mapping-geo.json': { location: 'geo_point', site: 'geo_shape' },
  'mapping-multi-field.json': { 'multi_field.english': 'text' },
};
/** What our field-type model cannot express (checked by the schema layer or not at all). */
const OUT_OF_MODEL: Array<[RegExp, string]> = [
  [/Unknown column/, 'unknown field (reported by the schema layer, not the analyzer)'],
  [/nested type in hierarchy/, 'field under a nested object'],
  [/Normalized keyword/, 'keyword field with a normalizer'],
];
const MAPPING_DEPENDENT = /Unknown column|Cannot use field|must be \[|found value|data type|Condition expression needs to be boolean|Sequence key|Normalized keyword/;

interface Row {
  query: string;
  expected: string;
  api: string;
  mapping: string;
  line: number;
}
function unTsv(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === '\\' ? '\\' : '\\' + c));
}
const rows: Row[] = [];
const tsv = readFileSync(join(eqlDir, 'es-parser', 'invalid-queries.tsv'), 'utf8').split('\n');
tsv.slice(1).forEach((line, k) => {
  if (line.trim() === '') return;
  const cols = line.split('\t');
  const row: Row = { query: unTsv(cols[0]), expected: cols[1] ?? '', api: cols[4] ?? '', mapping: cols[5] ?? '', line: k + 2 };
  // Rows whose query Java computes: expand them as the notes describe.
  if (row.query.includes('{zeros')) {
    for (let z = 2; z <= 8; z++) rows.push({ ...row, query: `"\\u{${'0'.repeat(z)}}"` });
  } else if (row.query === '{fieldText}={valueText}') {
    rows.push({ ...row, query: 'field=2.0' });
  } else if (row.query === '{sb.toString()}') {
    const comps = ['==', '!=', '<', '<=', '>', '>='];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let r = 0; r < 10; r++) {
      const count = 2 + rnd(19);
      const picked = Array.from({ length: count }, () => comps[rnd(comps.length)]);
      const q = 'a ' + picked.map((c) => `${c} a `).join('');
      rows.push({ ...row, query: q, expected: `line 1:${6 + picked[0].length}: mismatched input '${picked[1]}'` });
    }
  } else rows.push(row);
});

function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + col - 1);
}
function tokenAt(tokens: Token[], off: number): Token | undefined {
  return tokens.find((t) => t.range.start <= off && off < t.range.end) ?? tokens.find((t) => t.range.start >= off);
}
function onToken(errs: Diagnostic[], tok: Token | undefined, off: number): boolean {
  if (!tok) return errs.some((d) => d.range.start <= off && off <= d.range.end);
  return errs.some((d) => (d.range.start < tok.range.end && d.range.end > tok.range.start) || (d.range.start === d.range.end && d.range.start === tok.range.start));
}

let plainTotal = 0;
let plainRejected = 0;
let plainOnToken = 0;
let mapTotal = 0;
let mapRejected = 0;
let mapOnToken = 0;
const outOfModel: string[] = [];
const rowFailures: string[] = [];
for (const row of rows) {
  const expression = row.api.includes('createExpression');
  const needsMapping = MAPPING_DEPENDENT.test(row.expected);
  const oom = needsMapping ? OUT_OF_MODEL.find(([re]) => re.test(row.expected)) : undefined;
  if (oom) {
    outOfModel.push(`  line ${row.line}: ${JSON.stringify(row.query)} — ${oom[1]}`);
    continue;
  }
  const types = needsMapping ? MAPPINGS[row.mapping] : undefined;
  const options: AnalyzeOptions | undefined = types ? { fieldType: (n) => types[n] } : undefined;
  let errs: Diagnostic[];
  let tokens: Token[];
  if (expression) {
    const p = parseExpression(row.query);
    errs = errorsOf(p.errors);
    tokens = p.tokens;
  } else {
    const p = parse(row.query);
    errs = errorsOf([...p.errors, ...analyze(p, options)]);
    tokens = p.tokens;
  }
  const m = /^(?:line )?(\d+):(\d+):/.exec(row.expected);
  const off = m ? offsetOf(row.query, Number(m[1]), Number(m[2])) : undefined;
  const rejected = errs.length > 0;
  const right = rejected && (off === undefined || onToken(errs, tokenAt(tokens, off), off));
  if (needsMapping) {
    mapTotal++;
    if (rejected) mapRejected++;
    if (right) mapOnToken++;
  } else {
    plainTotal++;
    if (rejected) plainRejected++;
    if (right) plainOnToken++;
  }
  if (!right) {
    rowFailures.push(
      `  line ${row.line}${needsMapping ? ` (${row.mapping})` : ''}: ${JSON.stringify(row.query)} — ES: ${row.expected.slice(0, 90)} — ours: ${
        rejected ? errs.map((d) => show(d, row.query)).join(' | ') : 'accepted'
      }`,
    );
  }
}
console.log(`invalid queries (no mapping needed): ${plainRejected}/${plainTotal} rejected, ${plainOnToken}/${plainTotal} on the right token`);
console.log(`invalid queries (with ES test mapping types): ${mapRejected}/${mapTotal} rejected, ${mapOnToken}/${mapTotal} on the right token`);
console.log(`invalid queries outside our field-type model (not checked here): ${outOfModel.length}`);
for (const f of outOfModel) console.log(f);
if (rowFailures.length > 0) console.log('invalid queries not rejected on the right token:');
for (const f of rowFailures) console.log(f);

// ---- (c) ES parser inputs ---------------------------------------------------------------------
/** ES's GrammarTests splitter: skip blank and `//` lines; a query ends at a line ending in `;`. */
function splitEql(file: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const t = line.trim();
    if (t === '' || t.startsWith('//')) continue;
    if (t.endsWith(';')) {
      cur.push(line.replace(/;\s*$/, ''));
      out.push(cur.join('\n'));
      cur = [];
    } else cur.push(line);
  }
  return out;
}
// Constructs older ES grammars parsed and the current one rejects in its AST builder (not a grammar error).
const CURRENT_ES_REJECTS = new Set(['EQL004', 'EQL005', 'EQL014', 'EQL020', 'EQL021', 'EQL022', 'EQL023', 'EQL024']);
for (const name of ['grammar-queries.eql', 'queries-supported.eql']) {
  const qs = splitEql(join(eqlDir, 'es-parser', name));
  let ok = 0;
  let rejectedByCurrent = 0;
  const bad: string[] = [];
  for (const q of qs) {
    const errs = parse(q).errors;
    if (errs.length === 0) ok++;
    else if (errs.every((d) => CURRENT_ES_REJECTS.has(d.code))) rejectedByCurrent++;
    else bad.push(`  ${JSON.stringify(q.slice(0, 120))}: ${errs.map((d) => show(d, q)).join(' | ')}`);
  }
  console.log(
    `${name}: ${ok}/${qs.length} parse clean, ${rejectedByCurrent} use older syntax current ES rejects (=, single quotes, array index, 'of' relationships, ':' with a non-literal, '!:', fork), ${bad.length} other parse errors`,
  );
  for (const b of bad) console.log(b);
}
{
  const qs = splitEql(join(eqlDir, 'es-parser', 'queries-unsupported.eql'));
  let parsedOk = 0;
  let rejected = 0;
  const accepted: string[] = [];
  for (const q of qs) {
    const p = parse(q);
    if (errorsOf(p.errors).length === 0) parsedOk++;
    if (errorsOf([...p.errors, ...analyze(p)]).length > 0) rejected++;
    else accepted.push(`  ${JSON.stringify(q.slice(0, 120))}`);
  }
  console.log(`queries-unsupported.eql: ${parsedOk}/${qs.length} parse without syntax errors, ${rejected}/${qs.length} rejected`);
  for (const a of accepted) console.log(a);
}

process.exit(corpusFailures.length > 0 ? 1 : 0);
