// Which catalogs apply to a query: a rule's `index` patterns and `[metadata] integration` choose
// them; a plain .eql file uses the eqlRuleStudio.schemas setting. The registry holds the loaded
// catalogs (built-in ones loaded on first use) and caches one SchemaSet per selection.
import { awsCloudtrailCatalog } from './awsCloudtrail';
import { ecsCatalogFromData, isEcsData } from './ecs';
import { createSchemaSet, type SchemaSet } from './schemaSet';
import type { Catalog } from './types';
import { compileWildcard } from '../engine/wildcard';

/** The part of a rule the selection looks at (service/document.ts RuleContext fits). */
export interface RuleSelector {
  indices: string[];
  integrations: string[];
}

/** Ids of the built-in catalogs, as the eqlRuleStudio.schemas setting names them. */
export const BUILTIN_CATALOG_IDS = ['ecs', 'aws.cloudtrail'] as const;

/** Index patterns of CloudTrail data: the integration's data stream, and Filebeat's aws module. */
function searchesCloudtrail(pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/^[^:]*:/, ''); // drop a cross-cluster prefix
  if (p.includes('aws.cloudtrail') || p.startsWith('logs-aws')) return true;
  return p === '*' || p === 'logs-*' || p.startsWith('filebeat-') || p === 'logs-*-*';
}

/** Patterns that ECS plus the catalogs we have fully describe. */
function coveredPattern(pattern: string): boolean {
  const p = pattern.trim().toLowerCase().replace(/^[^:]*:/, '');
  return p.includes('aws.cloudtrail') || p.startsWith('logs-aws');
}

/** An index pattern against an index name or another pattern: the EQL wildcard matcher, case-insensitive. */
export function patternMatches(pattern: string, index: string): boolean {
  return pattern === index || compileWildcard(pattern.toLowerCase()).test(index.toLowerCase());
}

export class CatalogRegistry {
  private ecs: Catalog | null | undefined;
  private samples: Catalog | undefined;
  private extra: Catalog[] = [];
  private pendingExtra: (() => Catalog[]) | undefined;
  private cache = new Map<string, SchemaSet>();

  private descriptions: Map<string, string> | undefined;

  /**
   * `readEcs` returns the text of dist/data/ecs.json (or undefined when it is missing); called once,
   * on first use. `readEcsDescriptions` returns dist/data/ecs-descriptions.json (ECS long
   * descriptions, for hover), read on the first hover.
   */
  constructor(
    private readonly readEcs: () => string | undefined,
    private readonly readEcsDescriptions?: () => string | undefined,
  ) {}

  /** The long ECS description of a field, when it says more than the short one. */
  longDescription(name: string): string | undefined {
    if (!this.descriptions) {
      this.descriptions = new Map();
      try {
        const text = this.readEcsDescriptions?.();
        const data: unknown = text ? JSON.parse(text) : undefined;
        if (data && typeof data === 'object') {
          for (const [k, v] of Object.entries(data)) if (typeof v === 'string') this.descriptions.set(k, v);
        }
      } catch {
        // No long descriptions: hover shows the short ones.
      }
    }
    return this.descriptions.get(name);
  }

  /** The ECS catalog, or undefined when its data file is missing or unreadable. */
  ecsCatalog(): Catalog | undefined {
    if (this.ecs === undefined) {
      this.ecs = null;
      try {
        const text = this.readEcs();
        const data: unknown = text ? JSON.parse(text) : undefined;
        if (isEcsData(data)) this.ecs = ecsCatalogFromData(data);
      } catch {
        this.ecs = null;
      }
    }
    return this.ecs ?? undefined;
  }

  builtin(id: string): Catalog | undefined {
    if (id === 'ecs') return this.ecsCatalog();
    if (id === 'aws.cloudtrail' || id === 'aws') return awsCloudtrailCatalog();
    return undefined;
  }

  /** Fields seen in the workspace's sample events (see catalogFromSamples); undefined clears. */
  setSamples(catalog: Catalog | undefined): void {
    this.samples = catalog;
    this.cache.clear();
  }

