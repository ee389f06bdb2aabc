// Protocol tests over the real bundled server: the seed rule in its TOML and .eql forms,
// completion, hover, signature help, formatting, folding, symbols, semantic tokens, code
// lenses, and the run requests on the bundled CloudTrail samples.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeLens, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, SemanticTokens, SignatureHelp, TextEdit } from 'vscode-languageserver-types';
import type { ExplainEventResult, RunRuleResult, SearchEventsResult } from '../../server/src/protocol';
import { cursor, ensureBuilt, fixtureUri, readFixture, ROOT, TestServer } from './harness';
import { applyEdits } from '../service/languageServiceHelpers';

const SEED_TOML = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
const SEED_EQL = 'test-fixtures/rules/aws_rds_db_instance_restored.eql';
const EXPECTED = JSON.parse(readFixture('test-fixtures/samples/cloudtrail-expected.json')) as {
  events: number;
  files: number;
  filesWithEvents: number;
  matches: { eventID: string }[];
  mustNotMatch: { eventID: string }[];
};

let server: TestServer;
let n = 0;
let workspace = '';
before(async () => {
  ensureBuilt();
  // An empty workspace folder: no other rule files (no duplicate rule_id), no sample files.
  workspace = mkdtempSync(join(tmpdir(), 'eql-lsp-ws-'));
  server = new TestServer({ workspaceFolder: workspace });
  await server.initialize();
});
after(async () => {
  await server.close();
  rmSync(workspace, { recursive: true, force: true });
});

async function openAt(languageId: string, textWithBar: string, ext = languageId === 'eql' ? 'eql' : 'toml') {
  const { text, position } = cursor(textWithBar);
  const uri = `file:///virtual/feature${++n}.${ext}`;
  const diagnostics = await server.open(uri, languageId, text);
  return { uri, position, text, diagnostics };
}

const where = (d: Diagnostic) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`;

describe('the seed rule over LSP', () => {
  it('TOML rule: zero diagnostics, eql/status names the AWS catalogs', async () => {
    const uri = fixtureUri(SEED_TOML);
    const diagnostics = await server.open(uri, 'eql-rule-toml', readFixture(SEED_TOML));
    assert.deepEqual(diagnostics.map(where), []);
    const status = server.notifications.filter((x) => x.method === 'eql/status').map((x) => x.params as { uri: string; schemas: string[]; reason: string }).find((s) => s.uri === uri);
    assert.ok(status, 'no eql/status for the rule');
    assert.ok(status.schemas.some((s) => /CloudTrail/.test(s)), JSON.stringify(status));
    assert.match(status.reason, /logs-aws\.cloudtrail/);
  });

  it('.eql query: zero diagnostics', async () => {
    assert.deepEqual((await server.open(fixtureUri(SEED_EQL), 'eql', readFixture(SEED_EQL))).map(where), []);
  });

  // [file, exactly its diagnostics as code@line:column in the TOML file]
  const invalid: [string, string[]][] = [
    ['test-fixtures/rules/invalid/query_typo.toml', ['EQL201@71:5']],
    ['test-fixtures/rules/invalid/severity_high_risk_47.toml', ['RULE306@53:14']],
    ['test-fixtures/rules/invalid/bad_rule_id.toml', ['RULE303@54:11']],
    ['test-fixtures/rules/invalid/technique_wrong_tactic.toml', ['RULE319@79:6']],
    ['test-fixtures/rules/invalid/broken.toml', ['RULE300@55:18']],
  ];
  for (const [file, expected] of invalid) {
    it(`${file} -> ${expected.join(', ')}`, async () => {
      const diagnostics = await server.open(fixtureUri(file), 'eql-rule-toml', readFixture(file));
      assert.deepEqual(diagnostics.map(where), expected);
    });
  }

  // [edit of the seed (find -> replace), expected code@line:column among its diagnostics]
  const broken: [string, string, string][] = [
    ['event.outcome == "success"', 'event.outcome = "success"', 'EQL014@72:19'],
    ['risk_score = 47', 'risk_score = 73', 'RULE306@53:14'],
  ];
  for (const [find, replace, expected] of broken) {
    it(`seed with ${replace} -> ${expected}`, async () => {
      const text = readFixture(SEED_TOML).replace(find, replace);
      assert.notEqual(text, readFixture(SEED_TOML), 'fixture changed: edit not applied');
      const diagnostics = await server.open(`file:///virtual/broken${++n}.toml`, 'toml', text);
      assert.ok(diagnostics.map(where).includes(expected), `${expected} not in ${JSON.stringify(diagnostics.map(where))}`);
    });
  }

  it('a non-rule TOML or JSON file gets nothing', async () => {
    assert.deepEqual(await server.open('file:///virtual/pyproject.toml', 'toml', '[tool.poetry]\nname = "x"\n'), []);
    assert.deepEqual(await server.open('file:///virtual/package.json', 'json', '{"name": "x", "query": 1}'), []);
  });
});

