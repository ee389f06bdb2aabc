// Field validation against the public rules: every AWS CloudTrail EQL rule of detection-rules
// must get zero unknown-field warnings with the built-in catalogs (fails otherwise); the whole
// detection-rules EQL corpus is checked against ECS + the catalogs its indices select, and the
// number of clean rules is printed (informative: we have no catalogs for Endpoint, Windows ...).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../server/src/core/syntax/parser';
import { CatalogRegistry } from '../../server/src/core/schema/select';
import { getFieldDiagnostics, UNKNOWN_FIELD } from '../../server/src/service/fieldDiagnostics';
import { doComplete } from '../../server/src/service/completion';
import { wholeTextRegion } from '../../server/src/service/document';
import { tokensOf, valuesComparedWith, wildcardMatch } from '../../server/src/service/queryTokens';
import { awsCloudtrailCatalog } from '../../server/src/core/schema/awsCloudtrail';
import { catalogFromSchemaFile } from '../../server/src/core/schema/sources';
import { extractEcs } from '../generate-catalogs';
import { requireCorpus, SHARED as shared } from '../lib/corpus';

if (!existsSync(shared)) {
  console.log('skipped: ../shared is absent');
  process.exit(0);
}

const ecsText = JSON.stringify(extractEcs());
const registry = new CatalogRegistry(() => ecsText);

function unknownFields(query: string, indices: string[], integrations: string[] = []): string[] {
  const schemas = registry.schemasFor({ indices, integrations });
  return getFieldDiagnostics(parse(query), schemas)
    .filter((d) => d.code === UNKNOWN_FIELD)
    .map((d) => query.slice(d.range.start, d.range.end));
}

// 1. The 27 AWS rules: must be clean.
const tsv = readFileSync(join(shared, 'cloudtrail', 'aws-eql-rules.tsv'), 'utf8').split('\n');
const header = tsv[0].split('\t');
const col = (name: string) => header.indexOf(name);
let awsRules = 0;
let awsDirty = 0;
for (const line of tsv.slice(1)) {
  if (!line.trim()) continue;
  const cells = line.split('\t');
  const query = JSON.parse(cells[cells.length - 1]) as string;
  const indices = cells[col('index')].split(',').filter(Boolean);
  awsRules++;
  const bad = unknownFields(query, indices, ['aws']);
  if (bad.length) {
    awsDirty++;
    console.log(`  AWS rule "${cells[col('name')]}": unknown ${bad.join(', ')}`);
  }
}
console.log(`AWS CloudTrail rules: ${awsRules - awsDirty}/${awsRules} with zero unknown-field warnings`);

// 1b. Completion offers every API name those rules compare event.action with, for the provider
//     they compare event.provider with (wildcard patterns such as "AddPermission*" must match one).
let actionsChecked = 0;
const actionsMissing: string[] = [];
for (const line of tsv.slice(1)) {
  if (!line.trim()) continue;
  const cells = line.split('\t');
  const query = JSON.parse(cells[cells.length - 1]) as string;
  const tokens = tokensOf(query);
  const providers = valuesComparedWith(tokens, 'event.provider', 0, tokens.length - 1);
  for (const action of valuesComparedWith(tokens, 'event.action', 0, tokens.length - 1)) {
    actionsChecked++;
    const text = `any where ${providers.length ? `event.provider == "${providers[0]}" and ` : ''}event.action == "`;
    const doc = { uri: 'file:///c.eql', languageId: 'eql', version: 1, text, regions: [wholeTextRegion(text)] };
    const offered = doComplete(doc, text.length, { catalogs: registry }).items.map((i) => i.label);
    if (!offered.some((o) => wildcardMatch(action, o))) actionsMissing.push(`${providers[0] ?? '?'}:${action}`);
  }
}
console.log(`  event.action values of those rules offered by completion: ${actionsChecked - actionsMissing.length}/${actionsChecked}${actionsMissing.length ? ' (missing ' + actionsMissing.join(', ') + ')' : ''}`);

// 2. The misspelling check.
const typo = 'iam where event.actoin == "AttachUserPolicy"';
const diags = getFieldDiagnostics(parse(typo), registry.schemasFor({ indices: ['logs-aws.cloudtrail-*'], integrations: ['aws'] }));
const typoOk = diags.length === 1 && diags[0].fixes?.[0]?.edits[0]?.newText === 'event.action';
console.log(`misspelt field: ${diags.length} warning(s), first fix ${JSON.stringify(diags[0]?.fixes?.[0]?.title)} -> ${typoOk ? 'ok' : 'WRONG'}`);

