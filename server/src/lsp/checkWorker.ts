// The check worker: a worker thread (dist/checkWorker.js) that checks large documents off the
// server's thread (see checks.ts), and gives their semantic tokens, folding ranges and symbols
// (which need the same parse). It only hosts the language service: the same catalogs, the
// settings and catalogs the server sends it, and documentCheck.ts's one check function.
import { parentPort } from 'node:worker_threads';
import { createNodeCatalogRegistry } from '../io/catalogData';
import { createLanguageService } from '../service/languageService';
import { describeError } from './safe';
import { checkDocument } from './documentCheck';
import type { FromWorker, ToWorker } from './checks';

const port = parentPort;
if (!port) throw new Error('checkWorker.js runs as a worker thread of the language server');
const send = (m: FromWorker) => port.postMessage(m);

const catalogs = createNodeCatalogRegistry();
let knownRuleIds: ReadonlyMap<string, string> = new Map();
const service = createLanguageService({ log: (message) => send({ type: 'log', message }), catalogs, knownRuleIds: () => knownRuleIds });

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'configure':
      service.configure({ schemas: m.schemas });
      return;
    case 'catalogs':
      catalogs.setExtra(m.extra);
      catalogs.setSamples(m.samples);
      return;
    case 'forget':
      service.forget(m.uri);
      return;
    case 'check':
      try {
        knownRuleIds = m.knownRuleIds ?? new Map();
        const doc = service.document(m.uri, m.languageId, m.version, m.text);
        send({ type: 'checked', id: m.id, outcome: checkDocument(service, doc) });
      } catch (e) {
        send({ type: 'failed', id: m.id, message: describeError(e) });
      }
      return;
    case 'ask':
      try {
        // The parse of this version is kept from its check (or made here and kept for the check).
        const doc = service.document(m.uri, m.languageId, m.version, m.text);
        const result = m.method === 'semanticTokens' ? service.semanticTokens(doc) : m.method === 'folding' ? service.folding(doc) : service.symbols(doc);
        send({ type: 'answered', id: m.id, result });
      } catch (e) {
        send({ type: 'failed', id: m.id, message: describeError(e) });
      }
  }
});
