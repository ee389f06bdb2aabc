// Reading fields out of sample documents, which may be nested objects ({"event":{"action":…}}),
// flat dotted keys ({"event.action":…}) or a mix of both.
import { compilePath } from '../../server/src/core/engine/fields';

const getters = new Map<string, (doc: Record<string, unknown>) => unknown>();

/**
 * The value(s) at a dotted path, read exactly as the engine reads it (core/engine/fields.ts
 * compilePath): nested objects, dotted keys, arrays of objects along the path (several values come
 * back as an array).
 */
export function getField(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  let get = getters.get(path);
  if (!get) {
    if (getters.size > 500) getters.clear();
    get = compilePath(path);
    getters.set(path, get);
  }
  return get(doc as Record<string, unknown>);
}

/** One line of text for a table cell or a CSV field. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function hasField(doc: unknown, path: string): boolean {
  const v = getField(doc, path);
  return v !== undefined && v !== null;
}
