// Reading the normalized documents in the sample tests: a dotted path through nested objects only
// (not the engine's resolution, which also finds dotted keys and looks into arrays), so a test sees
// exactly the shape the normalizer built.
export type Obj = Record<string, unknown>;

export function field(doc: Obj, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Obj)[p];
  }
  return cur;
}
