// The catalogs active for one query, merged: answers "does this field exist, what is it,
// what comes after `aws.cloudtrail.`, what did you mean". Built once per selection and cached
// by the caller (see select.ts), so the prefix tree is paid for once, not per keystroke.
import { editDistance } from '../editDistance';
import { isOpenType, type Catalog, type FieldInfo, type KnownValue } from './types';

export { editDistance };

/** One entry of `children(prefix)`: the next dotted segment after the prefix. */
export interface ChildEntry {
  segment: string;
  /** Full dotted name of this node. */
  name: string;
  /** Set when the node is itself a field. */
  field?: FieldInfo;
  /** The node has sub-fields (it is a group such as `event` or an object field). */
  hasChildren: boolean;
  /** Best (lowest) tier of the catalogs defining anything at or under this node. */
  tier: number;
}

export interface SchemaSet {
  catalogs: readonly Catalog[];
  /** Catalog labels, for hover and the status bar: ["ECS 9.4.0", "AWS CloudTrail"]. */
  labels: string[];
  /** Why these catalogs: "from index logs-aws.cloudtrail-*", "setting eqlRuleStudio.schemas". */
  reason: string;
  /**
   * False when the query searches data no active catalog describes (an index we have no
   * catalog for): unknown fields are then only hinted, not warned.
   */
  complete: boolean;
  /** The field, merged over catalogs (first catalog wins; missing description etc. filled from later ones). */
  lookup(name: string): FieldInfo | undefined;
  /** Next segments under `prefix` ('' for top level; 'aws.cloudtrail' or 'aws.cloudtrail.'). */
  children(prefix: string): ChildEntry[];
  /** Up to n known field names closest to `name` (for "did you mean"). */
  closest(name: string, n?: number): string[];
  /** Known values of a field: allowed values plus catalog value lists. */
  values(name: string): KnownValue[];
  /** Elasticsearch type of a field, for the analyzer's type checks. */
  fieldType(name: string): string | undefined;
  /** Ranking tier of a field (lower first). */
  tier(name: string): number;
}

interface Node {
  children: Map<string, Node>;
  name: string;
  tier: number;
}

export function createSchemaSet(catalogs: readonly Catalog[], reason: string, complete = true): SchemaSet {
  const ordered = [...catalogs].sort((a, b) => (a.tier ?? 3) - (b.tier ?? 3));
  let tree: Node | undefined;
  let names: string[] | undefined;
  const lookupCache = new Map<string, FieldInfo | undefined>();

  function direct(name: string): FieldInfo | undefined {
    if (lookupCache.has(name)) return lookupCache.get(name);
    let merged: FieldInfo | undefined;
    for (const c of ordered) {
      const f = c.fields.get(name);
      if (!f) continue;
      if (!merged) merged = { ...f };
      else {
        // A definition without its own type (fields.yml `external: ecs`) takes the next one's.
        if (!merged.type) merged.type = f.type;
        merged.description ??= f.description;
        merged.example ??= f.example;
        merged.allowedValues ??= f.allowedValues;
        merged.array ??= f.array;
        merged.level ??= f.level;
      }
    }
    lookupCache.set(name, merged);
    return merged;
  }

  /** A sub-path of a flattened/object field: valid, typed by the parent. */
  function underOpen(name: string): FieldInfo | undefined {
    let i = name.lastIndexOf('.');
    while (i > 0) {
      const parent = direct(name.slice(0, i));
      if (parent && isOpenType(parent.type)) {
        return {
          name,
          type: parent.type === 'flattened' ? 'keyword' : 'unknown',
          description: `A key inside \`${parent.name}\` (${parent.type}): any sub-path is accepted.`,
          source: parent.source,
        };
      }
      i = name.lastIndexOf('.', i - 1);
    }
    return undefined;
  }

  function buildTree(): Node {
    const root: Node = { children: new Map(), name: '', tier: 9 };
    for (const c of ordered) {
      const t = c.tier ?? 3;
      for (const f of c.fields.values()) {
        const ft = f.level === 'core' ? Math.min(t, 2) : t;
        let node = root;
        const parts = f.name.split('.');
        for (let i = 0; i < parts.length; i++) {
          let next = node.children.get(parts[i]);
          if (!next) {
            next = { children: new Map(), name: parts.slice(0, i + 1).join('.'), tier: ft };
            node.children.set(parts[i], next);
          } else if (ft < next.tier) next.tier = ft;
          node = next;
        }
      }
    }
    return root;
  }

  return {
    catalogs: ordered,
    labels: ordered.map((c) => c.label),
    reason,
    complete,
    lookup(name) {
      return direct(name) ?? underOpen(name);
    },
    children(prefix) {
      tree ??= buildTree();
      const p = prefix.endsWith('.') ? prefix.slice(0, -1) : prefix;
      let node: Node | undefined = tree;
      if (p) for (const seg of p.split('.')) node = node?.children.get(seg);
      if (!node) return [];
      const out: ChildEntry[] = [];
      for (const [segment, child] of node.children) {
        out.push({ segment, name: child.name, field: direct(child.name), hasChildren: child.children.size > 0, tier: child.tier });
      }
      return out;
    },
    closest(name, n = 3) {
      names ??= [...new Set(ordered.flatMap((c) => [...c.fields.keys()]))];
      return closestNames(name, names, n);
    },
    values(name) {
      const out: KnownValue[] = [];
      const seen = new Set<string>();
      const add = (v: KnownValue) => {
        if (!seen.has(v.value)) {
          seen.add(v.value);
          out.push(v);
        }
      };
      for (const v of direct(name)?.allowedValues ?? []) add(v);
      for (const c of ordered) for (const v of c.values?.get(name) ?? []) add(v);
      return out;
    },
    fieldType(name) {
      // '' (type left to another catalog) and 'unknown' (inside an object) say nothing to type checks.
      const t = this.lookup(name)?.type;
      return t && t !== 'unknown' ? t : undefined;
    },
    tier(name) {
      let best = 9;
      for (const c of ordered) {
        const f = c.fields.get(name);
        if (f) best = Math.min(best, f.level === 'core' ? Math.min(c.tier ?? 3, 2) : c.tier ?? 3);
      }
      return best;
    },
  };
}

/**
 * Names within a small edit distance (transpositions count once: `actoin` -> `action`), best
 * first; ties broken by a shared last segment, then alphabetically.
 */
export function closestNames(name: string, candidates: Iterable<string>, n: number): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
  const scored: { c: string; d: number }[] = [];
  const last = name.slice(name.lastIndexOf('.') + 1);
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > limit) continue;
    const d = editDistance(name, c, limit);
    if (d <= limit) scored.push({ c, d: d - (c.endsWith('.' + last) ? 0.5 : 0) });
  }
  scored.sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1));
  return scored.slice(0, n).map((s) => s.c);
}

