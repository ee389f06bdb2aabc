// Reading fields out of sample documents, which may be nested objects ({"event":{"action":…}}),
// flat dotted keys ({"event.action":…}) or a mix of both.

export function getField(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const obj = doc as Record<string, unknown>;
  if (path in obj) return obj[path];
  // Try every split point, longest key first, so "aws.cloudtrail" and "aws"→"cloudtrail" both work.
  let dot = path.lastIndexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (head in obj) {
      const found = getField(obj[head], path.slice(dot + 1));
      if (found !== undefined) return found;
    }
    dot = path.lastIndexOf('.', dot - 1);
  }
  return undefined;
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
