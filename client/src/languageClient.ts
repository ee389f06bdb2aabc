// Starts the EQL language server (dist/server.js) over IPC and keeps the one client
// instance, so the panel and command code can reach the server without owning its life.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let resolveReady: ((c: LanguageClient) => void) | undefined;
const ready = new Promise<LanguageClient>((resolve) => {
  resolveReady = resolve;
});

/** Files the server works on. Plain TOML and JSON are included because rule files come in
 * both; the server answers with nothing for files that hold no rule. */
export const DOCUMENT_SELECTOR = [
  { language: 'eql' },
  { language: 'eql-rule-toml' },
  { language: 'toml' },
  { language: 'json' },
  { language: 'jsonc' },
  { pattern: '**/*.ndjson' },
];

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: {
      configurationSection: 'eqlRuleStudio',
      // Schema files, sample files and rule files elsewhere in the workspace change what
      // the server reports (unique rule_id, fields seen in samples), so it is told.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.{json,ndjson,jsonl,yml,yaml,gz,log,toml}'),
      ],
    },
    outputChannelName: 'EQL Rule Studio',
  };
  client = new LanguageClient('eqlRuleStudio', 'EQL Language Server', serverOptions, clientOptions);
  return client;
}

/** Marks the client as started; code waiting in `whenClientReady` continues. */
export function clientStarted(c: LanguageClient): void {
  resolveReady?.(c);
}

/** The running language client. Throws before activation has created it. */
export function getClient(): LanguageClient {
  if (!client) throw new Error('EQL language client is not started yet');
  return client;
}

/** Resolves once the language server is up and answering. */
export function whenClientReady(): Promise<LanguageClient> {
  return ready;
}
