// What the server knows about the workspace beyond open documents: its folders, the
// sample files the settings select (counted for the code lens), and when a changed file
// on disk (schema, sample, rule) should trigger a re-check.
import { fileURLToPath } from 'node:url';
import { globFiles } from '../io/walkFiles';
import type { ServerSettings } from './settings';
import { DEFAULT_SERVER_SETTINGS } from './settings';

/** With `eqlRuleStudio.samples` empty: event files in folders named for samples. */
export const DEFAULT_SAMPLE_GLOBS = ['**/{samples,sample-events,events}/**/*.{json,ndjson,jsonl,log,gz}'];

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
      const globs = this.settings.samples.length > 0 ? this.settings.samples : DEFAULT_SAMPLE_GLOBS;
      const found: string[] = [];
      for (const root of this.roots) {
        try {
          found.push(...globFiles(root, globs, 20_000));
        } catch (e) {
          this.log(`sample discovery in ${root}: ${String(e)}`);
        }
      }
      this.samples = found;
    }
    return this.samples;
  }

  sampleFileCount(_uri: string): number {
    return this.sampleFiles().length;
  }

  /** Forgets what the changed files invalidate; true when open documents should be re-checked. */
  filesChanged(uris: string[]): boolean {
    if (uris.length === 0) return false;
    this.samples = undefined;
    return true;
  }
}
