// Catalogs from other sources: fields seen in sample events, user schema files (ECS-style flat
// YAML/JSON, an integration fields.yml, an Elasticsearch mapping) and the detection-rules
// repository's schema files. All take text (or parsed events) — the host reads and gunzips files —
// and never throw: problems come back as errors with a line/column when known.
import { jsonSyntaxError } from '../jsonText';
import { compareVersion } from '../version';
import { parseYaml, type YamlValue } from './yamlText';
import { ecsCatalogFromData, isEcsData } from './ecs';
import type { Catalog, FieldInfo } from './types';

export interface SchemaFileError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface SchemaFileResult {
  catalogs: Catalog[];
  errors: SchemaFileError[];
}

type Obj = { [key: string]: unknown };
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

// ---------------------------------------------------------------------------------------------
// Samples

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^[0-9a-f]*:[0-9a-f:]+$/i;

function observedType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'double';
  if (typeof v === 'string') return ISO_DATE.test(v) ? 'date' : IPV4.test(v) || (IPV6.test(v) && v.includes('::')) ? 'ip' : 'keyword';
  return 'object';
}

/**
 * The fields present in sample events, with their observed type, how many events hold each,
 * and up to `maxValues` distinct observed values (short scalars only).
 */
export function catalogFromSamples(events: Iterable<{ doc: unknown }>, maxValues = 8): Catalog {
  const fields = new Map<string, FieldInfo>();
  const values = new Map<string, Set<string>>();
  let count = 0;
  const note = (name: string, v: unknown, isArray: boolean, seenThisEvent: Set<string>) => {
    let f = fields.get(name);
    if (!f) {
      f = { name, type: observedType(v), source: 'samples', seenIn: 0 };
      fields.set(name, f);
    }
    if (isArray) f.array = true;
    if (!seenThisEvent.has(name)) {
      seenThisEvent.add(name);
      f.seenIn = (f.seenIn ?? 0) + 1;
    }
    if (v !== null && typeof v !== 'object') {
      const s = String(v);
      let set = values.get(name);
      if (!set) values.set(name, (set = new Set()));
      if (set.size < maxValues && s.length <= 120) set.add(s);
    }
  };
  const walk = (prefix: string, v: unknown, depth: number, seen: Set<string>, isArray = false): void => {
    if (depth > 32) return;
    if (Array.isArray(v)) {
      if (v.length === 0 && prefix) note(prefix, '', true, seen);
      for (const x of v) walk(prefix, x, depth + 1, seen, true);
      return;
    }
    if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1, seen);
      return;
    }
    if (prefix && v !== null && v !== undefined) note(prefix, v, isArray, seen);
  };
  for (const e of events) {
    count++;
    walk('', e.doc, 0, new Set());
  }
  for (const [name, set] of values) {
    const f = fields.get(name);
    if (f) f.observed = [...set];
  }
  return { id: 'samples', label: `fields of ${count.toLocaleString('en-US')} sample events`, fields, tier: 1 };
}

// ---------------------------------------------------------------------------------------------
// User schema files

function add(fields: Map<string, FieldInfo>, source: string, name: string, type: string | undefined, extra: Partial<FieldInfo> = {}): void {
  if (!name) return;
  fields.set(name, { name, type: type ?? '', source, ...extra });
}

/** An Elasticsearch mapping: `properties` trees with object fields, multi-fields (`fields`) and aliases. */
function fromMappingProperties(props: Obj, prefix: string, fields: Map<string, FieldInfo>, source: string, aliases: [string, string][]): void {
  for (const [key, def] of Object.entries(props)) {
    if (!isObj(def)) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    const type = typeof def.type === 'string' ? def.type : isObj(def.properties) ? 'object' : undefined;
    if (type === 'alias' && typeof def.path === 'string') aliases.push([name, def.path]);
    else if (isObj(def.properties)) {
      if (def.type === 'nested') add(fields, source, name, 'nested');
      fromMappingProperties(def.properties, name, fields, source, aliases);
    } else add(fields, source, name, type ?? 'object');
    if (isObj(def.fields)) {
      for (const [mk, md] of Object.entries(def.fields)) {
        if (isObj(md)) add(fields, source, `${name}.${mk}`, typeof md.type === 'string' ? md.type : 'keyword', { multiFieldOf: name });
      }
    }
  }
}

