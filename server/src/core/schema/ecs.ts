// The ECS catalog, from the compact data file scripts/generate-catalogs.ts extracts from the
// @elastic/ecs package at build time (dist/data/ecs.json). Rows instead of objects keep the
// file small; decoding happens once, on first use.
import type { Catalog, FieldInfo, KnownValue } from './types';

/** ECS level: 0 core, 1 extended, 2 custom, 3 multi-field (parent = name without last segment). */
export type EcsLevel = 0 | 1 | 2 | 3;

/** [name, type, short description, level, example (or 0), allowed values [value, description][] (or 0), array (1/0)] */
export type EcsRow = [string, string, string, EcsLevel, (string | 0)?, ([string, string][] | 0)?, (1 | 0)?];

export interface EcsData {
  format: 1;
  version: string;
  fields: EcsRow[];
}

const LEVELS = ['core', 'extended', 'custom'] as const;

export function isEcsData(x: unknown): x is EcsData {
  return typeof x === 'object' && x !== null && (x as EcsData).format === 1 && Array.isArray((x as EcsData).fields);
}

export function ecsCatalogFromData(data: EcsData): Catalog {
  const label = `ECS ${data.version}`;
  const fields = new Map<string, FieldInfo>();
  for (const row of data.fields) {
    const [name, type, short, level, example, allowed, array] = row;
    const f: FieldInfo = { name, type, source: label };
    if (level === 3) {
      const parent = name.slice(0, name.lastIndexOf('.'));
      f.multiFieldOf = parent;
      f.description = `The ${type} multi-field of \`${parent}\`: analyzed for full-text search; EQL's exact comparisons need the parent.`;
      f.level = 'extended';
    } else {
      f.level = LEVELS[level];
      if (short) f.description = short;
    }
    if (example) f.example = example;
    if (allowed) f.allowedValues = allowed.map(([value, description]): KnownValue => ({ value, description }));
    if (array) f.array = true;
    fields.set(name, f);
  }
  return { id: 'ecs', label, fields, tier: 3 };
}
