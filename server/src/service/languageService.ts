// The language service façade: one object with every feature, built from the feature
// modules. The language server and the CLI both talk only to this, so the editor and
// `eql-rules check` give the same verdicts. It caches per document version and per query
// text (the parse cache), and holds the settings; it does no I/O itself — the host
// (lsp/ or cli/) hands it catalogs, rule ids and sample counts.
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic as LspDiagnostic,
  DocumentSymbol,
  FoldingRange,
  FormattingOptions,
  Hover,
  Range as LspRange,
  SemanticTokens,
  SignatureHelp,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver-types';
import { parse, type ParseResult } from '../core/syntax/parser';
import { reparse } from '../core/syntax/incremental';
import type { CatalogRegistry } from '../core/schema/select';
import { getCodeActions } from './codeActions';
import { getCodeLenses } from './codeLens';
import { analyze } from '../core/analysis/analyzer';
import { fieldTypeFor, schemasForRegion, samplesCatalog, type SchemaStatus, type ServiceContext } from './context';
import { getDiagnostics } from './diagnostics';
import { getFieldDiagnostics } from './fieldDiagnostics';
import { regionAt, type LineIndex, type QueryRegion, type ServiceDocument } from './document';
import type { TokensHint } from './queryTokens';
import { hostFormat, ruleFileOf, toServiceDocument } from './embedded';
import { getRuleCompletion } from './ruleCompletion';
import { getRuleDiagnostics } from './ruleDiagnostics';
import { getFoldingRanges } from './folding';
import { format } from './formatting';
import { doComplete, type CompletionTrigger } from './completion';
import { doHover } from './hover';
import { getRuleHover } from './ruleHover';
import { getSignatureHelp } from './signatureHelp';
import { getSymbols } from './symbols';
import { getSemanticTokens } from './semanticTokens';

/** The `eqlRuleStudio.*` settings the service uses. */
export interface StudioSettings {
  /** Catalog ids for plain .eql files; undefined: ECS and every built-in integration. */
  schemas?: string[];
}

export interface LanguageServiceHost {
  log(message: string): void;
  /** The field catalogs; the host feeds it files (user schemas, samples) as they change. */
  catalogs: CatalogRegistry;
  /** rule_id -> another file that uses it, over the workspace (or the files a CLI run checks), for the uniqueness check. */
  knownRuleIds?(uri: string): ReadonlyMap<string, string>;
}

export interface LanguageService {
  configure(settings: Partial<StudioSettings>): void;
  /** The ServiceDocument of a text (cached by uri + version). */
  /** `lines`: the editor's line index of this text, if the host keeps one. */
  document(uri: string, languageId: string, version: number, text: string, lines?: LineIndex): ServiceDocument;
  forget(uri: string): void;
  /** Parse of each region (cached by query text). */
  parsed(doc: ServiceDocument): ParseResult[];
  /**
   * Some token starts of each region of `doc` (sparseStarts), parsed elsewhere (the language server's
   * check worker): where completion, hover and signature help start reading a large query when this
   * service has no parse of the document.
   */
  parsedElsewhere(doc: ServiceDocument, starts: readonly (readonly number[] | undefined)[]): void;
  diagnostics(doc: ServiceDocument): LspDiagnostic[];
  complete(doc: ServiceDocument, offset: number, trigger?: CompletionTrigger): CompletionList;
  hover(doc: ServiceDocument, offset: number): Hover | null;
  signatureHelp(doc: ServiceDocument, offset: number): SignatureHelp | null;
  symbols(doc: ServiceDocument): DocumentSymbol[];
  folding(doc: ServiceDocument): FoldingRange[];
  semanticTokens(doc: ServiceDocument): SemanticTokens;
  format(doc: ServiceDocument, options: FormattingOptions): LspTextEdit[];
  codeActions(doc: ServiceDocument, range: LspRange, diagnostics: readonly LspDiagnostic[]): CodeAction[];
  codeLenses(doc: ServiceDocument, sampleFiles: number | undefined): CodeLens[];
  status(doc: ServiceDocument): SchemaStatus;
}

/**
 * A small LRU of parses by query text: editing one rule file re-parses only its changed query.
 * Bounded by total text too: a parse holds ~50 bytes per character, and every parse kept alive
 * is copied by the next garbage collections. With room for 1M characters, typing in a
 * 2,000-line query (180 KB) kept its last five versions and re-diagnosis took 56 ms instead of
 * 41 ms; 256K characters still holds a few hundred ordinary rule queries.
 */
class ParseCache {
  private readonly map = new Map<string, ParseResult>();
  private chars = 0;
  constructor(
    private readonly max: number,
    private readonly maxChars = 256_000,
  ) {}
  /** The parse of `text`, from the cache or made by `make`. */
  get(text: string, make: (text: string) => ParseResult = parse): ParseResult {
    let p = this.map.get(text);
    if (p) {
      this.map.delete(text);
    } else {
      p = make(text);
      this.chars += text.length;
    }
    this.map.set(text, p);
    while (this.map.size > 1 && (this.map.size > this.max || this.chars > this.maxChars)) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.chars -= oldest.length;
    }
    return p;
  }
  /** Drops `p` if it is the cached parse of its text (it is about to be re-used for another text). */
  release(p: ParseResult): void {
    if (this.map.get(p.text) !== p) return;
    this.map.delete(p.text);
    this.chars -= p.text.length;
  }
}