function mappingRoots(json: Obj): Obj[] {
  if (isObj(json.properties)) return [json.properties];
  if (isObj(json.mappings) && isObj(json.mappings.properties)) return [json.mappings.properties];
  const roots: Obj[] = [];
  for (const v of Object.values(json)) if (isObj(v) && isObj(v.mappings) && isObj(v.mappings.properties)) roots.push(v.mappings.properties);
  return roots;
}

/** An integration fields.yml: a list of `{ name, type, description, fields: [...] }`, groups nested. */
function fromFieldsYml(list: YamlValue[], prefix: string, fields: Map<string, FieldInfo>, source: string): void {
  for (const item of list) {
    if (!isObj(item) || typeof item.name !== 'string') continue;
    const name = prefix ? `${prefix}.${item.name}` : item.name;
    const type = typeof item.type === 'string' ? item.type : undefined;
    if (Array.isArray(item.fields)) {
      if (type && type !== 'group') add(fields, source, name, type);
      fromFieldsYml(item.fields as YamlValue[], name, fields, source);
      continue;
    }
    const extra: Partial<FieldInfo> = {};
    if (typeof item.description === 'string') extra.description = item.description.trim();
    if (item.example !== undefined && item.example !== null) extra.example = String(item.example);
    // `external: ecs` takes its type from ECS: leave it empty so the ECS catalog fills it in.
    add(fields, source, name, type ?? (item.external ? '' : 'keyword'), extra);
    if (Array.isArray(item.multi_fields)) {
      for (const m of item.multi_fields) if (isObj(m) && typeof m.name === 'string') add(fields, source, `${name}.${m.name}`, typeof m.type === 'string' ? m.type : 'text', { multiFieldOf: name });
    }
  }
}

/** name -> type, or name -> { type, description, example, ... } (ECS flat YAML/JSON). */
function fromFlat(obj: Obj, fields: Map<string, FieldInfo>, source: string): boolean {
  let any = false;
  for (const [name, def] of Object.entries(obj)) {
    if (typeof def === 'string') {
      add(fields, source, name, def);
      any = true;
    } else if (isObj(def) && typeof def.type === 'string') {
      const extra: Partial<FieldInfo> = {};
      const d = typeof def.short === 'string' ? def.short : typeof def.description === 'string' ? def.description : undefined;
      if (d) extra.description = d.trim();
      if (def.example !== undefined && def.example !== null) extra.example = String(def.example);
      if (Array.isArray(def.allowed_values)) {
        extra.allowedValues = def.allowed_values.filter(isObj).map((v) => ({ value: String(v.name), description: typeof v.description === 'string' ? v.description : undefined }));
      }
      if (Array.isArray(def.normalize) && def.normalize.includes('array')) extra.array = true;
      const fname = typeof def.flat_name === 'string' ? def.flat_name : name;
      add(fields, source, fname, def.type, extra);
      if (Array.isArray(def.multi_fields)) {
        for (const m of def.multi_fields) if (isObj(m) && typeof m.flat_name === 'string') add(fields, source, m.flat_name, String(m.type ?? 'text'), { multiFieldOf: fname });
      }
      any = true;
    }
  }
  return any;
}

function baseName(file: string): string {
  return file.replace(/\\/g, '/').split('/').pop() ?? file;
}

function jsonError(file: string, text: string, e: unknown): SchemaFileError {
  const at = jsonSyntaxError(text);
  const before = text.slice(0, at?.offset ?? 0).split('\n');
  const message = at?.message ?? (e instanceof Error ? e.message.split('\n')[0] : String(e));
  return { file, line: before.length, column: before[before.length - 1].length + 1, message: `invalid JSON: ${message}` };
}

/**
 * A user schema file (the eqlRuleStudio.schemaFiles setting): ECS-style flat YAML or JSON, an
 * integration fields.yml, an Elasticsearch mapping (`GET index/_mapping` output), or our own
 * compact ECS data. The format is recognised from the content.
 */
