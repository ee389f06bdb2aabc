// Keeps the three layers honest: core imports nothing of LSP, VS Code or node I/O; the
// service adds only LSP *types* (never the custom protocol's messages); neither reaches up into the glue (lsp, cli, io, client); io
// serves lsp and cli without knowing them; the webview is browser code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) found.push(m[1]);
  for (const m of text.matchAll(/\brequire\(\s*'([^']+)'\s*\)|\bimport\(\s*'([^']+)'\s*\)/g)) found.push(m[1] ?? m[2]);
  return found;
}

const io = /^(node:)?(fs|fs\/promises|child_process|net|http|https|zlib|worker_threads|readline)$/;
const layers: { dir: string; forbidden: (spec: string, resolved: string) => string | undefined }[] = [
  {
    dir: 'server/src/core',
    forbidden: (spec, resolved) =>
      /^vscode/.test(spec) ? 'an LSP/VS Code package' :
      io.test(spec) ? 'node I/O' :
      /^server\/src\/(service|lsp|cli|io)\//.test(resolved) || resolved === 'server/src/protocol' || resolved.startsWith('client/') ? 'a higher layer' : undefined,
  },
  {
    dir: 'server/src/service',
    forbidden: (spec, resolved) =>
      spec === 'vscode' || spec === 'vscode-languageserver' || spec.startsWith('vscode-languageserver/') ? 'the LSP connection or VS Code' :
      io.test(spec) ? 'node I/O' :
      /^server\/src\/(lsp|cli|io)\//.test(resolved) || resolved.startsWith('client/') ? 'the glue layer' :
      // The protocol imports the service's data types (SchemaStatus), never the reverse.
      resolved === 'server/src/protocol' || spec === 'vscode-languageserver-protocol' || spec.startsWith('vscode-jsonrpc') ? 'the LSP protocol' : undefined,
  },
  {
    // Node I/O shared by the language server and the CLI: core and service below it, never the
    // server, the CLI or the editor.
    dir: 'server/src/io',
    forbidden: (spec, resolved) =>
      /^vscode/.test(spec) ? 'an LSP/VS Code package' :
      /^server\/src\/(lsp|cli)\//.test(resolved) || resolved.startsWith('client/') ? 'the server, the CLI or the editor' : undefined,
  },
  {
    // The results panel runs in a browser (the webview): no node, no VS Code API, no server; it may
    // use pure core modules, the protocol's types and the panel's message types.
    dir: 'client/webview',
    forbidden: (spec, resolved) =>
      /^vscode/.test(spec) ? 'an LSP/VS Code package' :
      /^node:/.test(spec) || io.test(spec) || spec === 'path' || spec === 'os' ? 'node' :
      /^server\/src\/(service|lsp|cli|io)\//.test(resolved) ? 'the server' :
      resolved.startsWith('client/src/') && resolved !== 'client/src/panel/messages' ? 'the extension host side' : undefined,
  },
];

for (const layer of layers) {
  test(`${layer.dir} imports only what its layer may`, () => {
    const problems: string[] = [];
    for (const file of sources(join(root, layer.dir))) {
      for (const spec of imports(file)) {
        const resolved = spec.startsWith('.') ? relative(root, join(file, '..', spec)) : spec;
        const why = layer.forbidden(spec, resolved);
        if (why) problems.push(`${relative(root, file)} imports '${spec}' (${why})`);
      }
    }
    assert.deepEqual(problems, []);
  });
}