describe('editor features over LSP', () => {
  // [text with | cursor, a label the completion list must contain]
  const completions: [string, string][] = [
    ['any where event.|', 'action'],
    ['any where aws.cloudtrail.|', 'user_identity'],
    ['any where event.provider == "rds.amazonaws.com" and event.action in ("|', 'RestoreDBInstanceFromS3'],
  ];
  for (const [input, label] of completions) {
    it(`completion ${JSON.stringify(input)} offers ${label}`, async () => {
      const { uri, position } = await openAt('eql', input);
      const list = await server.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
      const labels = (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : ''));
      assert.ok(labels.some((l) => l === label || l.endsWith(`.${label}`)), `${label} not in ${labels.slice(0, 30).join(', ')}`);
    });
  }

  it('completion inside the rule TOML query', async () => {
    const text = readFixture(SEED_TOML).replace('and event.outcome == "success"', 'and event.|outcome == "success"');
    const { uri, position } = await openAt('toml', text);
    const list = await server.request<CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
    assert.ok((list?.items ?? []).some((i) => i.label === 'outcome' || i.label === 'event.outcome'));
  });

  // [text with | cursor, text the hover must contain]
  const hovers: [string, RegExp][] = [
    ['any where event.ac|tion == "x"', /event\.action/],
    ['any where startsW|ith(user.name, "a")', /startsWith/i],
  ];
  for (const [input, re] of hovers) {
    it(`hover ${JSON.stringify(input)}`, async () => {
      const { uri, position } = await openAt('eql', input);
      const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
      const value = hover && typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : JSON.stringify(hover?.contents);
      assert.match(value ?? '', re);
    });
  }

  it('hover on an ATT&CK technique id in the rule', async () => {
    const text = readFixture(SEED_TOML).replace('id = "T1578.002"', 'id = "T1578.0|02"');
    const { uri, position } = await openAt('toml', text);
    const hover = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    assert.match(JSON.stringify(hover?.contents ?? ''), /Create Cloud Instance/);
  });

  // [text with | cursor, function label, active parameter]
  const signatures: [string, RegExp, number][] = [
    ['any where cidrMatch(source.ip, |', /cidrMatch/, 1],
    ['any where substring(|', /substring/, 0],
  ];
  for (const [input, re, active] of signatures) {
    it(`signature help ${JSON.stringify(input)}`, async () => {
      const { uri, position } = await openAt('eql', input);
      const help = await server.request<SignatureHelp | null>('textDocument/signatureHelp', { textDocument: { uri }, position });
      assert.ok(help && help.signatures.length > 0, 'no signature help');
      assert.match(help.signatures[help.activeSignature ?? 0].label, re);
      assert.equal(help.activeParameter ?? help.signatures[0].activeParameter, active);
    });
  }

  it('formatting a .eql query, idempotent', async () => {
    const { uri, text } = await openAt('eql', 'any   where  event.action=="x"   and user.name : "a*"|');
    const edits = await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const once = applyEdits(text, edits);
    assert.equal(once, 'any where event.action == "x" and user.name : "a*"');
    await server.open(uri, 'eql', once);
    assert.deepEqual(await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  });

  it('formatting a rule TOML changes only the query', async () => {
    const original = readFixture(SEED_TOML);
    const messy = original.replace('and event.outcome == "success"', 'and    event.outcome=="success"');
    const { uri } = await openAt('toml', messy + '|');
    const edits = await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const formatted = applyEdits(messy, edits);
    const outside = (t: string) => t.replace(/query = '''[\s\S]*?'''/, '');
    assert.equal(outside(formatted), outside(original));
    assert.match(formatted, /\n {2}and event\.outcome == "success"\n'''/);
  });

  it('formatting leaves a query with syntax errors alone', async () => {
    const { uri } = await openAt('eql', 'any where (event.action == |');
    assert.deepEqual(await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  });

  it('folding: sequence steps and rule tables', async () => {
    const { uri } = await openAt('eql', 'sequence by user.name with maxspan=5m\n  [any where\n    event.action == "a"]\n  [any where\n    event.action == "b"]\n|');
    const ranges = await server.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(ranges.map((r) => `${r.startLine}-${r.endLine}`), ['1-2', '3-4']);
    const toml = await openAt('toml', readFixture(SEED_TOML) + '|');
    const tomlRanges = await server.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: toml.uri } });
    assert.ok(tomlRanges.some((r) => r.startLine === 6), 'no fold for [rule]');
  });

  it('document symbols: the rule and its query', async () => {
    const { uri } = await openAt('toml', readFixture(SEED_TOML) + '|');
    const symbols = await server.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const names = JSON.stringify(symbols.map(function flat(s: DocumentSymbol): unknown[] {
      return [s.name, ...(s.children ?? []).flatMap(flat)];
    }));
    assert.match(names, /metadata/);
    assert.match(names, /query|any/);
  });

  it('semantic tokens: known and unknown fields, functions', async () => {
    const { uri } = await openAt('eql', 'any where event.action == "x" and event.nope == "y" and length(user.name) > 1|');
    const tokens = await server.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const decoded: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      decoded.push(`${line}:${char}+${len}:${['property', 'function', 'enumMember'][type]}${mods & 2 ? ':unknown' : ''}`);
    }
    assert.deepEqual(decoded, ['0:10+12:property', '0:34+10:property:unknown', '0:56+6:function', '0:63+9:property']);
  });

  it('code lens: one run lens per query with [uri, regionIndex]', async () => {
    const { uri } = await openAt('toml', readFixture(SEED_TOML) + '|');
    const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].command?.command, 'eqlRuleStudio.runRule');
    assert.deepEqual(lenses[0].command?.arguments, [uri, 0]);
    assert.match(lenses[0].command?.title ?? '', /^▶ Run on samples/);
    assert.equal(lenses[0].range.start.line, readFixture(SEED_TOML).split('\n').findIndex((l) => l.startsWith('any where')));
  });
});

describe('run requests over LSP', () => {
  let run: RunRuleResult;
  before(async () => {
    const uri = fixtureUri(SEED_TOML);
    await server.open(uri, 'eql-rule-toml', readFixture(SEED_TOML));
    run = await server.request<RunRuleResult>('eql/runRule', { uri, regionIndex: 0, samples: [join(ROOT, 'test-fixtures/samples/cloudtrail')] });
  });

  it('eql/runRule on the bundled CloudTrail samples returns exactly the expected matches, in order', () => {
    const ids = run.matches.map((m) => (m.events[0].doc as { event?: { id?: string } }).event?.id);
    assert.deepEqual(ids, EXPECTED.matches.map((m) => m.eventID));
    assert.equal(run.kind, 'event');
    assert.equal(run.source, 'AWS RDS DB Instance Restored');
    assert.deepEqual({ events: run.stats.events, files: run.stats.files, matched: run.stats.matched }, { events: EXPECTED.events, files: EXPECTED.filesWithEvents, matched: EXPECTED.matches.length });
    assert.deepEqual(run.queryErrors, []);
    assert.deepEqual(run.fields, ['event.dataset', 'event.provider', 'event.action', 'event.outcome']);
    assert.ok(run.fieldPresence.every((p) => p.present > 0 && p.present <= run.stats.events));
    const first = run.matches[0].events[0];
    assert.ok(first.file?.endsWith('.json') && (first.line ?? 0) > 0 && first.raw, 'event keeps file, line and raw record');
  });

  it('eql/explainEvent: a match is true, a non-match shows the false clause', async () => {
    const matched = await server.request<ExplainEventResult>('eql/explainEvent', { runId: run.runId, eventId: run.matches[0].events[0].id });
    assert.equal(matched.steps[0].matched, true);
    const search = await server.request<SearchEventsResult>('eql/searchEvents', { runId: run.runId, text: EXPECTED.mustNotMatch[0].eventID, limit: 5 });
    assert.equal(search.total, 1);
    const missed = await server.request<ExplainEventResult>('eql/explainEvent', { runId: run.runId, eventId: search.events[0].id });
    assert.equal(missed.steps[0].matched, false);
    assert.equal(missed.steps[0].tree.value, 'false');
  });

  it('eql/searchEvents counts every event for an empty search, limited list', async () => {
    const all = await server.request<SearchEventsResult>('eql/searchEvents', { runId: run.runId, text: '', limit: 3 });
    assert.equal(all.total, EXPECTED.events);
    assert.equal(all.events.length, 3);
  });

  it('a query error comes back in queryErrors with its host position, nothing run', async () => {
    const { uri } = await openAt('eql', 'any where (event.action == |');
    const bad = await server.request<RunRuleResult>('eql/runRule', { uri, samples: [join(ROOT, 'test-fixtures/samples/cloudtrail')] });
    assert.equal(bad.matches.length, 0);
    assert.equal(bad.queryErrors[0]?.line, 1);
    assert.equal(bad.stats.events, 0);
  });

  // Last: it replaces the seed rule's run the tests above ask about.
  it('eql/explainEvent on a sequence says what the next step lacked and names the join key', async () => {
    const uri = fixtureUri('test-fixtures/rules/sequence_rule.toml');
    await server.open(uri, 'eql-rule-toml', readFixture('test-fixtures/rules/sequence_rule.toml'));
    const seq = await server.request<RunRuleResult>('eql/runRule', { uri, regionIndex: 0, samples: [join(ROOT, 'test-fixtures/samples/cloudtrail')] });
    const found = await server.request<SearchEventsResult>('eql/searchEvents', { runId: seq.runId, text: 'CreateAccessKey', limit: 5 });
    const why = await server.request<ExplainEventResult>('eql/explainEvent', { runId: seq.runId, eventId: found.events[0].id });
    assert.deepEqual(why.joinFields, ['user.name']);
    const text = (why.reasons ?? []).map((r) => r.text).join('\n');
    assert.match(text, /no AssumeRole \(step 2\) with user\.name = "mallory" within 30m after this event/);
    assert.match(text, /with another key \(e\.g\. user\.name = "bob\.backup"\)/);
  });

  it('an unknown run id is an error, not a crash', async () => {
    await assert.rejects(server.request('eql/explainEvent', { runId: 'nope', eventId: 0 }));
    const { diagnostics } = await openAt('eql', 'any where true|');
    assert.deepEqual(diagnostics, []);
  });
});