  /**
   * User schema files and detection-rules schema files: parsed catalogs, or a function giving
   * them, called on the first selection that needs them (so large files load only when used).
   */
  setExtra(catalogs: Catalog[] | (() => Catalog[])): void {
    if (typeof catalogs === 'function') {
      this.extra = [];
      this.pendingExtra = catalogs;
    } else {
      this.extra = catalogs;
      this.pendingExtra = undefined;
    }
    this.cache.clear();
  }

  private extraCatalogs(): Catalog[] {
    if (this.pendingExtra) {
      const load = this.pendingExtra;
      this.pendingExtra = undefined;
      try {
        this.extra = load();
      } catch {
        this.extra = [];
      }
    }
    return this.extra;
  }

  get samplesCatalog(): Catalog | undefined {
    return this.samples;
  }

  /**
   * The SchemaSet for a rule (its index patterns and integrations) or, without a rule, for the
   * setting's catalog ids (undefined: ECS and every built-in integration).
   */
  schemasFor(rule?: RuleSelector, setting?: string[]): SchemaSet {
    const key = rule ? `r:${rule.indices.join(',')}|${rule.integrations.join(',')}` : `s:${(setting ?? []).join(',')}|${setting ? 1 : 0}`;
    let set = this.cache.get(key);
    if (set) {
      this.cache.delete(key);
    } else {
      set = this.build(rule, setting);
      // A checkout has hundreds of rules but few index combinations; the cap bounds the odd case.
      if (this.cache.size >= 64) this.cache.delete(this.cache.keys().next().value as string);
    }
    this.cache.set(key, set);
    return set;
  }

  private build(rule?: RuleSelector, setting?: string[]): SchemaSet {
    const catalogs: Catalog[] = [];
    let reason: string;
    let complete = true;
    const ecs = this.ecsCatalog();
    if (rule && (rule.indices.length > 0 || rule.integrations.length > 0)) {
      if (ecs) catalogs.push(ecs);
      const aws = rule.indices.some(searchesCloudtrail) || rule.integrations.some((i) => i === 'aws' || i.startsWith('aws.') || i === 'cloudtrail');
      if (aws) catalogs.push(awsCloudtrailCatalog());
      const reasons: string[] = [];
      if (rule.indices.length) reasons.push(`from index ${rule.indices.join(', ')}`);
      if (rule.integrations.length) reasons.push(`integration ${rule.integrations.join(', ')}`);
      reason = reasons.join('; ');
      complete = rule.indices.length > 0 ? rule.indices.every(coveredPattern) : aws;
      for (const c of this.extraCatalogs()) if (appliesTo(c, rule)) catalogs.push(c);
    } else {
      const ids = setting ?? [...BUILTIN_CATALOG_IDS];
      const unknown: string[] = [];
      for (const id of ids) {
        const c = this.builtin(id);
        if (c) catalogs.push(c);
        else if (id !== 'ecs') unknown.push(id);
      }
      reason = setting ? 'setting eqlRuleStudio.schemas' : 'default: ECS and every built-in integration';
      if (unknown.length) reason += ` (no built-in catalog named ${unknown.join(', ')}; known: ${BUILTIN_CATALOG_IDS.join(', ')})`;
      // A plain file says nothing about its data: only extra catalogs without a filter apply.
      for (const c of this.extraCatalogs()) if (!c.appliesTo) catalogs.push(c);
      complete = ids.length > 0;
    }
    if (!ecs && (!setting || setting.includes('ecs'))) {
      reason += ' (ECS data file missing)';
      complete = false;
    }
    if (this.samples) catalogs.push(this.samples);
    return createSchemaSet(catalogs, reason, complete);
  }
}

function appliesTo(c: Catalog, rule: RuleSelector): boolean {
  if (!c.appliesTo) return true;
  const { indices, integrations } = c.appliesTo;
  if (indices?.some((p) => rule.indices.some((i) => patternMatches(p, i) || patternMatches(i, p)))) return true;
  if (integrations?.some((p) => rule.integrations.some((i) => i === p || i.startsWith(p + '.') || p.startsWith(i + '.')))) return true;
  return false;
}
