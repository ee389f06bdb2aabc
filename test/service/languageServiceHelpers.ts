// One language service for the façade-level tests (diagnostics, code actions, formatting,
// folding, semantic tokens), with the built-in catalogs as the server loads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createNodeCatalogRegistry } from '../../server/src/io/catalogData';
import { createLanguageService, type LanguageService } from '../../server/src/service/languageService';
import type { ServiceDocument } from '../../server/src/service/document';

export const ROOT = join(__dirname, '..', '..');
let shared: LanguageService | undefined;
let version = 0;

export function languageService(): LanguageService {
  shared ??= createLanguageService({ log: (m) => console.error(m), catalogs: createNodeCatalogRegistry() });
  return shared;
}

export function fixture(rel: string): string {
  return readFileSync(join(ROOT, rel), 'utf8');
}

export function docOf(text: string, languageId = 'eql', name = `doc${version + 1}`): ServiceDocument {
  const ext = languageId === 'eql' ? 'eql' : languageId === 'json' ? 'json' : languageId === 'ndjson' ? 'ndjson' : 'toml';
  return languageService().document(`file:///test/${name}.${ext}`, languageId, ++version, text);
}

/** The text after an LSP edit list (how the editor applies a code action or formatting). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///edited', 'eql', 1, text), [...edits]);
}
