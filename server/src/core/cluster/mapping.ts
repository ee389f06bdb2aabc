// The index mapping for sample documents bulk-indexed to compare local and cluster answers:
// each field the documents hold gets its type from our field catalogs (keyword, date, ip,
// long, …); fields no catalog knows get the type Elasticsearch's dynamic mapping would give.

const LEAF_TYPES = new Set([
  'keyword', 'constant_keyword', 'wildcard', 'text', 'match_only_text', 'date', 'date_nanos', 'ip', 'long', 'integer', 'short', 'byte',
  'unsigned_long', 'double', 'float', 'half_float', 'scaled_float', 'boolean', 'version', 'geo_point', 'flattened', 'binary',
]);

export interface MappingProperty {
  type?: string;
  properties?: Record<string, MappingProperty>;
  scaling_factor?: number;
}

function dynamicType(v: unknown): string {
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'float';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return 'date';
  return 'keyword';
}

/** `{ properties }` for the documents; `fieldType(name)` answers a catalog's Elasticsearch type. */
export function mappingForDocuments(docs: Iterable<Record<string, unknown>>, fieldType: (name: string) => string | undefined): { properties: Record<string, MappingProperty> } {
  const root: Record<string, MappingProperty> = {};
  const place = (props: Record<string, MappingProperty>, key: string, name: string, value: unknown): void => {
    const first = Array.isArray(value) ? value.find((x) => x !== null && x !== undefined) : value;
    if (first === undefined || first === null) return;
    const known = fieldType(name);
    const leaf = known === 'scaled_float' ? 'double' : known && LEAF_TYPES.has(known) ? known : undefined;
    if (leaf && (leaf === 'flattened' || typeof first !== 'object')) {
      props[key] ??= { type: leaf };
      return;
    }
    if (typeof first === 'object') {
      const p = (props[key] ??= { properties: {} });
      if (!p.properties) return; // already a leaf
      for (const [k, v] of Object.entries(first as Record<string, unknown>)) place(p.properties, k, `${name}.${k}`, v);
      return;
    }
    props[key] ??= { type: dynamicType(first) };
  };
  for (const doc of docs) for (const [k, v] of Object.entries(doc)) place(root, k, k, v);
  return { properties: root };
}
