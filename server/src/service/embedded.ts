// Builds the ServiceDocument of any file we serve: a .eql file is one whole-text region; a
// rule file (detection-rules TOML, Kibana JSON/NDJSON export) gets one region per EQL query,
// with the rule's exact offset map and its context (indices, integrations, overrides). Every
// language feature goes through these regions, so none of them knows the host format.
import { parseRuleFile, type ParsedRuleFile, type RuleFileFormat, type RuleInfo } from '../core/rules/ruleFile';
import { type QueryRegion, type RuleContext, type ServiceDocument, wholeTextRegion } from './document';

const ruleFiles = new WeakMap<ServiceDocument, ParsedRuleFile>();

/** The parsed rule file behind a document (undefined for plain .eql and non-rule files). */
export function ruleFileOf(doc: ServiceDocument): ParsedRuleFile | undefined {
  return ruleFiles.get(doc);
}

/** Which host format a document is, from its language id, falling back to its file name. */
export function hostFormat(uri: string, languageId: string, text: string): RuleFileFormat | undefined {
  const lower = uri.toLowerCase();
  if (languageId === 'eql' || (languageId === 'plaintext' && lower.endsWith('.eql'))) return 'eql';
  if (languageId === 'eql-rule-toml') return 'toml';
  if (languageId === 'toml' || (languageId === 'plaintext' && lower.endsWith('.toml'))) {
    // Only detection-rules files: pyproject.toml and friends are not ours.
    return /^[ \t]*\[(metadata|rule)\][ \t]*(#.*)?$/m.test(text) ? 'toml' : undefined;
  }
  // Rule test files (`<rule>.test.ndjson`: events and expectations) are not rule exports.
  if (/\.test\.(json|ndjson|jsonl)$/.test(lower)) return undefined;
  if (['json', 'jsonc', 'ndjson', 'jsonl'].includes(languageId) || /\.(json|ndjson|jsonl)$/.test(lower)) {
    // Cheap sniff before parsing: a Kibana EQL rule has a query and says eql somewhere.
    if (!/"query"\s*:/.test(text) || !/"eql"/.test(text)) return undefined;
    return languageId === 'ndjson' || languageId === 'jsonl' || /\.(ndjson|jsonl)$/.test(lower) ? 'kibana-ndjson' : 'kibana-json';
  }
  if (lower.endsWith('.eql')) return 'eql';
  return undefined;
}

export function ruleContextOf(rule: RuleInfo): RuleContext {
  return {
    name: rule.name,
    indices: rule.index ?? [],
    integrations: rule.integration,
    timestampField: rule.timestamp_override,
    eventCategoryField: rule.event_category_override,
    tiebreakerField: rule.tiebreaker_field,
    lookBack: rule.from,
  };
}

/** The query region of one rule, or undefined when it has no (EQL) query. */
export function regionOfRule(rule: RuleInfo): QueryRegion | undefined {
  const q = rule.query;
  if (!q || !rule.eql) return undefined;
  const { map } = q;
  return {
    query: q.text,
    toHost: (n) => map.toHost(n),
    toQuery: (h) => map.toQuery(h),
    hostRange: q.hostRange,
    rule: ruleContextOf(rule),
  };
}

export function toServiceDocument(uri: string, languageId: string, version: number, text: string): ServiceDocument {
  const format = hostFormat(uri, languageId, text);
  const doc: ServiceDocument = { uri, languageId, version, text, regions: [] };
  if (format === 'eql') {
    doc.regions.push(wholeTextRegion(text));
    return doc;
  }
  if (!format) return doc;
  const fileName = uriToFileName(uri);
  const ext = format === 'toml' ? '.toml' : format === 'kibana-ndjson' ? '.ndjson' : '.json';
  // The language id decides the format, whatever the file is called (untitled documents).
  const parsed = parseRuleFile(text, fileName.toLowerCase().endsWith(ext) ? fileName : `${fileName}${ext}`);
  for (const rule of parsed.rules) rule.fileName = fileName;
  ruleFiles.set(doc, parsed);
  for (const rule of parsed.rules) {
    const region = regionOfRule(rule);
    if (region) doc.regions.push(region);
  }
  return doc;
}

/** `file:///a/b%20c.toml` -> `/a/b c.toml`; other schemes stay as they are. */
export function uriToFileName(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(uri.slice('file://'.length));
  } catch {
    return uri.slice('file://'.length);
  }
}

/** How text must be written into the literal that holds `region`'s query (for edits: fixes, formatting,
 * completions): JSON strings and TOML basic strings need escapes, TOML literal strings and .eql files don't. */
export function queryTextEscaper(doc: ServiceDocument, region: QueryRegion): (text: string) => string {
  const file = ruleFileOf(doc);
  const rule = file?.rules.find((r) => r.query && r.query.hostRange.start === region.hostRange.start);
  if (!file || !rule?.query) return (s) => s;
  if (file.format !== 'toml') return (s) => JSON.stringify(s).slice(1, -1);
  const open = doc.text.slice(rule.query.literalRange.start, rule.query.literalRange.start + 3);
  if (open[0] === "'") return (s) => s;
  const multiLine = open === '"""';
  return (s) =>
    s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
      if (c === '\\' || c === '"') return `\\${c}`;
      if (c === '\n' && multiLine) return c;
      if (c === '\t') return '\\t';
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
}
