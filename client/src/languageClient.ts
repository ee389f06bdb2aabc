// The client of the EQL language server (dist/server.js, over IPC). Requests sent while it is
// still starting wait for the start (vscode-languageclient does), so callers need no ready signal.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { connectionStore } from './connections/store';
import { RUN_RULE_COMMAND } from '../../server/src/service/codeLens';

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

/** The one output channel: the extension's and the server's log, and the LSP trace when
 * `eqlRuleStudio.trace.server` is on (the client re-reads that setting on every change). */
export const OUTPUT_CHANNEL_NAME = 'EQL Rule Studio';

export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.LogOutputChannel): LanguageClient {
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
    // Created at activation, so it exists (and logs start-up) whether or not anything goes wrong.
    outputChannel,
    middleware: {
      // Beside each "run on samples" lens: "▶ Run on <connection>" when a connection is active.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        const active = connectionStore(context).activeProfile();
        if (!lenses || !active) return lenses;
        const extra = lenses
          .filter((l) => l.command?.command === RUN_RULE_COMMAND)
          .map((l) => new vscode.CodeLens(l.range, { title: `▶ Run on ${active.name}`, command: 'eqlRuleStudio.runRuleOnCluster', arguments: l.command?.arguments }));
        return [...lenses, ...extra];
      },
    },
  };
  return new LanguageClient('eqlRuleStudio', 'EQL Language Server', serverOptions, clientOptions);
}
