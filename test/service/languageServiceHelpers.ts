// One language service for the façade-level tests (diagnostics, code actions, formatting,
// folding, semantic tokens), with the built-in catalogs as the server loads them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Position, TextEdit } from 'vscode-languageserver-types';
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

export function offsetOf(text: string, p: Position): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
}

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(text, e.range.start)) + e.newText + out.slice(offsetOf(text, e.range.end));
  return out;
}