export function catalogFromSchemaFile(text: string, file: string): SchemaFileResult {
  const label = baseName(file);
  const source = `file ${label}`;
  const fields = new Map<string, FieldInfo>();
  const errors: SchemaFileError[] = [];
  const isJson = /\.json$/i.test(file) || /^\s*[{[]/.test(text);
  let value: unknown;
  if (isJson) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { catalogs: [], errors: [jsonError(file, text, e)] };
    }
  } else {
    const y = parseYaml(text);
    value = y.value;
    for (const e of y.errors) errors.push({ file, line: e.line, column: e.column, message: e.message });
  }
  if (isEcsData(value)) {
    const c = ecsCatalogFromData(value);
    return { catalogs: [{ ...c, id: `user:${file}`, label, tier: 1 }], errors };
  }
  if (Array.isArray(value)) fromFieldsYml(value as YamlValue[], '', fields, source);
  else if (isObj(value)) {
    const roots = mappingRoots(value);
    if (roots.length) {
      const aliases: [string, string][] = [];
      for (const r of roots) fromMappingProperties(r, '', fields, source, aliases);
      for (const [name, path] of aliases) {
        const target = fields.get(path);
        add(fields, source, name, target?.type ?? '', { description: `Alias of \`${path}\`.` });
      }
    } else if (Object.values(value).length > 0 && Object.values(value).every((v) => isObj(v) && isObj(v.fields))) {
      // ECS nested form (ecs_nested.json): fieldset -> { fields: { flat name -> definition } }.
      for (const fs of Object.values(value)) fromFlat((fs as Obj).fields as Obj, fields, source);
    } else if (!fromFlat(value, fields, source)) {
      errors.push({ file, line: 1, column: 1, message: 'not a recognised schema: expected fields.yml, flat name -> type/definition, or an Elasticsearch mapping' });
    }
  } else errors.push({ file, line: 1, column: 1, message: 'empty or unrecognised schema file' });
  return { catalogs: fields.size ? [{ id: `user:${file}`, label, fields, tier: 1 }] : [], errors };
}

// ---------------------------------------------------------------------------------------------
// detection-rules repository (detection_rules/etc/)

/** `ecs_schemas/<version>/ecs_flat.json(.gz)`: the ECS definitions that version of the repo pins. */
export function catalogFromDetectionRulesEcs(text: string, file: string): SchemaFileResult {
  const r = catalogFromSchemaFile(text, file);
  const version = /ecs_schemas\/([^/]+)\//.exec(file.replace(/\\/g, '/'))?.[1];
  return { catalogs: r.catalogs.map((c) => ({ ...c, id: 'detection-rules:ecs', label: `detection-rules ECS ${version ?? ''}`.trim(), tier: 3 })), errors: r.errors };
}

/** `non-ecs-schema.json`: index pattern -> { field: type }; each applies to its pattern. */
export function catalogsFromNonEcsSchema(text: string, file: string): SchemaFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { catalogs: [], errors: [jsonError(file, text, e)] };
  }
  if (!isObj(value)) return { catalogs: [], errors: [{ file, line: 1, column: 1, message: 'expected an object of index pattern -> fields' }] };
  const catalogs: Catalog[] = [];
  for (const [pattern, map] of Object.entries(value)) {
    if (!isObj(map)) continue;
    const fields = new Map<string, FieldInfo>();
    for (const [name, type] of Object.entries(map)) if (typeof type === 'string') add(fields, `non-ECS (${pattern})`, name, type);
    if (fields.size) catalogs.push({ id: `detection-rules:non-ecs:${pattern}`, label: `non-ECS ${pattern}`, fields, tier: 1, appliesTo: { indices: [pattern] } });
  }
  return { catalogs, errors: [] };
}

/**
 * `integration-schemas.json(.gz)`: package -> version -> data stream -> { field: type }. Keeps the
 * newest version of each package; one catalog per package, applying to rules that name the
 * package in `[metadata] integration` or search `logs-<package>.*`.
 */
export function catalogsFromIntegrationSchemas(text: string, file: string): SchemaFileResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { catalogs: [], errors: [jsonError(file, text, e)] };
  }
  if (!isObj(value)) return { catalogs: [], errors: [{ file, line: 1, column: 1, message: 'expected package -> version -> data stream -> fields' }] };
  const catalogs: Catalog[] = [];
  for (const [pkg, versions] of Object.entries(value)) {
    if (!isObj(versions)) continue;
    const newest = Object.keys(versions).sort(compareVersion).pop();
    const streams = newest ? versions[newest] : undefined;
    if (!isObj(streams)) continue;
    const fields = new Map<string, FieldInfo>();
    const source = `integration ${pkg} ${newest}`;
    for (const map of Object.values(streams)) {
      if (!isObj(map)) continue;
      for (const [name, type] of Object.entries(map)) if (typeof type === 'string') add(fields, source, name, type);
    }
    if (fields.size) {
      catalogs.push({ id: `detection-rules:integration:${pkg}`, label: `integration ${pkg}`, fields, tier: 0, appliesTo: { integrations: [pkg], indices: [`logs-${pkg}.*`, `logs-${pkg}*`] } });
    }
  }
  return { catalogs, errors: [] };
}
