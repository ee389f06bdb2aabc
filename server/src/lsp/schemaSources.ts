// Feeds the catalog registry from the workspace: the detection-rules schema files (when the
// folder is a checkout), the files in eqlRuleStudio.schemaFiles, and the fields seen in the
// sample events. Loaded lazily and off the first-diagnostics path, reloaded when they change.
import { fileURLToPath } from 'node:url';
import type { CatalogRegistry } from '../core/schema/select';
import { catalogFromSamples } from '../core/schema/sources';
import type { SampleEvent } from '../core/samples/types';
import type { Catalog } from '../core/schema/types';
import type { WorkspaceCatalogs } from './checks';
import { loadWorkspaceCatalogs } from '../io/catalogData';
import { readSampleFiles } from '../io/readSamples';

/** Enough events to learn the fields of a sample set without reading a 1 GB file. */
const MAX_SAMPLE_EVENTS = 5_000;

export class SchemaSources {
  private files = new Set<string>();
  private sampleFiles = new Set<string>();
  private hasExtra = false;
  private hasSamples = false;
  private extra: Catalog[] = [];
  private samples: Catalog | undefined;
  private snapshot: WorkspaceCatalogs = { extra: [], samples: undefined };

  constructor(
    private readonly catalogs: CatalogRegistry,
    private readonly log: (m: string) => void,
  ) {}

  /** Schema files of the workspace and the setting; false when there were none before or now (nothing to re-check). */
  loadSchemas(root: string | undefined, schemaFiles: string[]): boolean {
    const loaded = loadWorkspaceCatalogs(root, schemaFiles);
    for (const e of loaded.errors) this.log(`schema file ${e.file}:${e.line}:${e.column}: ${e.message}`);
    this.files = new Set(loaded.files);
    this.catalogs.setExtra(loaded.catalogs);
    // None before and none now: unchanged (large documents are not checked again for nothing).
    if (loaded.catalogs.length > 0 || this.extra.length > 0) this.extra = loaded.catalogs;
    const had = this.hasExtra;
    this.hasExtra = loaded.catalogs.length > 0;
    return had || this.hasExtra;
  }

  /** Fields seen in the first events of the sample files; false when there were none before or now. */
  async loadSamples(paths: string[]): Promise<boolean> {
    const had = this.hasSamples;
    this.sampleFiles = new Set(paths);
    if (paths.length === 0) {
      this.setSampleEvents([]);
      return had;
    }
    const events: SampleEvent[] = [];
    const abort = new AbortController();
    await readSampleFiles(paths, {
      signal: abort.signal,
      onEvent: (e) => {
        events.push(e);
        if (events.length >= MAX_SAMPLE_EVENTS) abort.abort();
      },
    });
    this.setSampleEvents(events);
    return had || this.hasSamples;
  }

  /** After a run: the events the user actually runs on describe the samples best. */
  setSampleEvents(events: Iterable<SampleEvent>): void {
    const list = [...events].slice(0, MAX_SAMPLE_EVENTS);
    this.hasSamples = list.length > 0;
    this.samples = this.hasSamples ? catalogFromSamples(list) : undefined;
    this.catalogs.setSamples(this.samples);
  }

  /** What these sources added to the registry (the check worker's copy); the same object until they change. */
  current(): WorkspaceCatalogs {
    if (this.snapshot.extra !== this.extra || this.snapshot.samples !== this.samples) this.snapshot = { extra: this.extra, samples: this.samples };
    return this.snapshot;
  }

  /** Which of the changed files feed the catalogs. */
  affected(uris: string[]): { schemas: boolean; samples: boolean } {
    let schemas = false;
    let samples = false;
    for (const uri of uris) {
      let path: string;
      try {
        path = fileURLToPath(uri);
      } catch {
        continue;
      }
      if (this.files.has(path)) schemas = true;
      if (this.sampleFiles.has(path)) samples = true;
    }
    return { schemas, samples };
  }
}
