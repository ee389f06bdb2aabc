// Completion latency at `event.` and `aws.cloudtrail.` with every catalog loaded (ECS, AWS
// CloudTrail, a samples catalog, the user-file fixtures), the ECS catalog's cold load time,
// and the catalog's size on disk and compressed (≈ its share of the .vsix, a zip).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import * as os from 'node:os';
import { CatalogRegistry } from '../../server/src/core/schema/select';
import { catalogFromSamples, catalogFromSchemaFile } from '../../server/src/core/schema/sources';
import { doComplete } from '../../server/src/service/completion';
import { doHover } from '../../server/src/service/hover';
import { wholeTextRegion } from '../../server/src/service/document';
import { writeEcs } from '../generate-catalogs';

const root = join(__dirname, '..', '..');
const dataFile = join(root, 'dist', 'data', 'ecs.json');
if (!existsSync(dataFile)) writeEcs(join(root, 'dist', 'data'));

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${q(0.5).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms, max ${s[s.length - 1].toFixed(3)} ms (n=${s.length})`;
}

// Cold load: read + JSON.parse + decode, as the server does on first use (fresh registry each time).
const loads: number[] = [];
for (let i = 0; i < 15; i++) {
  const t0 = performance.now();
  const reg = new CatalogRegistry(() => readFileSync(dataFile, 'utf8'));
  reg.ecsCatalog();
  reg.schemasFor().children('');
  loads.push(performance.now() - t0);
}
for (const f of ['ecs.json', 'ecs-descriptions.json']) {
  const file = join(root, 'dist', 'data', f);
  if (!existsSync(file)) continue;
  const raw = statSync(file).size;
  const zipped = gzipSync(readFileSync(file)).length;
  console.log(`dist/data/${f}: ${(raw / 1024).toFixed(0)} KB on disk, ${(zipped / 1024).toFixed(0)} KB compressed (its share of the .vsix)`);
}
console.log(`catalog load (read + parse + first prefix tree): ${stats(loads)}`);

const reg = new CatalogRegistry(() => readFileSync(dataFile, 'utf8'));
const fixtures = join(root, 'test-fixtures', 'schemas');
reg.setExtra(['fields.yml', 'flat.yml', 'mapping.json'].flatMap((f) => catalogFromSchemaFile(readFileSync(join(fixtures, f), 'utf8'), f).catalogs));
reg.setSamples(
  catalogFromSamples(
    Array.from({ length: 2000 }, (_, i) => ({
      doc: { event: { action: `Action${i % 50}`, provider: 'iam.amazonaws.com', outcome: 'success' }, user: { name: `u${i}` }, aws: { cloudtrail: { user_identity: { type: 'IAMUser' } } } },
    })),
  ),
);
const ctx = { catalogs: reg };
// The first call builds the merged prefix tree (part of loading, timed here once).
{
  const text = 'any where event.';
  const t0 = performance.now();
  doComplete({ uri: 'file:///w.eql', languageId: 'eql', version: 0, text, regions: [wholeTextRegion(text)] }, text.length, ctx);
  console.log(`first completion (loads ECS, builds the merged prefix tree): ${(performance.now() - t0).toFixed(1)} ms`);
}

function bench(label: string, prefix: string, n = 400): void {
  const times: number[] = [];
  const cpu: number[] = [];
  let items = 0;
  for (let i = 0; i < n; i++) {
    // A different text each time, as when typing: no token cache hit.
    const text = `${' '.repeat(i % 7)}any where process.name == "x${i}" and ${prefix}`;
    const doc = { uri: 'file:///b.eql', languageId: 'eql', version: i, text, regions: [wholeTextRegion(text)] };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    items = doComplete(doc, text.length, ctx).items.length;
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`completion at \`${prefix}\` (${items} items): wall ${stats(times)}`);
  console.log(`  cpu time (without waiting for a busy machine): ${stats(cpu)}`);
}

console.log(`machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (wall-clock p99 suffers when it is high)`);
bench('event', 'event.');
bench('aws', 'aws.cloudtrail.');
bench('top', '');
bench('values', 'event.provider == "rds.amazonaws.com" and event.action in (');

const hov: number[] = [];
for (let i = 0; i < 400; i++) {
  const text = `any where event.action == "x${i}"`;
  const doc = { uri: 'file:///b.eql', languageId: 'eql', version: i, text, regions: [wholeTextRegion(text)] };
  const t0 = performance.now();
  doHover(doc, 12, ctx);
  hov.push(performance.now() - t0);
}
console.log(`hover on a field: ${stats(hov)}`);
