// The editor's run on the real path: the bundled language server over stdio, eql/runRule with the partialResultToken
// the extension sends, on BENCH_EVENTS (default 200,000) generated raw CloudTrail records in 200 `{"Records":[…]}`
// files (scripts/lib/generate-cloudtrail.ts, as engine.ts and manyRules.ts). Prints, per run, the time from the
// request to the first rows the panel receives ($/progress) and to the complete result, for the seed rule and for
// `any where true`. Usage: npm run build && node --import tsx scripts/bench/firstRows.ts
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import type { RunRuleResult } from '../../server/src/protocol';
import { RunRuleRowsProgress } from '../../server/src/protocol';
import { writeRecordsFolder } from '../lib/generate-cloudtrail';
import { median } from '../lib/stats';
import { TestServer } from '../../test/lsp/harness';

const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const FILES = 200;
const work = join(tmpdir(), `eql-bench-many-${N}`);
const SEED = join(__dirname, '..', '..', 'test-fixtures', 'rules', 'aws_rds_db_instance_restored.toml');

function prepare(): Promise<string> {
  return writeRecordsFolder(join(work, 'records'), N, FILES);
}


async function main(): Promise<void> {
  const records = await prepare();
  const mb = readdirSync(records).reduce((n, f) => n + statSync(join(records, f)).size, 0) / 1e6;
  const workspace = join(work, 'workspace');
  mkdirSync(workspace, { recursive: true });
  const server = new TestServer({ workspaceFolder: workspace });
  await server.initialize();
  console.log(`data: ${N.toLocaleString('en-US')} raw CloudTrail records in ${FILES} files (${mb.toFixed(0)} MB); load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const anyUri = 'file:///virtual/any.eql';
  await server.open(anyUri, 'eql', 'any where true');
  for (const [label, uri] of [['seed rule (TOML)', pathToFileURL(SEED).toString()], ['any where true', anyUri]] as const) {
    const first: number[] = [];
    const done: number[] = [];
    let rowsSeen = 0;
    let matched = 0;
    for (let r = 0; r < RUNS; r++) {
      const token = `rows-${label}-${r}`;
      let firstAt: number | undefined;
      const t0 = performance.now();
      const sub = server.connection.onProgress(RunRuleRowsProgress, token, (v) => {
        firstAt ??= performance.now() - t0;
        rowsSeen = v.matches.length;
      });
      const result = (await server.connection.sendRequest('eql/runRule', { uri, samples: [records], partialResultToken: token })) as RunRuleResult;
      done.push(performance.now() - t0);
      sub.dispose();
      first.push(firstAt ?? Number.NaN);
      matched = result.stats.matched;
    }
    console.log(
      `${label.padEnd(18)} first rows in the panel: median ${median(first).toFixed(0)} ms (${first.map((x) => x.toFixed(0)).join(', ')}); complete result: median ${median(done).toFixed(0)} ms (${done.map((x) => x.toFixed(0)).join(', ')}); ${matched.toLocaleString('en-US')} matches, ${rowsSeen} rows in the last partial`,
    );
  }
  await server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
