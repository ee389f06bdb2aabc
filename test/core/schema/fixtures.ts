// Shared by the schema and language-service tests: a catalog registry with the real ECS data
// (dist/data/ecs.json when built, else extracted from @elastic/ecs on the fly), documents from
// `|`-marked inputs, and the fixture folder.
import { join } from 'node:path';
import { readBuiltinEcs, readBuiltinEcsDescriptions } from '../../../server/src/io/catalogData';
import { CatalogRegistry, type RuleSelector } from '../../../server/src/core/schema/select';
import { wholeTextRegion, type ServiceDocument } from '../../../server/src/service/document';
import type { ServiceContext } from '../../../server/src/service/context';
import { extractEcs, extractEcsDescriptions } from '../../../scripts/generate-catalogs';

export const fixtures = join(__dirname, '..', '..', '..', 'test-fixtures');

let ecsText: string | undefined;
export function ecsData(): string {
  ecsText ??= readBuiltinEcs() ?? JSON.stringify(extractEcs());
  return ecsText;
}

let descriptionsText: string | undefined;
export function ecsDescriptions(): string {
  descriptionsText ??= readBuiltinEcsDescriptions() ?? JSON.stringify(extractEcsDescriptions());
  return descriptionsText;
}

export function registry(): CatalogRegistry {
  return new CatalogRegistry(ecsData, ecsDescriptions);
}

/** Splits `text with | cursor` into the text and the cursor offset (the last `|`: an earlier one may be a pipe). */
export function cursor(input: string): { text: string; offset: number } {
  const offset = input.lastIndexOf('|');
  if (offset < 0) throw new Error(`no | cursor in ${input}`);
  return { text: input.slice(0, offset) + input.slice(offset + 1), offset };
}

/** A plain query document, or one region with a rule context (as a rule file would give). */
export function queryDoc(text: string, rule?: RuleSelector): ServiceDocument {
  const region = wholeTextRegion(text);
  if (rule) region.rule = { ...rule };
  return { uri: rule ? 'file:///rule.toml' : 'file:///q.eql', languageId: rule ? 'eql-rule-toml' : 'eql', version: 1, text, regions: [region] };
}

export function context(reg: CatalogRegistry = registry(), schemaSetting?: string[]): ServiceContext {
  return { catalogs: reg, schemaSetting };
}

export const CLOUDTRAIL_RULE: RuleSelector = { indices: ['filebeat-*', 'logs-aws.cloudtrail-*'], integrations: ['aws'] };
