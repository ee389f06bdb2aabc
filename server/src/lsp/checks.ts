// Where a document's check (parse + analysis + field and rule checks) runs. A small document is
// checked on the server's thread (milliseconds; a round trip to another thread would not make it
// faster); a large one in a worker thread (checkWorker.ts, dist/checkWorker.js), so completion,
// hover and signature help keep answering while a 10 MB document is being checked for seconds.
// The worker runs one check at a time. A newer version of the document being checked stops the
// worker (a check cannot be interrupted, and its answer would be thrown away) and a fresh one
// checks the newest text; other documents wait their turn, one pending version each, so the
// work never piles up. A worker that crashes is restarted and the document it was checking
// gets a warning saying so, never silently no diagnostics.
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { join } from 'node:path';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-types';
import type { Catalog } from '../core/schema/types';
import type { CheckOutcome } from './documentCheck';

/** Documents from this size (characters) on are checked in the worker: below it a check takes a few ms. */
export const WORKER_THRESHOLD = 65_536;

export interface CheckRequest {
  uri: string;
  languageId: string;
  version: number;
  text: string;
}

/** The catalogs the workspace adds to the built-in ones (schema files, the samples' fields). */
export interface WorkspaceCatalogs {
  extra: Catalog[];
  samples: Catalog | undefined;
}

/** Whole-document answers that need the parse: for a large document the worker gives them too. */
export type WholeDocumentMethod = 'semanticTokens' | 'folding' | 'symbols';

/** What the server's thread sends the worker. */
export type ToWorker =
  | { type: 'configure'; schemas: string[] | undefined }
  | { type: 'catalogs'; extra: Catalog[]; samples: Catalog | undefined }
  | ({ type: 'check'; id: number; knownRuleIds: Map<string, string> | undefined } & CheckRequest)
  | ({ type: 'ask'; id: number; method: WholeDocumentMethod } & CheckRequest)
  | { type: 'forget'; uri: string };

/** What the worker answers. */
export type FromWorker =
  | { type: 'checked'; id: number; outcome: CheckOutcome }
  | { type: 'answered'; id: number; result: unknown }
  | { type: 'failed'; id: number; message: string }
  | { type: 'log'; message: string };

export interface CheckHostOptions {
  /** Checks a document on this thread (small documents). */
  inProcess(request: CheckRequest): CheckOutcome;
  /** For a rule file: rule_id -> another file using it (the worker's copy of the workspace index). */
  knownRuleIds(request: CheckRequest): ReadonlyMap<string, string> | undefined;
  log(message: string): void;
  /** Settings and catalogs as the worker must see them (sent to every new worker, and again when they change). */
  schemas(): string[] | undefined;
  /** The same object as long as the catalogs are unchanged. */
  catalogs(): WorkspaceCatalogs;
  threshold?: number;
  /** Limits of the worker's heap (tests make it crash with a small one). */
  resourceLimits?: ResourceLimits;
}

interface Job {
  id: number;
  /** A check, or a whole-document answer. */
  method?: WholeDocumentMethod;
  request: CheckRequest;
  /** undefined: superseded or stopped (for a check that stopped, see `stopped`). */
  resolve(result: unknown): void;
  /** The answer when the worker died on this job. */
  stopped(reason: string): unknown;
  /** A check's inputs besides the text. */
  inputs?: CheckInputs;
}

/** What a check reads besides the document: the same version with the same inputs is not checked twice. */
interface CheckInputs {
  schemas: string;
  catalogs: WorkspaceCatalogs;
  knownRuleIds: Map<string, string> | undefined;
  key: string;
}

/**
 * The worker's script: the bundle next to dist/server.js; from the TypeScript source (the tests), the built bundle
 * (dist/checkWorker.js, the same source): a worker compiling the server's sources again through tsx costs ~0.5 s
 * of CPU per start.
 */
function startWorker(resourceLimits: ResourceLimits | undefined): Worker {
  const dir = __filename.endsWith('.ts') ? join(__dirname, '..', '..', '..', 'dist') : __dirname;
  return new Worker(join(dir, 'checkWorker.js'), { resourceLimits });
}

/** The warning a document gets when its check did not finish. */
export function checkStoppedDiagnostic(reason: string): LspDiagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 2,
    source: 'eql',
    message: `The check of this document stopped (${reason}): its diagnostics are not shown. Edit the document to check it again.`,
  };
}

