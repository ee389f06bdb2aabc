// Build-time extraction of the ECS field catalog from the @elastic/ecs package (a
// devDependency, so it is not shipped): keeps what completion, hover and validation need and
// writes dist/data/ecs.json (+ ecs-descriptions.json for hover), which the server reads lazily. Run by scripts/build.mjs;
// `node --import tsx scripts/generate-catalogs.ts [outDir]` by hand.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';
import type { EcsData, EcsLevel, EcsRow } from '../server/src/core/schema/ecs';

interface EcsFlatField {
  flat_name: string;
  type: string;
  short?: string;
  level?: string;
  example?: unknown;
  normalize?: string[];
  allowed_values?: { name: string; description?: string }[];
  multi_fields?: { flat_name: string; type: string }[];
}

const root = join(__dirname, '..');

let loaded: { flat: Record<string, EcsFlatField>; version: string } | undefined;
/** The package's generated/ecs_flat.ts is newer than its compiled .js (2,605 fields vs 1,675), so read the .ts (once: ~0.15 s). */
function loadEcsFlat(): { flat: Record<string, EcsFlatField>; version: string } {
  return (loaded ??= compileEcsFlat());
}

function compileEcsFlat(): { flat: Record<string, EcsFlatField>; version: string } {
  const pkgDir = join(root, 'node_modules', '@elastic', 'ecs');
  const ts = readFileSync(join(pkgDir, 'generated', 'ecs_flat.ts'), 'utf8');
  const js = transformSync(ts, { loader: 'ts', format: 'cjs' }).code;
  const mod: { exports: Record<string, unknown> } = { exports: {} };
  new Function('exports', 'module', js)(mod.exports, mod);
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  return { flat: mod.exports.EcsFlat as Record<string, EcsFlatField>, version };
}

/** First sentence, at most 160 characters: allowed-value docs are long and only shown in a list. */
function firstSentence(s: string | undefined): string {
  if (!s) return '';
  const line = s.replace(/\s+/g, ' ').trim();
  const m = /^(.*?[.!?])(\s|$)/.exec(line);
  const out = m ? m[1] : line;
  return out.length > 160 ? out.slice(0, 157) + '...' : out;
}

export function extractEcs(): EcsData {
  const { flat, version } = loadEcsFlat();
  const rows: EcsRow[] = [];
  const levels: Record<string, EcsLevel> = { core: 0, extended: 1, custom: 2 };
  for (const name of Object.keys(flat).sort()) {
    const f = flat[name];
    const example = f.example === undefined || f.example === null ? 0 : String(f.example);
    const allowed = f.allowed_values?.length ? f.allowed_values.map((v): [string, string] => [v.name, firstSentence(v.description)]) : 0;
    const array = f.normalize?.includes('array') ? 1 : 0;
    const row: EcsRow = [name, f.type, f.short ?? '', levels[f.level ?? 'extended'] ?? 1, example !== 0 && example.length > 120 ? 0 : example, allowed, array];
    while (row.length > 4 && !row[row.length - 1]) row.pop();
    rows.push(row);
    for (const m of f.multi_fields ?? []) rows.push([m.flat_name, m.type, '', 3]);
  }
  return { format: 1, version, fields: rows };
}

/** Long descriptions (where they say more than the short one), for hover only: a separate file, read on first hover. */
export function extractEcsDescriptions(): Record<string, string> {
  const { flat } = loadEcsFlat();
  const out: Record<string, string> = {};
  for (const name of Object.keys(flat).sort()) {
    const f = flat[name] as EcsFlatField & { description?: string };
    const long = f.description?.trim();
    if (long && long !== (f.short ?? '').trim()) out[name] = long;
  }
  return out;
}

export function writeEcs(outDir: string): { file: string; bytes: number; fields: number; descriptionBytes: number } {
  const data = extractEcs();
  const file = join(outDir, 'ecs.json');
  mkdirSync(dirname(file), { recursive: true });
  const text = JSON.stringify(data);
  writeFileSync(file, text);
  const descriptions = JSON.stringify(extractEcsDescriptions());
  writeFileSync(join(outDir, 'ecs-descriptions.json'), descriptions);
  return { file, bytes: Buffer.byteLength(text), fields: data.fields.length, descriptionBytes: Buffer.byteLength(descriptions) };
}

if (require.main === module) {
  const out = process.argv[2] ?? join(root, 'dist', 'data');
  const r = writeEcs(out);
  console.log(`ECS catalog: ${r.fields} fields, ${(r.bytes / 1024).toFixed(0)} KB -> ${r.file} (+ ${(r.descriptionBytes / 1024).toFixed(0)} KB long descriptions)`);
}
