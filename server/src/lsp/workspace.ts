// What the server knows about the workspace beyond open documents: its folders, the
// sample files the settings select (counted for the code lens), and when a changed file
// on disk (schema, sample, rule) should trigger a re-check.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import { walkFiles } from '../io/walkFiles';
import { isSampleName } from '../io/readSamples';
import { ANY_EVENT_FILE_GLOB, SAMPLE_FOLDER_GLOB, isLikelySampleFile } from '../core/samples/discovery';
import { FileChangeType } from 'vscode-languageserver/node';
import { RuleIdIndex } from '../service/ruleIdIndex';
import type { SampleFilesResult } from '../protocol';
import type { ServerSettings } from './settings';
import { DEFAULT_SERVER_SETTINGS } from './settings';

/** Most files a workspace folder is searched for when finding sample files. */
const MAX_WALK = 50_000;

/** A file: URI as a path; other schemes have none. */
export function toPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

const posix = (p: string) => p.split(sep).join('/');

/** Matches root-relative '/'-separated paths against workspace globs, with VS Code's glob semantics (`**`, `{a,b}`, `[a-z]`, dot files included). */
export function globMatcher(globs: readonly string[]): (relativePath: string) => boolean {
  const m = picomatch(globs.map((g) => g.replace(/^\.\//, '')), { dot: true });
  return (p) => m(p);
}

/**
 * The sample files of one workspace folder: the `eqlRuleStudio.samples` globs, else event files in
 * sample-like folders, else any event file (minus manifests, expected results and rules). Async.
 */
export async function discoverSamples(root: string, globs: readonly string[]): Promise<{ paths: string[]; how: 'setting' | 'found' }> {
  const all = await walkFiles(root, { limit: MAX_WALK });
  const rel = all.map((f) => ({ f, r: posix(relative(root, f)) }));
  if (globs.length > 0) {
    const m = globMatcher(globs);
    return { paths: rel.filter((x) => m(x.r)).map((x) => x.f), how: 'setting' };
  }
  const events = rel.filter((x) => isSampleName(x.r) && isLikelySampleFile(x.r));
  const inFolders = globMatcher([SAMPLE_FOLDER_GLOB]);
  const preferred = events.filter((x) => inFolders(x.r));
  const any = globMatcher([ANY_EVENT_FILE_GLOB]);
  return { paths: (preferred.length ? preferred : events.filter((x) => any(x.r))).map((x) => x.f), how: 'found' };
}

export class Workspace {
  private roots: string[] = [];
  private settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  /** Per workspace folder: its sample files, being found or found (cached until files change). */
  private samples = new Map<string, Promise<{ paths: string[]; how: 'setting' | 'found' }>>();
  /** Per workspace folder: how many sample files the last finished search found. */
  private counts = new Map<string, number>();
  private readonly ruleIds = new RuleIdIndex();
  private scanned = false;
  /** Uris of open documents: their live text wins over the file on disk. */
  private readonly open = new Set<string>();

  /**
   * `changed` is called when a background search finishes with a different answer than the one
   * given meanwhile (sample counts for the lens, rule ids for duplicate checks).
   */
  constructor(
    private readonly log: (m: string) => void,
    private readonly changed: () => void = () => undefined,
  ) {}

  setRoots(uris: string[]): void {
    this.roots = uris.map(toPath).filter((p): p is string => p !== undefined);
    this.samples.clear();
  }

  configure(s: ServerSettings): void {
    this.settings = s;
    this.samples.clear();
  }

  get folders(): readonly string[] {
    return this.roots;
  }

  /** The workspace folder a document belongs to (the innermost), else the first. */
  rootOf(uri: string | undefined): string | undefined {
    const path = uri ? toPath(uri) : undefined;
    let best: string | undefined;
    if (path) for (const r of this.roots) if ((path === r || path.startsWith(r + sep)) && (!best || r.length > best.length)) best = r;
    return best ?? this.roots[0];
  }

  private find(root: string): Promise<{ paths: string[]; how: 'setting' | 'found' }> {
    let p = this.samples.get(root);
    if (!p) {
      p = discoverSamples(root, this.settings.samples).catch((e: unknown) => {
        this.log(`sample discovery in ${root}: ${String(e)}`);
        return { paths: [], how: 'found' as const };
      });
      this.samples.set(root, p);
      void p.then((r) => {
        const before = this.counts.get(root);
        this.counts.set(root, r.paths.length);
        if (before !== r.paths.length) this.changed();
      });
    }
    return p;
  }

  /** The sample files a run of the document `uri` reads when the user chose none (eql/sampleFiles). */
  async sampleFilesFor(uri: string | undefined): Promise<SampleFilesResult> {
    const root = this.rootOf(uri);
    if (!root) return { paths: [], label: 'no workspace folder', how: 'found' };
    const { paths, how } = await this.find(root);
    const n = `${paths.length} ${paths.length === 1 ? 'file' : 'files'}`;
    const label = how === 'setting' ? `${n} from ${this.settings.samples.join(', ')}` : `${n} found in ${root.split(sep).pop() ?? root}`;
    return { paths, label, how, folder: root };
  }

  /** Sample files of every workspace folder (for the samples field catalog). */
  async sampleFiles(): Promise<string[]> {
    const all = await Promise.all(this.roots.map((r) => this.find(r)));
    return all.flatMap((x) => x.paths);
  }

  /** For the run lens, without waiting: the last count for the document's folder (a search starts if none ran). */
  sampleFileCount(uri?: string): number | undefined {
    const root = this.rootOf(uri);
    if (!root) return 0;
    void this.find(root);
    return this.counts.get(root);
  }

  /** How messages name a file: relative to its workspace folder. */
  private displayName(path: string): string {
    for (const root of this.roots) {
      const rel = relative(root, path);
      if (rel && !rel.startsWith('..')) return rel.split(sep).join('/');
    }
    return path;
  }

  /** Indexes a rule file's ids from disk (not while it is open); true when they changed. */
  private scanFile(path: string): boolean {
    const uri = pathToFileURL(path).toString();
    if (this.open.has(uri)) return false;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return this.ruleIds.delete(uri);
    }
    // A regex is enough to index ids; the full parse happens when the file is opened.
    const ids = [...text.matchAll(/^[ \t]*rule_id[ \t]*=[ \t]*["']([^"'\n]+)["']/gm)].map((m) => m[1]);
    return this.ruleIds.set(uri, this.displayName(path), ids);
  }

  /** rule_id -> another file using it, for the document `uri` (the workspace's *.toml scanned once, lazily). */
  ruleIdsOtherThan(uri: string): ReadonlyMap<string, string> {
    if (!this.scanned) {
      this.scanned = true;
      // In the background: the first diagnostics do not wait; `changed` re-checks when ids were found.
      void (async () => {
        let any = false;
        for (const root of this.roots) {
          for (const f of await walkFiles(root, { limit: MAX_WALK, accept: (name) => name.endsWith('.toml') })) if (this.scanFile(f)) any = true;
        }
        if (any) this.changed();
      })().catch((e: unknown) => this.log(`rule id scan: ${String(e)}`));
    }
    return this.ruleIds.others(uri);
  }

  /** An open document's current rule ids; true when they changed. */
  documentRuleIds(uri: string, ids: (string | undefined)[]): boolean {
    this.open.add(uri);
    const path = toPath(uri);
    return this.ruleIds.set(uri, path ? this.displayName(path) : uri, ids);
  }

  /** Closed: back to what the file on disk says. */
  documentClosed(uri: string): void {
    this.open.delete(uri);
    const path = toPath(uri);
    if (path && path.endsWith('.toml')) this.scanFile(path);
    else this.ruleIds.delete(uri);
  }

  /**
   * Forgets what the changed files invalidate; true when open documents should be re-checked: the
   * sample files (counted by the run lens) were created or deleted, or the workspace's rule ids
   * changed. Saving a file changes neither, so it re-checks nothing.
   */
  filesChanged(changes: readonly { uri: string; type: FileChangeType }[]): boolean {
    let changed = false;
    for (const c of changes) {
      if (c.type !== FileChangeType.Changed) {
        this.samples.clear();
        changed = true;
      }
      const path = toPath(c.uri);
      if (path && path.endsWith('.toml') && this.scanned && this.scanFile(path)) changed = true;
    }
    return changed;
  }
}
