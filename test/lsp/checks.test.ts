// Where the language server checks a document (lsp/checks.ts): small documents on its thread,
// large ones in the check worker, which here runs the bundle built from the same source (dist/checkWorker.js,
// as the server does). The worker gives exactly what the in-process check (the TypeScript source) gives (same
// catalogs and settings), a newer version supersedes an older one, and a worker that dies is restarted and says so.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNodeCatalogRegistry } from '../../server/src/io/catalogData';
import { catalogFromSamples } from '../../server/src/core/schema/sources';
import { createLanguageService } from '../../server/src/service/languageService';
import { DocumentChecks, type CheckHostOptions, type CheckRequest, type WorkspaceCatalogs } from '../../server/src/lsp/checks';
import { checkDocument } from '../../server/src/lsp/documentCheck';
import { ensureBuilt, ROOT } from './harness';

ensureBuilt(); // dist/checkWorker.js, and dist/data (the ECS catalog) for both sides

const RULES = join(ROOT, 'test-fixtures', 'rules');
const KNOWN = new Map([['0a1b2c3d-0000-4000-8000-000000000000', 'other.toml']]);
const samples = catalogFromSamples([{ doc: { custom: { sample_only: 'x' } } }]);

/** A host whose in-process side is a language service like the server's, with these catalogs and settings. */
function host(options: Partial<CheckHostOptions> & { catalogs?: () => WorkspaceCatalogs; schemas?: () => string[] | undefined } = {}) {
  const registry = createNodeCatalogRegistry();
  const none: WorkspaceCatalogs = { extra: [], samples: undefined };
  const catalogs = options.catalogs ?? (() => none);
  const schemas = options.schemas ?? (() => undefined);
  const service = createLanguageService({ log: () => undefined, catalogs: registry, knownRuleIds: () => KNOWN });
  const inProcess = (r: CheckRequest) => {
    const c = catalogs();
    registry.setSamples(c.samples);
    registry.setExtra(c.extra);
    service.configure({ schemas: schemas() });
    return checkDocument(service, service.document(r.uri, r.languageId, r.version, r.text));
  };
  const logs: string[] = [];
  const checks = new DocumentChecks({ inProcess, knownRuleIds: () => KNOWN, schemas, catalogs, log: (m) => logs.push(m), ...options });
  hosts.push(checks);
  return { checks, inProcess, logs };
}
const hosts: DocumentChecks[] = [];
after(() => hosts.forEach((h) => h.dispose()));

const languageOf = (name: string) => (name.endsWith('.eql') ? 'eql' : name.endsWith('.toml') ? 'toml' : name.endsWith('.ndjson') ? 'ndjson' : 'json');
const fixtures = readdirSync(RULES).filter((f) => /\.(eql|toml|json|ndjson)$/.test(f) && !f.includes('.test.'));

test('the worker checks a document exactly as the server thread does (every rule fixture)', { timeout: 120_000 }, async () => {
  const { checks, inProcess } = host({ threshold: 0 });
  assert.ok(fixtures.length >= 5, fixtures.join(' '));
  for (const f of [...fixtures, 'custom.eql']) {
    const text = f === 'custom.eql' ? 'process where custom.sample_only == "x" and process.nmae == "y"' : readFileSync(join(RULES, f), 'utf8');
    const request = { uri: `file:///fixtures/${f}`, languageId: languageOf(f), version: 1, text };
    const inWorker = await checks.check(request);
    assert.deepEqual(inWorker, inProcess(request), f);
  }
  assert.equal(checks.started, 1);
  assert.equal(checks.crashes, 0);
});

test('semantic tokens, folding ranges and symbols from the worker equal the server thread\'s (every rule fixture)', { timeout: 120_000 }, async () => {
  const registry = createNodeCatalogRegistry();
  const service = createLanguageService({ log: () => undefined, catalogs: registry });
  const { checks } = host({ threshold: 0 });
  for (const f of fixtures) {
    const request = { uri: `file:///fixtures/${f}`, languageId: languageOf(f), version: 1, text: readFileSync(join(RULES, f), 'utf8') };
    const doc = service.document(request.uri, request.languageId, 1, request.text);
    assert.deepEqual(await checks.ask('semanticTokens', request), service.semanticTokens(doc), f);
    assert.deepEqual(await checks.ask('folding', request), service.folding(doc), f);
    assert.deepEqual(await checks.ask('symbols', request), service.symbols(doc), f);
  }
  // An answer for a version older than the newest is not wanted.
  const old = checks.ask('symbols', { uri: 'file:///o.eql', languageId: 'eql', version: 1, text: 'any where true' });
  const newer = checks.ask('symbols', { uri: 'file:///o.eql', languageId: 'eql', version: 2, text: 'process where true' });
  assert.equal(await old, undefined);
  assert.ok(Array.isArray(await newer));
});

