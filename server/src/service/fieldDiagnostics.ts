// Field existence checks: EQL201 and EQL209 (the analyzer's type checks use EQL202-EQL208 and EQL210+).
//
//   getFieldDiagnostics(parsed: ParseResult, schemas: SchemaSet, samples?: Catalog): Diagnostic[]
//
// Diagnostics are core Diagnostics in query offsets (the diagnostics combiner maps them):
//   EQL201 warning     unknown field for the active schemas; fixes: the closest names ("did you
//                      mean"), and `?field` (optional). Hint only when the schemas do not cover the
//                      rule's data and no known name of the same top-level group is close (then it
//                      is likely a field of data we have no catalog for).
//   EQL209 information no sample event holds the field (only when samples are given), so a
//                      preview over the samples cannot match on it.
// `?optional` fields are never reported: the author said the field may be absent.
import type { Diagnostic, Fix } from '../core/diagnostic';
import type { FieldRef } from '../core/syntax/ast';
import type { ParseResult } from '../core/syntax/parser';
import { fieldsOf } from '../core/syntax/visit';
import type { SchemaSet } from '../core/schema/schemaSet';
import type { Catalog } from '../core/schema/types';

export const UNKNOWN_FIELD = 'EQL201';
export const NOT_IN_SAMPLES = 'EQL209';

const PLAIN_SEGMENT = /^[A-Za-z_@][A-Za-z0-9_@]*$/;

/** A field name as EQL source: segments that are not identifiers go in backticks. */
export function fieldSource(name: string): string {
  return name
    .split('.')
    .map((s) => (PLAIN_SEGMENT.test(s) ? s : '`' + s.replace(/`/g, '``') + '`'))
    .join('.');
}

/** `aws.cloudtrail.user_identity`: a group, not a field — offer its fields instead. */
function groupNotField(f: FieldRef, schemas: SchemaSet): Diagnostic | undefined {
  const kids = schemas.children(f.name).filter((c) => c.field);
  if (kids.length === 0) return undefined;
  const names = kids.slice(0, 5).map((c) => c.name);
  return {
    range: f.range,
    severity: 'warning',
    code: UNKNOWN_FIELD,
    message: `\`${f.name}\` is a group of fields, not a field: use one of ${names.map((n) => `\`${n}\``).join(', ')}${kids.length > 5 ? ', ...' : ''}.`,
    fixes: names.map((n) => ({ title: `Change to \`${n}\``, edits: [{ range: f.range, newText: fieldSource(n) }] })),
  };
}

function unknownField(f: FieldRef, schemas: SchemaSet): Diagnostic {
  const asGroup = groupNotField(f, schemas);
  if (asGroup) return asGroup;
  const suggestions = schemas.closest(f.name, 3);
  const fixes: Fix[] = suggestions.map((s, i) => ({
    title: `Change to \`${s}\``,
    edits: [{ range: f.range, newText: fieldSource(s) }],
    preferred: i === 0 ? true : undefined,
  }));
  fixes.push({ title: `Make \`${f.name}\` optional (\`?${f.name}\`)`, edits: [{ range: { start: f.range.start, end: f.range.start }, newText: '?' }] });
  const where = schemas.labels.length ? schemas.labels.join(', ') : 'no catalogs';
  const hint = suggestions.length ? ` Did you mean \`${suggestions[0]}\`?` : '';
  // Without full coverage of the rule's data, only a near miss inside a known group (`event.actoin`)
  // is worth a warning; `okta.target.id` is more likely a field of data we have no catalog for.
  const group = f.name.split('.')[0];
  const nearMiss = suggestions.some((s) => s.split('.')[0] === group && s.includes('.'));
  const severity = schemas.complete || nearMiss ? 'warning' : 'hint';
  return {
    range: f.range,
    severity,
    code: UNKNOWN_FIELD,
    message: `Unknown field \`${f.name}\` (schemas: ${where}; ${schemas.reason}).${hint}`,
    fixes,
  };
}

/** True when the samples hold the field itself or something under it (an object field). */
function inSamples(name: string, samples: Catalog): boolean {
  if (samples.fields.has(name)) return true;
  for (let i = name.lastIndexOf('.'); i > 0; i = name.lastIndexOf('.', i - 1)) {
    const parent = samples.fields.get(name.slice(0, i));
    if (parent && (parent.type === 'object' || parent.type === 'flattened')) return true;
  }
  return false;
}

export function getFieldDiagnostics(parsed: ParseResult, schemas: SchemaSet, samples?: Catalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const statement = parsed.statement;
  for (const f of fieldsOf(statement)) {
    if (f.optional || f.name === '' || f.path.some((p) => p === '')) continue;
    const known = schemas.lookup(f.name) !== undefined;
    if (!known) {
      out.push(unknownField(f, schemas));
      continue;
    }
    if (samples && samples.fields.size > 0 && !inSamples(f.name, samples)) {
      out.push({
        range: f.range,
        severity: 'information',
        code: NOT_IN_SAMPLES,
        message: `No sample event has \`${f.name}\`: running on the samples cannot match on it.`,
      });
    }
  }
  return out;
}