export class DocumentChecks {
  private worker: Worker | undefined;
  private running: Job | undefined;
  /** The next version to check per document, in arrival order. */
  private readonly pending = new Map<string, Job>();
  /** Whole-document questions, in arrival order (they go before checks: someone waits for them). */
  private readonly asked: Job[] = [];
  /** The newest version seen per document: jobs for older ones are dropped. */
  private readonly newest = new Map<string, number>();
  private nextId = 1;
  /** The worker being stopped on purpose (its exit is not a crash). */
  private stopping = new Set<Worker>();
  private sentCatalogs: WorkspaceCatalogs | undefined;
  /** The last check's answer per document (the server asks again when settings or catalogs may have changed). */
  private readonly done = new Map<string, { version: number; key: string; outcome: CheckOutcome }>();
  /** Workers started, and how many of them crashed (for the log and tests). */
  started = 0;
  crashes = 0;

  constructor(private readonly options: CheckHostOptions) {}

  /** Whether a document of this size is checked (and asked) in the worker. */
  inWorker(text: string): boolean {
    return text.length >= (this.options.threshold ?? WORKER_THRESHOLD);
  }

  /**
   * The check of one version of a document; undefined when a newer version of the same document
   * was asked for before this one finished (its answer would be stale).
   */
  check(request: CheckRequest): Promise<CheckOutcome | undefined> {
    this.dropPending(request.uri);
    this.seen(request);
    // A small document: at once, here.
    if (!this.inWorker(request.text)) return Promise.resolve(this.options.inProcess(request));
    const inputs = this.inputsOf(request);
    const same = (v: number, key: string | undefined) => v === request.version && key === inputs.key;
    const done = this.done.get(request.uri);
    if (done && same(done.version, done.key)) return Promise.resolve(done.outcome);
    const running = this.running;
    return new Promise((resolve) => {
      if (running && !running.method && running.request.uri === request.uri && same(running.request.version, running.inputs?.key)) {
        // Being checked with the same inputs: this answer too.
        const first = running.resolve;
        running.resolve = (r) => {
          first(r);
          resolve(r as CheckOutcome | undefined);
        };
        return;
      }
      this.pending.set(request.uri, {
        id: this.nextId++,
        request,
        inputs,
        resolve: (r) => resolve(r as CheckOutcome | undefined),
        stopped: (reason) => ({ diagnostics: [checkStoppedDiagnostic(reason)] }),
      });
      this.next();
    });
  }

  /**
   * Semantic tokens, folding ranges or symbols of a large document, from the worker (which keeps the
   * parse of the version it checked last); undefined when a newer version came first or the worker stopped.
   */
  ask<R>(method: WholeDocumentMethod, request: CheckRequest): Promise<R | undefined> {
    this.seen(request);
    return new Promise((resolve) => {
      this.asked.push({ id: this.nextId++, method, request, resolve: (r) => resolve(r as R | undefined), stopped: () => undefined });
      this.next();
    });
  }

  private inputsOf(request: CheckRequest): CheckInputs {
    const known = this.options.knownRuleIds(request);
    const knownRuleIds = known && new Map(known);
    const schemas = JSON.stringify(this.options.schemas() ?? null);
    const catalogs = this.options.catalogs();
    let id = this.catalogIds.get(catalogs);
    if (id === undefined) this.catalogIds.set(catalogs, (id = ++this.catalogCount));
    return { schemas, catalogs, knownRuleIds, key: `${schemas}|${id}|${JSON.stringify(knownRuleIds ? [...knownRuleIds] : null)}` };
  }
  private readonly catalogIds = new WeakMap<WorkspaceCatalogs, number>();
  private catalogCount = 0;

  /** A version of a document exists: what the worker does for an older one is stale. */
  private seen(request: CheckRequest): void {
    this.newest.set(request.uri, Math.max(request.version, this.newest.get(request.uri) ?? request.version));
    this.dropAsked((job) => this.stale(job));
    // The worker is busy with an older version of this document: stop it (it cannot be interrupted) and start afresh.
    if (this.running && this.stale(this.running)) this.restart();
  }

  /** The document's pending check is dropped: its caller gets undefined. */
  private dropPending(uri: string): void {
    const job = this.pending.get(uri);
    if (!job) return;
    this.pending.delete(uri);
    job.resolve(undefined);
  }