test('settings and catalogs reach the worker, and again when they change', { timeout: 120_000 }, async () => {
  let current: WorkspaceCatalogs = { extra: [], samples: undefined };
  let setting: string[] | undefined = ['ecs'];
  const { checks, inProcess } = host({ threshold: 0, catalogs: () => current, schemas: () => setting });
  const text = 'process where custom.sample_only == "x" and aws.cloudtrail.event_type == "y"';
  let version = 0;
  const codes = async () => {
    const r = { uri: 'file:///c.eql', languageId: 'eql', version: ++version, text };
    const outcome = await checks.check(r);
    assert.deepEqual(outcome, inProcess(r));
    return outcome?.diagnostics.filter((d) => d.code === 'EQL201').map((d) => `${d.code} ${String(d.message).split(' ')[2]}`);
  };
  // Unknown fields. ECS only: both; + the samples catalog: its field is known; every catalog: CloudTrail's too.
  assert.deepEqual(await codes(), ['EQL201 `custom.sample_only`', 'EQL201 `aws.cloudtrail.event_type`']);
  current = { extra: [], samples };
  assert.deepEqual(await codes(), ['EQL201 `aws.cloudtrail.event_type`']);
  setting = undefined;
  checks.configure();
  assert.deepEqual(await codes(), []);
});

test('small documents are checked at once on the server thread; large ones in the worker', async () => {
  const { checks } = host();
  const outcome = await checks.check({ uri: 'file:///s.eql', languageId: 'eql', version: 1, text: 'process where process.nmae == "x"' });
  assert.equal(outcome?.diagnostics[0]?.code, 'EQL201');
  assert.equal(checks.started, 0);
});

test('a newer version supersedes the pending or running check of an older one', { timeout: 120_000 }, async () => {
  const { checks } = host({ threshold: 0 });
  const big = 'any where ' + Array.from({ length: 20_000 }, (_, i) => `process.name == "p${i}"`).join(' or ');
  const uri = 'file:///v.eql';
  const v1 = checks.check({ uri, languageId: 'eql', version: 1, text: big });
  const v2 = checks.check({ uri, languageId: 'eql', version: 2, text: big + ' or' });
  const other = checks.check({ uri: 'file:///w.eql', languageId: 'eql', version: 1, text: 'any where true' });
  const v3 = checks.check({ uri, languageId: 'eql', version: 3, text: 'any where process.nmae == "x"' });
  assert.equal(await v1, undefined);
  assert.equal(await v2, undefined);
  assert.deepEqual((await other)?.diagnostics, []);
  assert.equal((await v3)?.diagnostics[0]?.code, 'EQL201');
});

test('a worker that dies is restarted, and the document it was checking gets a warning', { timeout: 120_000 }, async () => {
  // A heap too small for the parse of this document: the worker runs out of memory.
  const { checks, logs } = host({ threshold: 0, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
  const huge = 'any where ' + Array.from({ length: 200_000 }, (_, i) => `process.name == "p${i}"`).join(' or ');
  const crashed = await checks.check({ uri: 'file:///huge.eql', languageId: 'eql', version: 1, text: huge });
  assert.equal(crashed?.diagnostics.length, 1);
  assert.match(String(crashed?.diagnostics[0].message), /check of this document stopped \(the check worker stopped: ERR_WORKER_OUT_OF_MEMORY/);
  assert.equal(crashed?.diagnostics[0].severity, 2);
  assert.equal(checks.crashes, 1);
  assert.ok(logs.some((l) => /check worker stopped: .*huge\.eql v1\); restarted/.test(l)), logs.join('\n'));
  // The next check runs in a new worker.
  const next = await checks.check({ uri: 'file:///small.eql', languageId: 'eql', version: 1, text: 'any where process.nmae == "x"' });
  assert.equal(next?.diagnostics[0]?.code, 'EQL201');
  assert.equal(checks.started, 2);
});

test('the same version with the same inputs is checked once; new settings check it again', { timeout: 120_000 }, async () => {
  let setting: string[] | undefined = ['ecs'];
  const { checks } = host({ threshold: 0, schemas: () => setting });
  const request = { uri: 'file:///same.eql', languageId: 'eql', version: 1, text: 'process where aws.cloudtrail.event_type == "x"' };
  const [a, b] = await Promise.all([checks.check(request), checks.check(request)]);
  assert.ok(a && a === b, `asked while it ran: the running answer ${JSON.stringify([a, b])}`);
  assert.equal(await checks.check(request), a, 'asked after: the last answer');
  setting = undefined;
  checks.configure();
  const c = await checks.check(request);
  assert.notEqual(c, a);
  assert.ok(a.diagnostics.some((d) => d.code === 'EQL201') && !c?.diagnostics.some((d) => d.code === 'EQL201'));
});