export function createLanguageService(host: LanguageServiceHost, initial: Partial<StudioSettings> = {}): LanguageService {
  let settings: StudioSettings = { ...initial };
  const ctx = (): ServiceContext => ({ catalogs: host.catalogs, schemaSetting: settings.schemas });
  const docs = new Map<string, ServiceDocument>();
  const parses = new ParseCache(200);
  const parsedOf = new WeakMap<ServiceDocument, ParseResult[]>();
  // The last parsed version of each document, and which document each parse belongs to: a parse
  // used by one document only can be re-used (and changed) for that document's next version.
  const latest = new Map<string, ServiceDocument>();
  const ownerOf = new WeakMap<ParseResult, string>();
  const elsewhere = new Map<string, { queries: string[]; starts: readonly (readonly number[] | undefined)[] }>();

  /** Where a large query's window may start: the last parse of this document here, else the one made elsewhere. */
  const hintFor = (doc: ServiceDocument) => {
    const last = latest.get(doc.uri);
    const lastParses = last && parsedOf.get(last);
    const other = elsewhere.get(doc.uri);
    return (region: QueryRegion): TokensHint | undefined => {
      const i = doc.regions.indexOf(region);
      const p = i >= 0 && last && last.regions.length === doc.regions.length ? lastParses?.[i] : undefined;
      if (p) return { text: p.text, tokens: p.tokens };
      const starts = i >= 0 && other && other.queries.length === doc.regions.length ? other.starts[i] : undefined;
      return starts && other ? { text: other.queries[i], starts } : undefined;
    };
  };

  const parsed = (doc: ServiceDocument): ParseResult[] => {
    let p = parsedOf.get(doc);
    if (!p) {
      const before = latest.get(doc.uri);
      const previous = before && before !== doc ? parsedOf.get(before) : undefined;
      // The previous version's parses may be changed below: that version must not hand them out again.
      if (previous) parsedOf.delete(before as ServiceDocument);
      const results: ParseResult[] = [];
      doc.regions.forEach((r, i) => {
        const result = parses.get(r.query, (query) => {
          const old = previous?.[i];
          // Not a parse another document, or another query of this one, still shows.
          if (old === undefined || ownerOf.get(old) !== doc.uri || results.includes(old)) return parse(query);
          parses.release(old);
          return reparse(old, query);
        });
        const owner = ownerOf.get(result);
        ownerOf.set(result, owner === undefined || owner === doc.uri ? doc.uri : '');
        results.push(result);
      });
      p = results;
      parsedOf.set(doc, p);
      latest.set(doc.uri, doc);
    }
    return p;
  };

  return {
    configure(s) {
      settings = { ...settings, ...s };
    },
    document(uri, languageId, version, text, lines) {
      const cached = docs.get(uri);
      if (cached && cached.version === version && cached.text === text && cached.languageId === languageId) return cached;
      const doc = toServiceDocument(uri, languageId, version, text);
      if (lines) doc.lines = lines;
      docs.set(uri, doc);
      return doc;
    },
    forget(uri) {
      docs.delete(uri);
      latest.delete(uri);
      elsewhere.delete(uri);
    },
    parsed,
    parsedElsewhere(doc, starts) {
      elsewhere.set(doc.uri, { queries: doc.regions.map((r) => r.query), starts });
    },
    diagnostics(doc) {
      return getDiagnostics(doc, parsed(doc), {
        analyze: (p, region) => analyze(p, { fieldType: fieldTypeFor(ctx(), region) }),
        fields: (p, region) => {
          const c = ctx();
          return getFieldDiagnostics(p, schemasForRegion(c, region), samplesCatalog(c));
        },
        rule: (d) => {
          // Not a rule file: no rule checks, and no scan of the workspace's rule ids either.
          if (!ruleFileOf(d)) return [];
          // The parses of this version, by query (a lookup in the LRU could miss in a large export).
          const p = parsed(d);
          const byQuery = new Map(d.regions.map((r, i) => [r.query, p[i]]));
          return getRuleDiagnostics(d, {
            knownRuleIds: host.knownRuleIds?.(d.uri),
            fieldExists: (name, rule) => host.catalogs.schemasFor(rule).lookup(name) !== undefined,
            parsed: (region) => byQuery.get(region.query) ?? parses.get(region.query),
          });
        },
        onError: (name, e) => host.log(`diagnostics/${name}: ${String(e)}`),
      });
    },
    complete(doc, offset, trigger) {
      // The last parse of this document (maybe of an older version): completion never parses, it
      // lexes around the cursor from a token boundary that parse knows (a 10 MB document answers at once).
      // Outside the query of a detection-rules TOML file: its keys, tables and values.
      if (!regionAt(doc, offset) && hostFormat(doc.uri, doc.languageId, doc.text) === 'toml') {
        return getRuleCompletion(doc, offset, trigger) ?? { isIncomplete: false, items: [] };
      }
      return doComplete(doc, offset, ctx(), trigger, hintFor(doc));
    },
    hover(doc, offset) {
      return doHover(doc, offset, ctx(), hintFor(doc)) ?? getRuleHover(doc, offset);
    },
    signatureHelp(doc, offset) {
      return getSignatureHelp(doc, offset, ctx(), hintFor(doc));
    },
    symbols(doc) {
      return getSymbols(doc, parsed(doc));
    },
    folding(doc) {
      return getFoldingRanges(doc, parsed(doc));
    },
    semanticTokens(doc) {
      const c = ctx();
      const sets = doc.regions.map((r) => schemasForRegion(c, r));
      return getSemanticTokens(doc, parsed(doc), (i, name) => (sets[i]?.lookup(name) ? true : sets[i]?.complete ? false : undefined));
    },
    format(doc) {
      return format(doc);
    },
    codeActions(doc, range, diagnostics) {
      return getCodeActions(doc.uri, range, diagnostics);
    },
    codeLenses(doc, sampleFiles) {
      return getCodeLenses(doc, sampleFiles);
    },
    status(doc) {
      const set = schemasForRegion(ctx(), doc.regions[0]);
      return { uri: doc.uri, schemas: set.labels, reason: set.reason };
    },
  };
}
