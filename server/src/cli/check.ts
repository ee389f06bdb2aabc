// `eql-rules check`: the editor's diagnostics for .eql files, detection-rules TOML and Kibana
// rule exports, from the same language service, so CI and the editor agree.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import { createNodeCatalogRegistry, loadWorkspaceCatalogs } from '../io/catalogData';
import { walkFiles } from '../io/walkFiles';
import { RuleIdIndex } from '../service/ruleIdIndex';
import { ruleFileOf } from '../service/embedded';
import { createLanguageService } from '../service/languageService';
import type { ServiceDocument } from '../service/document';
import { flag, oneOf, parseArgs, UsageError } from './args';
import { formatJson, formatSarif, formatText, type CheckedFile, type Severity } from './checkReport';
import type { Io } from './io';
import { ES_CONNECTION_FLAGS, ES_CONNECTION_HELP, esConnectionFromCli, type Env } from './connection';
import { clusterCheck } from './clusterCheck';
import { languageOfFile } from './languages';

export const CHECK_HELP = `Usage: eql-rules check <files or folders...> [--format text|json|sarif]

Checks EQL queries (.eql), detection-rules TOML rule files and Kibana rule exports
(.json, .ndjson) with the same diagnostics as the editor. Folders are searched recursively.

Options:
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0
  --schemas ids              field catalogs for plain .eql files, comma separated
                             (default: ECS and every built-in integration)
  --schema-file FILE         extra field definitions (ECS-style flat YAML/JSON, an integration
                             fields.yml or an Elasticsearch mapping); may be repeated. Run in a
                             detection-rules checkout, its own schema files are used too.
  --es-url URL               also validate each rule on this Elasticsearch (or ELASTICSEARCH_URL):
                             an _eql/search on the rule's indices over the last 15 minutes
                             (size 1), so Elasticsearch checks the query against the real
                             mappings; its errors are reported at the rule file's line:column
  --index PATTERNS           index patterns for .eql files (rule files use their own index)
  -h, --help                 show this help

${ES_CONNECTION_HELP}
Exit status: 0 no errors, 1 at least one error, 2 usage error, unreadable file or a cluster
that cannot be reached.
`;

const SEVERITY: Severity[] = ['error', 'error', 'warning', 'information', 'hint'];

/** Relative to the working directory when inside it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : resolve(path);
}

interface Input {
  path: string;
  explicit: boolean;
}

async function collect(paths: string[], skip: (file: string, reason: string) => void): Promise<Input[]> {
  const out: Input[] = [];
  for (const p of paths) {
    if (!existsSync(p)) {
      out.push({ path: p, explicit: true }); // reported as unreadable
      continue;
    }
    const files = await walkFiles(p, { onSkip: (file, reason) => skip(file, reason) });
    if (files.length === 1 && files[0] === p) out.push({ path: p, explicit: true });
    else for (const f of files) if (languageOfFile(f)) out.push({ path: f, explicit: false });
  }
  return out;
}

function toChecked(d: LspDiagnostic): { line: number; column: number; endLine: number; endColumn: number; severity: Severity; code: string; message: string } {
  return {
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
    severity: SEVERITY[d.severity ?? 1] ?? 'error',
    code: String(d.code ?? ''),
    message: typeof d.message === 'string' ? d.message : d.message.value, // LSP 3.18: string or MarkupContent
  };
}

/** `eql-rules check` without a cluster. */
export async function runCheck(argv: string[], io: Io, version: string): Promise<number> {
  const r = await checkLocal(argv, io, version, {});
  return typeof r === 'number' ? r : r.finish();
}

/** `eql-rules check`, with `--es-url` / ELASTICSEARCH_URL validating on the cluster too. */
export async function runCheckCommand(argv: string[], io: Io, version: string, env: Env = process.env): Promise<number> {
  const r = await checkLocal(argv, io, version, env);
  if (typeof r === 'number') return r;
  let unreachable = false;
  if (r.cluster) unreachable = !(await clusterCheck(r.docs, r.files, r.cluster, r.index, io)).reached;
  return r.finish(unreachable);
}

async function checkLocal(argv: string[], io: Io, version: string, env: Env) {
  const args = parseArgs(argv, { format: { value: true }, schemas: { value: true }, 'schema-file': { value: true, repeat: true }, index: { value: true }, ...ES_CONNECTION_FLAGS });
  if (args.help) {
    io.out(CHECK_HELP);
    return 0;
  }
  const format = oneOf(args, 'format', ['text', 'json', 'sarif'] as const, 'text');
  if (args.positionals.length === 0) throw new UsageError('check needs at least one file or folder');
  const schemas = flag(args, 'schemas')?.split(',').map((s) => s.trim()).filter(Boolean);

  for (const p of args.positionals) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  let unreadable = 0;
  const inputs = await collect(args.positionals, (file, reason) => {
    io.err(`eql-rules: cannot read ${file}: ${reason}\n`);
    unreadable++;
  });
  const catalogs = createNodeCatalogRegistry();
  const extra = loadWorkspaceCatalogs(process.cwd(), args.flags.get('schema-file') ?? []);
  for (const e of extra.errors) io.err(`eql-rules: schema file ${e.file}:${e.line}:${e.column}: ${e.message}\n`);
  catalogs.setExtra(extra.catalogs);
  const ruleIds = new RuleIdIndex();
  const service = createLanguageService({ log: (m) => io.err(`${m}\n`), catalogs, knownRuleIds: (uri) => ruleIds.others(uri) }, { schemas });

  const docs: { path: string; doc: ServiceDocument }[] = [];
  for (const input of inputs) {
    let text: string;
    try {
      text = readFileSync(input.path, 'utf8');
    } catch (e) {
      io.err(`eql-rules: cannot read ${input.path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      unreadable++;
      continue;
    }
    const languageId = languageOfFile(input.path) ?? 'plaintext';
    const doc = service.document(pathToFileURL(input.path).toString(), languageId, 1, text);
    const rules = ruleFileOf(doc);
    if (doc.regions.length === 0 && !rules) {
      if (input.explicit) io.err(`eql-rules: skipped ${input.path}: not an EQL query or rule file\n`);
      continue;
    }
    ruleIds.set(doc.uri, displayPath(input.path), (rules?.rules ?? []).map((r) => r.rule_id));
    docs.push({ path: input.path, doc });
  }

  const files: CheckedFile[] = docs.map(({ path, doc }) => ({
    path: displayPath(path),
    diagnostics: service.diagnostics(doc).map(toChecked),
  }));
  const finish = (unreachable = false): number => {
    if (format === 'json') io.out(formatJson(files));
    else if (format === 'sarif') io.out(formatSarif(files, version));
    else io.out(formatText(files));
    if (unreadable > 0 || unreachable) return 2;
    return files.some((f) => f.diagnostics.some((d) => d.severity === 'error')) ? 1 : 0;
  };
  return { files, docs: docs.map((d) => d.doc), cluster: esConnectionFromCli(args, env), index: flag(args, 'index'), finish };
}