// 3. Every field and every event.provider / event.action value in the integration's pipeline
//    test outputs must be known to the CloudTrail catalogs.
const ct = registry.schemasFor({ indices: ['logs-aws.cloudtrail-*'], integrations: ['aws'] });
const testsDir = join(shared, 'cloudtrail', 'pipeline-tests');
const unknownPipelineFields = new Set<string>();
const unknownValues = new Set<string>();
let docs = 0;
const flatten = (prefix: string, v: unknown, out: Map<string, unknown>) => {
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  else if (Array.isArray(v) && v.some((x) => x && typeof x === 'object')) for (const x of v) flatten(prefix, x, out);
  else out.set(prefix, v);
};
for (const f of readdirSync(testsDir).filter((x) => x.endsWith('-expected.json'))) {
  const expected = (JSON.parse(readFileSync(join(testsDir, f), 'utf8')) as { expected: unknown[] }).expected;
  for (const doc of expected) {
    docs++;
    const flat = new Map<string, unknown>();
    flatten('', doc, flat);
    for (const [name, value] of flat) {
      const geoPart = ct.lookup(name.replace(/\.(lat|lon)$/, ''))?.type === 'geo_point';
      if (!ct.lookup(name) && !geoPart) unknownPipelineFields.add(name);
      if ((name === 'event.provider' || name === 'event.action') && typeof value === 'string' && !ct.values(name).some((v) => v.value === value)) unknownValues.add(`${name}=${value}`);
    }
  }
}
console.log(`pipeline test outputs: ${docs} documents; fields unknown to the CloudTrail catalogs: ${unknownPipelineFields.size}${unknownPipelineFields.size ? ' (' + [...unknownPipelineFields].slice(0, 10).join(', ') + ')' : ''}`);
console.log(`  event.provider / event.action values not in the catalog: ${unknownValues.size}${unknownValues.size ? ' (' + [...unknownValues].join(', ') + ')' : ''}`);

// 3b. The integration's own fields files, read with our fields.yml reader, agree with the
//     built-in CloudTrail catalog (names and types).
const fieldsDir = join(shared, 'cloudtrail', 'integration', 'packages', 'aws', 'data_stream', 'cloudtrail', 'fields');
let fileFields = 0;
const disagree: string[] = [];
const awsCatalog = awsCloudtrailCatalog();
for (const f of readdirSync(fieldsDir).filter((x) => x.endsWith('.yml'))) {
  const r = catalogFromSchemaFile(readFileSync(join(fieldsDir, f), 'utf8'), f);
  for (const e of r.errors) disagree.push(`${f}:${e.line}: ${e.message}`);
  for (const c of r.catalogs) {
    for (const field of c.fields.values()) {
      fileFields++;
      const ours = awsCatalog.fields.get(field.name);
      const type = field.type || ct.fieldType(field.name);
      if (!ours) disagree.push(`${field.name} missing`);
      else if (type && ours.type !== type && !(ours.type === 'text' && type === 'match_only_text')) disagree.push(`${field.name}: ${ours.type} vs ${type}`);
    }
  }
}
console.log(`integration fields files: ${fileFields} fields read; disagreements with the built-in catalog: ${disagree.length}${disagree.length ? ' (' + disagree.slice(0, 8).join('; ') + ')' : ''}`);

// 4. The whole corpus (informative).
let total = 0;
let clean = 0;
const counts = new Map<string, number>();
for (const r of requireCorpus()) {
  total++;
  const bad = unknownFields(r.query, r.index ?? []);
  if (bad.length === 0) clean++;
  for (const b of new Set(bad)) counts.set(b, (counts.get(b) ?? 0) + 1);
}
const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([f, n]) => `${f} (${n})`);
console.log(`detection-rules corpus: ${clean}/${total} rules with no unknown field against ECS + selected catalogs`);
console.log(`  most frequent unknown: ${top.join(', ')}`);
process.exit(awsDirty === 0 && typoOk && actionsMissing.length === 0 && disagree.length === 0 ? 0 : 1);
