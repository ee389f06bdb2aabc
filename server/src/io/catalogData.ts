// Node I/O for field catalogs: the built-in data the build writes to dist/data (see
// scripts/generate-catalogs.ts), user schema files (the eqlRuleStudio.schemaFiles setting) and
// a detection-rules checkout's schema files. Parsing is core's (core/schema/sources.ts); this
// only finds, reads and gunzips. The bundles live in dist/, so data/ sits next to them; from
// source (tsx) the files are found under the repository's dist/ after one `npm run build`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../core/samples/discovery';
import { CatalogRegistry } from '../core/schema/select';
import {
  catalogFromDetectionRulesEcs,
  catalogFromSchemaFile,
  catalogsFromIntegrationSchemas,
  catalogsFromNonEcsSchema,
  type SchemaFileError,
  type SchemaFileResult,
} from '../core/schema/sources';
import type { Catalog } from '../core/schema/types';
import { compareVersion } from '../core/version';

export function builtinDataFile(name: string): string | undefined {
  const candidates = [join(__dirname, 'data', name), join(__dirname, '..', 'data', name), join(__dirname, '..', '..', '..', 'dist', 'data', name)];
  return candidates.find((f) => existsSync(f));
}

/** The text of dist/data/ecs.json, or undefined when the build has not produced it. */
export function readBuiltinEcs(): string | undefined {
  const file = builtinDataFile('ecs.json');
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** The text of dist/data/ecs-descriptions.json (ECS long descriptions), or undefined. */
export function readBuiltinEcsDescriptions(): string | undefined {
  const file = builtinDataFile('ecs-descriptions.json');
  return file ? readFileSync(file, 'utf8') : undefined;
}

/** A registry whose ECS catalog (and long descriptions) are read from disk on first use. */
export function createNodeCatalogRegistry(): CatalogRegistry {
  return new CatalogRegistry(readBuiltinEcs, readBuiltinEcsDescriptions);
}

/** A file's text, gunzipped when it starts with the gzip magic bytes. */
export function readTextMaybeGzip(file: string): string {
  const buf = readFileSync(file);
  return (isGzip(buf) ? gunzipSync(buf) : buf).toString('utf8');
}

export interface LoadedCatalogs {
  catalogs: Catalog[];
  /** With file, line and column, for the problems panel / stderr. */
  errors: SchemaFileError[];
  /** Every file read (to watch for changes). */
  files: string[];
}

function load(file: string, parse: (text: string, file: string) => SchemaFileResult, out: LoadedCatalogs): void {
  out.files.push(file);
  try {
    const r = parse(readTextMaybeGzip(file), file);
    out.catalogs.push(...r.catalogs);
    out.errors.push(...r.errors);
  } catch (e) {
    out.errors.push({ file, line: 1, column: 1, message: `cannot read: ${e instanceof Error ? e.message : String(e)}` });
  }
}

/** User schema files; relative paths are resolved against `baseDir` (the workspace folder). */
export function loadSchemaFiles(paths: string[], baseDir = process.cwd()): LoadedCatalogs {
  const out: LoadedCatalogs = { catalogs: [], errors: [], files: [] };
  for (const p of paths) load(isAbsolute(p) ? p : resolve(baseDir, p), catalogFromSchemaFile, out);
  return out;
}

/**
 * The schema files of a detection-rules checkout at `root` (when `detection_rules/etc` exists):
 * the newest `ecs_schemas/<version>/ecs_flat.json(.gz)`, `non-ecs-schema.json`,
 * `integration-schemas.json(.gz)`.
 */
export function findDetectionRulesSchemaFiles(root: string): { ecs?: string; nonEcs?: string; integrations?: string } {
  const etc = join(root, 'detection_rules', 'etc');
  if (!existsSync(etc)) return {};
  const pick = (...names: string[]) => names.map((n) => join(etc, n)).find((f) => existsSync(f));
  let ecs: string | undefined;
  const dir = join(etc, 'ecs_schemas');
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    const versions = readdirSync(dir).filter((v) => statSync(join(dir, v)).isDirectory()).sort(compareVersion);
    for (const v of versions.reverse()) {
      ecs = ['ecs_flat.json.gz', 'ecs_flat.json', 'ecs_nested.json.gz', 'ecs_nested.json'].map((n) => join(dir, v, n)).find((f) => existsSync(f));
      if (ecs) break;
    }
  }
  return { ecs, nonEcs: pick('non-ecs-schema.json'), integrations: pick('integration-schemas.json.gz', 'integration-schemas.json') };
}

export function loadDetectionRulesSchemas(root: string): LoadedCatalogs {
  const out: LoadedCatalogs = { catalogs: [], errors: [], files: [] };
  const f = findDetectionRulesSchemaFiles(root);
  if (f.ecs) load(f.ecs, catalogFromDetectionRulesEcs, out);
  if (f.nonEcs) load(f.nonEcs, catalogsFromNonEcsSchema, out);
  if (f.integrations) load(f.integrations, catalogsFromIntegrationSchemas, out);
  return out;
}

/**
 * Everything beyond the built-in catalogs for a workspace: its detection-rules schema files (if
 * it is a checkout) and the user's schema files. Hand `catalogs` to registry.setExtra; re-run
 * when one of `files` changes or the setting does.
 */
export function loadWorkspaceCatalogs(root: string | undefined, schemaFiles: string[]): LoadedCatalogs {
  const dr = root ? loadDetectionRulesSchemas(root) : { catalogs: [], errors: [], files: [] };
  const user = loadSchemaFiles(schemaFiles, root);
  return { catalogs: [...dr.catalogs, ...user.catalogs], errors: [...dr.errors, ...user.errors], files: [...dr.files, ...user.files] };
}
