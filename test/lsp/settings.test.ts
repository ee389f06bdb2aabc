// Settings and workspace files over LSP: eqlRuleStudio.schemaFiles adds fields (no more
// unknown-field warnings), eqlRuleStudio.samples feeds the code lens count, and a rule_id
// used by another file of the workspace is reported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Diagnostic } from 'vscode-languageserver-types';
import { ensureBuilt, readFixture, ROOT, TestServer } from './harness';

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

describe('workspace settings and files', () => {
  let server: TestServer;
  let ws: string;
  before(async () => {
    ensureBuilt();
    ws = mkdtempSync(join(tmpdir(), 'eql-lsp-settings-'));
    copyFileSync(join(ROOT, 'test-fixtures/schemas/flat.json'), join(ws, 'acme-fields.json'));
    mkdirSync(join(ws, 'rules'));
    copyFileSync(join(ROOT, 'test-fixtures/rules/aws_rds_db_instance_restored.toml'), join(ws, 'rules', 'original.toml'));
    mkdirSync(join(ws, 'logs'));
    writeFileSync(join(ws, 'logs', 'a.ndjson'), '{"@timestamp":"2024-01-01T00:00:00Z","event":{"action":"x"}}\n');
    writeFileSync(join(ws, 'logs', 'b.ndjson'), '{"@timestamp":"2024-01-01T00:00:01Z","event":{"action":"y"}}\n');
    server = new TestServer({ workspaceFolder: ws, settings: { schemaFiles: ['acme-fields.json'], samples: ['logs/*.ndjson'], schemas: ['ecs'] } });
    await server.initialize();
  });
  after(async () => {
    await server.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('a field from eqlRuleStudio.schemaFiles is known; a made-up one is not', async () => {
    // The schema files load just after start-up; poll until the re-check has them.
    const uri = pathToFileURL(join(ws, 'q.eql')).toString();
    await server.open(uri, 'eql', 'any where acme.flat.count > 1 and acme.flat.nope == 1');
    const ds = await server.until(uri, (d) => d.filter((x) => x.code === 'EQL201').length === 1);
    const unknown = ds.filter((d) => d.code === 'EQL201');
    assert.equal(unknown.length, 1, JSON.stringify(ds));
    assert.match(String(unknown[0].message), /acme\.flat\.nope/);
  });

  it('the run lens counts the files eqlRuleStudio.samples selects', async () => {
    const uri = pathToFileURL(join(ws, 'lens.eql')).toString();
    await server.open(uri, 'eql', 'any where true');
    // The folder is searched in the background: the lens says "▶ Run on samples" until the count is known.
    let title: string | undefined;
    for (let i = 0; i < 100; i++) {
      const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      title = lenses[0].command?.title;
      if (title !== '▶ Run on samples') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(title, '▶ Run on samples · 2 files');
  });

  it('a rule_id used by another rule file of the workspace is RULE304', async () => {
    const uri = pathToFileURL(join(ws, 'rules', 'copy.toml')).toString();
    await server.open(uri, 'toml', readFixture('test-fixtures/rules/aws_rds_db_instance_restored.toml'));
    // The workspace's rule files are indexed in the background; the document is re-checked when that finishes.
    const ds = await server.until(uri, (d) => d.some((x) => x.code === 'RULE304'));
    const dup = ds.find((d) => d.code === 'RULE304');
    assert.ok(dup, JSON.stringify(codes(ds)));
    assert.match(String(dup.message), /rules\/original\.toml/);
  });

  it('opening a second rule with the same id re-checks the first', async () => {
    const text = readFixture('test-fixtures/rules/aws_rds_db_instance_restored.toml').replace(/rule_id = "[^"]+"/, 'rule_id = "11111111-2222-4333-8444-555555555555"');
    const a = pathToFileURL(join(ws, 'rules', 'one.toml')).toString();
    const rule = (ds: Diagnostic[]) => codes(ds).filter((c) => String(c).startsWith('RULE'));
    assert.deepEqual(rule(await server.open(a, 'toml', text)), []);
    await server.open(pathToFileURL(join(ws, 'rules', 'two.toml')).toString(), 'toml', text);
    await server.until(a, (d) => codes(d).includes('RULE304'));
  });

  it('a rule file written on disk with an open rule\'s id (a watched-file change) re-checks the open one', async () => {
    const text = readFixture('test-fixtures/rules/aws_rds_db_instance_restored.toml').replace(/rule_id = "[^"]+"/, 'rule_id = "22222222-3333-4444-8555-666666666666"');
    const a = pathToFileURL(join(ws, 'rules', 'three.toml')).toString();
    assert.deepEqual(codes(await server.open(a, 'toml', text)).filter((c) => String(c).startsWith('RULE')), []);
    const onDisk = join(ws, 'rules', 'four.toml');
    writeFileSync(onDisk, text);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(onDisk).toString(), type: 1 }] });
    await server.until(a, (d) => codes(d).includes('RULE304'));
  });

  it('a sample file created on disk (a watched-file change) is counted by the run lens', async () => {
    const uri = pathToFileURL(join(ws, 'lens.eql')).toString();
    const created = join(ws, 'logs', 'c.ndjson');
    writeFileSync(created, '{"@timestamp":"2024-01-01T00:00:02Z","event":{"action":"z"}}\n');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(created).toString(), type: 1 }] });
    const title = async () => (await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } }))[0].command?.title;
    for (let i = 0; i < 50 && (await title()) !== '▶ Run on samples · 3 files'; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await title(), '▶ Run on samples · 3 files');
  });
});
