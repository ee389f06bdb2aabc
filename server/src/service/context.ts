// What completion, hover, signature help and the field checks need besides the document:
// the catalogs (built-in, user files, detection-rules schemas, fields seen in samples) and the
// schema setting. The host (lsp/ or cli/) owns one CatalogRegistry, feeds it parsed files
// (registry.setExtra / setSamples) and passes this context to every call.
//
//   interface ServiceContext {
//     catalogs: CatalogRegistry;       // core/schema/select.ts
//     schemaSetting?: string[];        // eqlRuleStudio.schemas; undefined = ECS + every built-in integration
//   }
//   schemasForRegion(ctx, region): SchemaSet   // the rule's catalogs, or the setting's for plain .eql
//   fieldTypeFor(ctx, region): (name) => string | undefined   // for analyze(parsed, { fieldType })
import type { QueryRegion } from './document';
import type { CatalogRegistry } from '../core/schema/select';
import type { SchemaSet } from '../core/schema/schemaSet';
import type { Catalog } from '../core/schema/types';

export interface ServiceContext {
  catalogs: CatalogRegistry;
  /** The eqlRuleStudio.schemas setting (catalog ids for plain .eql files); undefined: ECS and every built-in integration. */
  schemaSetting?: string[];
}

/** What the service uses for a document's fields (the client shows it in the status bar). */
export interface SchemaStatus {
  uri: string;
  /** Labels of the active field catalogs, e.g. ["ECS 9.x", "AWS CloudTrail"]. */
  schemas: string[];
  /** Why these catalogs: "from index logs-aws.cloudtrail-*" or "setting eqlRuleStudio.schemas". */
  reason: string;
}

/** The active schemas of a query region: chosen by its rule's index/integration, else by the setting. */
export function schemasForRegion(ctx: ServiceContext, region: QueryRegion | undefined): SchemaSet {
  const rule = region?.rule;
  if (rule && (rule.indices.length > 0 || rule.integrations.length > 0)) return ctx.catalogs.schemasFor(rule);
  return ctx.catalogs.schemasFor(undefined, ctx.schemaSetting);
}

/** The fields seen in the workspace's sample events, when samples are configured. */
export function samplesCatalog(ctx: ServiceContext): Catalog | undefined {
  return ctx.catalogs.samplesCatalog;
}

/** A `fieldType(name)` for the analyzer's type checks over one region. */
export function fieldTypeFor(ctx: ServiceContext, region: QueryRegion | undefined): (name: string) => string | undefined {
  const schemas = schemasForRegion(ctx, region);
  return (name) => schemas.fieldType(name);
}
