// Loads our TextMate grammars into vscode-textmate the way VS Code does (injections from package.json's
// `injectTo`), plus minimal stand-ins for the host grammars VS Code ships (Markdown) or extensions add (TOML).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const repoRoot = join(__dirname, '..', '..');
export const fixtureDir = join(repoRoot, 'test-fixtures', 'grammar');

interface GrammarContribution {
  scopeName: string;
  path: string;
  injectTo?: string[];
}

const contributions: GrammarContribution[] = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).contributes.grammars;

/** Host grammars that are not ours; stand-ins written for the tests. */
const standIns: Record<string, string> = {
  'text.html.markdown': join(fixtureDir, 'stand-ins', 'markdown.tmLanguage.json'),
  'source.toml': join(fixtureDir, 'stand-ins', 'toml.tmLanguage.json'),
};

export interface Token {
  text: string;
  start: number;
  scopes: string[];
}

export interface TokenizedLine {
  text: string;
  tokens: Token[];
}

function grammarPath(scopeName: string): string | undefined {
  const ours = contributions.find((c) => c.scopeName === scopeName);
  return ours ? join(repoRoot, ours.path) : standIns[scopeName];
}

function makeRegistry(): vsctm.Registry {
  const wasm = readFileSync(join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  const bytes = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
  const onigLib = oniguruma.loadWASM(bytes).then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
  return new vsctm.Registry({
    onigLib,
    loadGrammar: async (scopeName) => {
      const path = grammarPath(scopeName);
      return path ? vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    getInjections: (scopeName) => contributions.filter((c) => c.injectTo?.includes(scopeName)).map((c) => c.scopeName),
  });
}

let shared: vsctm.Registry | undefined;

export async function loadGrammar(scopeName: string): Promise<vsctm.IGrammar> {
  shared ??= makeRegistry();
  const g = await shared.loadGrammar(scopeName);
  if (!g) throw new Error(`grammar ${scopeName} not found`);
  return g;
}

export function tokenize(grammar: vsctm.IGrammar, text: string): TokenizedLine[] {
  let state = vsctm.INITIAL;
  const out: TokenizedLine[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    out.push({
      text: line,
      tokens: r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes })),
    });
  }
  return out;
}

/**
 * vscode-tmgrammar-snap style: each source line prefixed with `>`, then one `#` line per token with carets under it
 * and its scopes (the root scope left out). Whitespace is left out as noise unless it sits in a string, comment or error.
 */
export function renderSnapshot(lines: TokenizedLine[], rootScope: string): string {
  const out: string[] = [`# root scope: ${rootScope}`];
  for (const line of lines) {
    out.push('>' + line.text);
    for (const t of line.tokens) {
      const scopes = t.scopes.slice(1);
      if (t.text.trim() === '' && !scopes.some((s) => /^(string|comment|invalid)\./.test(s))) continue;
      out.push(['#' + ' '.repeat(t.start) + '^'.repeat(t.text.length), ...scopes].join(' '));
    }
  }
  return out.join('\n') + '\n';
}
