// Finds and reads the built-in catalog data the build writes to dist/data (see
// scripts/generate-catalogs.ts). The bundles live in dist/, so data/ sits next to them; from
// source (tsx) the file is found under the repository's dist/ after one `npm run build`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogRegistry } from '../core/schema/select';

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