  /** The questions `which` picks are dropped: their askers get undefined. */
  private dropAsked(which: (job: Job) => boolean): void {
    for (let i = this.asked.length - 1; i >= 0; i--) if (which(this.asked[i])) this.asked.splice(i, 1)[0].resolve(undefined);
  }

  private stale(job: Job): boolean {
    return job.request.version < (this.newest.get(job.request.uri) ?? job.request.version);
  }

  /** The settings changed: the worker gets them before its next check (the catalogs are compared by identity). */
  configure(): void {
    if (this.worker) this.post({ type: 'configure', schemas: this.options.schemas() });
  }

  /** A closed document: its pending work is dropped, the worker frees its parse. */
  forget(uri: string): void {
    this.dropPending(uri);
    this.dropAsked((job) => job.request.uri === uri);
    this.newest.delete(uri);
    this.done.delete(uri);
    if (this.running?.request.uri === uri) this.restart();
    else if (this.worker) this.post({ type: 'forget', uri });
  }

  /** Stops the worker (the server is shutting down). */
  dispose(): void {
    for (const job of [...this.pending.values(), ...this.asked]) job.resolve(undefined);
    this.pending.clear();
    this.asked.length = 0;
    this.restart();
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(this.options.resourceLimits);
    this.started++;
    this.worker = worker;
    this.sentCatalogs = undefined;
    worker.on('message', (m: FromWorker) => this.onMessage(worker, m));
    let failure: string | undefined;
    worker.on('error', (e) => {
      failure = e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);
    });
    worker.on('exit', (code) => {
      if (this.stopping.delete(worker)) return;
      this.crashed(worker, failure ?? `exit code ${code}`);
    });
    this.post({ type: 'configure', schemas: this.options.schemas() });
    return worker;
  }

  /** Sends the next pending job when the worker is free. */
  private next(): void {
    if (this.running) return;
    const job = this.asked.shift() ?? this.pending.values().next().value;
    if (!job) {
      // An idle worker does not keep the process alive (the server exits when its connection closes).
      this.worker?.unref();
      return;
    }
    if (!job.method) this.pending.delete(job.request.uri);
    this.running = job;
    this.ensureWorker().ref();
    // The same object until the catalogs change: sent to each worker once, and after each change.
    const catalogs = job.inputs?.catalogs ?? this.options.catalogs();
    if (this.sentCatalogs !== catalogs) this.post({ type: 'catalogs', extra: catalogs.extra, samples: catalogs.samples });
    this.sentCatalogs = catalogs;
    const { uri, languageId, version, text } = job.request;
    if (job.method) this.post({ type: 'ask', id: job.id, method: job.method, uri, languageId, version, text });
    else this.post({ type: 'check', id: job.id, uri, languageId, version, text, knownRuleIds: job.inputs?.knownRuleIds });
  }

  private onMessage(worker: Worker, m: FromWorker): void {
    if (m.type === 'log') return this.options.log(`check worker: ${m.message}`);
    if (worker !== this.worker || this.running?.id !== m.id) return;
    const job = this.running;
    this.running = undefined;
    if (m.type === 'checked') {
      if (job.inputs) this.done.set(job.request.uri, { version: job.request.version, key: job.inputs.key, outcome: m.outcome });
      job.resolve(m.outcome);
    }
    else if (m.type === 'answered') job.resolve(m.result);
    else {
      this.options.log(`${job.method ?? 'check'} of ${job.request.uri} v${job.request.version} failed: ${m.message}`);
      job.resolve(job.stopped(m.message.split('\n')[0]));
    }
    this.next();
  }

  /** Stops the worker on purpose; the running job is dropped and the next one starts on a new worker. */
  private restart(): void {
    const worker = this.worker;
    const job = this.running;
    this.worker = undefined;
    this.running = undefined;
    job?.resolve(undefined);
    if (worker) {
      this.stopping.add(worker);
      void worker.terminate();
    }
    this.next();
  }

  private crashed(worker: Worker, reason: string): void {
    if (worker !== this.worker) return;
    this.crashes++;
    const job = this.running;
    this.worker = undefined;
    this.running = undefined;
    this.options.log(`check worker stopped: ${reason}${job ? ` (${job.method ?? 'checking'} ${job.request.uri} v${job.request.version}); restarted` : ''}`);
    // Not retried: the same text would likely stop it again. The next edit checks it again.
    job?.resolve(job.stopped(`the check worker stopped: ${reason}`));
    this.next();
  }
}
