/**
 * Our CloudTrail → ECS normalization against the AWS integration's own pipeline test cases
 * (../shared/cloudtrail/pipeline-tests: raw `*.log`, one record a line, and the `*-expected.json` documents
 * Elasticsearch produced). Every expected field is compared (both documents flattened to dotted paths); fields we
 * knowingly do not reproduce are listed in SKIPPED and not counted. Prints per file and total agreement.
 * Usage: node --import tsx scripts/conformance/cloudtrail-pipeline.ts [-v]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { normalizeCloudTrail } from '../../server/src/core/samples/cloudtrail';

const root = resolve(__dirname, '..', '..');
const dir = resolve(root, '..', 'shared', 'cloudtrail', 'pipeline-tests');
const verbose = process.argv.includes('-v');

/** Knowingly not reproduced (with the reason); not counted. */
const SKIPPED: { re: RegExp; why: string }[] = [
  { re: /^source\.geo\./, why: 'GeoIP enrichment (MaxMind database)' },
  { re: /^source\.as\./, why: 'ASN enrichment (MaxMind database)' },
  { re: /^event\.ingested$/, why: 'set by Fleet at ingest time; we set it to @timestamp' },
  { re: /^tags(\[|$)/, why: 'added by the input/test configuration, not by the pipeline' },
];
/** The actor/target entity script's fields (tag actor_target_mapping); counted with the rule-relevant ones and also apart. */
const ENTITY = /^((actor|target|entity)\.|related\.entity$|(user|host|service)\.(target\.)?entity\.)/;
/** Derived by the uap-core regex database in ES's user_agent processor; we approximate it (user_agent.original is exact). */
const ENRICHMENT = /^user_agent\.(name|version|os\.|device\.)/;
/** Fields we add for an offline runner (the index mapping / Fleet would) or from newer pipelines; not listed as extras. */
const SYNTHETIC = /^(event\.dataset|event\.module|data_stream\.|event\.ingested|cloud\.provider|cloud\.service\.name|related\.ip)$/;

type Obj = Record<string, unknown>;

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (Array.isArray(v)) {
    if (v.some((x) => typeof x === 'object' && x !== null)) v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out));
    else out.set(prefix, v);
    return;
  }
  if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v as Obj)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, v);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function main(): void {
  if (!existsSync(dir)) {
    console.log('cloudtrail-pipeline: skipped (../shared/cloudtrail/pipeline-tests not found)');
    return;
  }
  const common = join(dir, 'test-common-config.yml');
  // The tests' simulated agent read time (event.created, and @timestamp fallback).
  const created = existsSync(common) ? /'@timestamp':\s*'([^']+)'/.exec(readFileSync(common, 'utf8'))?.[1] : undefined;
  // Which expected files were produced by the pipeline version we follow (0f775e78); the others differ by version drift.
  const provenance = join(dir, 'PROVENANCE.tsv');
  const sameVersion = new Set<string>();
  if (existsSync(provenance)) {
    for (const row of readFileSync(provenance, 'utf8').split('\n').slice(1)) {
      const cols = row.split('\t');
      if (cols[5] === 'yes') sameVersion.add(cols[0]);
    }
  }
  const byVersion = { same: [0, 0], other: [0, 0] };
  const files = readdirSync(dir).filter((f) => f.endsWith('.log') && existsSync(join(dir, f + '-expected.json'))).sort();
  let totEntity = 0, totEntityOk = 0;
  let totRule = 0, totRuleOk = 0, totAll = 0, totAllOk = 0, totEnr = 0, totEnrOk = 0, totSkipped = 0, totDocs = 0, blank = 0;
  const skippedSeen = new Map<string, number>();
  const disagreements: string[] = [];
  const extras = new Map<string, number>();
  for (const f of files) {
    const lines = readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim() !== '');
    const expected = (JSON.parse(readFileSync(join(dir, f + '-expected.json'), 'utf8')) as { expected: Obj[] }).expected;
    // Blank input lines produce an (empty) document in the pipeline tests; we read no event from them.
    const withOriginal = expected.filter((e) => typeof (e.event as Obj | undefined)?.original === 'string');
    blank += expected.length - withOriginal.length;
    let rule = 0, ruleOk = 0, enr = 0, enrOk = 0;
    withOriginal.forEach((exp, i) => {
      const line = lines[i];
      if (line === undefined) {
        disagreements.push(`${f}#${i + 1}: no input line`);
        return;
      }
      totDocs++;
      // The entity script runs when the test's input had the tag actor_target_mapping (counted below).
      const actorTargetMapping = Array.isArray(exp.tags) && exp.tags.includes('actor_target_mapping');
      const got = normalizeCloudTrail(JSON.parse(line) as Obj, { original: line, created, actorTargetMapping });
      const e = new Map<string, unknown>(), g = new Map<string, unknown>();
      flatten(exp, '', e);
      flatten(got, '', g);
      for (const [k, v] of e) {
        const skip = SKIPPED.find((s) => s.re.test(k));
        if (skip) {
          totSkipped++;
          skippedSeen.set(skip.why, (skippedSeen.get(skip.why) ?? 0) + 1);
          continue;
        }
        const ok = same(v, g.get(k));
        if (ENTITY.test(k)) {
          totEntity++;
          if (ok) totEntityOk++;
        }
        if (ENRICHMENT.test(k)) {
          enr++;
          if (ok) enrOk++;
        } else {
          rule++;
          if (ok) ruleOk++;
        }
        if (!ok) disagreements.push(`${sameVersion.has(f) ? '' : '(other version) '}${f}#${i + 1} ${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(g.get(k))}`);
      }
      for (const k of g.keys()) {
        if (!e.has(k) && !SYNTHETIC.test(k) && !SKIPPED.some((s) => s.re.test(k))) {
          const name = k.replace(/\[\d+\]/g, '[]');
          extras.set(name, (extras.get(name) ?? 0) + 1);
          if (verbose) console.log(`  extra ${f}#${i + 1} ${k} = ${JSON.stringify(g.get(k))}`);
        }
      }
    });
    const group = sameVersion.has(f) ? byVersion.same : byVersion.other;
    group[0] += ruleOk; group[1] += rule;
    totRule += rule; totRuleOk += ruleOk; totEnr += enr; totEnrOk += enrOk;
    totAll += rule + enr; totAllOk += ruleOk + enrOk;
    console.log(`${f.padEnd(52)} ${sameVersion.has(f) ? '0f775e78' : 'other   '} rule-relevant ${ruleOk}/${rule}  user-agent parsing ${enrOk}/${enr}`);
  }
  console.log('');
  console.log(`files: ${files.length}, documents: ${totDocs} (${blank} blank-line documents not compared)`);
  console.log(`rule-relevant fields agreeing: ${totRuleOk}/${totRule}`);
  console.log(`  expected files from pipeline 0f775e78 (the version we follow): ${byVersion.same[0]}/${byVersion.same[1]}`);
  console.log(`  expected files from older/newer pipelines (differences are version drift): ${byVersion.other[0]}/${byVersion.other[1]}`);
  console.log(`  of which actor/target entity fields (tag actor_target_mapping): ${totEntityOk}/${totEntity}`);
  console.log(`user_agent parsing (uap-core) agreeing: ${totEnrOk}/${totEnr}`);
  console.log(`all compared fields agreeing: ${totAllOk}/${totAll}; ${totSkipped} expected fields skipped:`);
  for (const [why, n] of skippedSeen) console.log(`  ${n} × ${why}`);
  if (disagreements.length) {
    console.log(`\ndisagreements (${disagreements.length}):`);
    for (const d of disagreements) console.log('  ' + d);
  }
  if (extras.size) {
    console.log(`\nfields we produce that an expected document lacks (not counted):`);
    for (const [k, n] of [...extras].sort()) console.log(`  ${k} (${n})`);
  }
}

main();
