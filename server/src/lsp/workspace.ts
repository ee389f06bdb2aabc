// What the server knows about the workspace beyond open documents: its folders, the
// sample files the settings select (counted for the code lens), and when a changed file
// on disk (schema, sample, rule) should trigger a re-check.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { globFiles, walkFiles } from '../io/walkFiles';
import { ANY_EVENT_FILE_GLOB, SAMPLE_FOLDER_GLOB, isLikelySampleFile } from '../core/samples/discovery';
import { FileChangeType } from 'vscode-languageserver/node';
import { RuleIdIndex } from '../service/ruleIdIndex';
import type { ServerSettings } from './settings';
import { DEFAULT_SERVER_SETTINGS } from './settings';

// With `eqlRuleStudio.samples` empty, the client's run command (client/src/samplesPicker.ts)
// takes event files in sample-like folders, else every event file; the lens counts the same.
const SAMPLE_FOLDER_GLOBS = [SAMPLE_FOLDER_GLOB];
const ANY_EVENT_FILE_GLOBS = [ANY_EVENT_FILE_GLOB];

function toPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class Workspace {
  private roots: string[] = [];
  private settings: ServerSettings = DEFAULT_SERVER_SETTINGS;
  private samples: string[] | undefined;
  private readonly ruleIds = new RuleIdIndex();
  private scanned = false;
  /** Uris of open documents: their live text wins over the file on disk. */
  private readonly open = new Set<string>();

  constructor(private readonly log: (m: string) => void) {}

  setRoots(uris: string[]): void {
    this.roots = uris.map(toPath).filter((p): p is string => p !== undefined);
    this.samples = undefined;
  }

  configure(s: ServerSettings): void {
    this.settings = s;
    this.samples = undefined;
  }

  get folders(): readonly string[] {
    return this.roots;
  }

  /** Absolute paths of the sample files the settings select (cached until files change). */
  sampleFiles(): string[] {
    if (!this.samples) {
      const explicit = this.settings.samples.length > 0;
      const find = (globs: string[]) => {
        const found: string[] = [];
        for (const root of this.roots) {
          try {
            const files = globFiles(root, globs, 20_000);
            found.push(...(explicit ? files : files.filter((f) => isLikelySampleFile(relative(root, f).split(sep).join('/')))));
          } catch (e) {
            this.log(`sample discovery in ${root}: ${String(e)}`);
          }
        }
        return found;
      };
      if (explicit) this.samples = find(this.settings.samples);
      else {
        this.samples = find(SAMPLE_FOLDER_GLOBS);
        if (this.samples.length === 0) this.samples = find(ANY_EVENT_FILE_GLOBS);
      }
    }
    return this.samples;
  }

  sampleFileCount(): number {
    return this.sampleFiles().length;
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
      for (const root of this.roots) for (const f of walkFiles(root, 50_000)) if (f.endsWith('.toml')) this.scanFile(f);
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
        this.samples = undefined;
        changed = true;
      }
      const path = toPath(c.uri);
      if (path && path.endsWith('.toml') && this.scanned && this.scanFile(path)) changed = true;
    }
    return changed;
  }
}
