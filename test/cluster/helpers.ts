// Shared by the cluster tests: the test Elasticsearch loaded with the seed rule's samples
// (normalized ECS documents, as Compare with Cluster indexes them), and the CLI run as an
// async process so the in-process test server keeps answering.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readSampleFiles } from '../../server/src/io/readSamples';
import type { SampleEvent } from '../../server/src/core/samples/types';
import { ensureBuilt, ROOT } from '../lsp/harness';
import { TestElasticsearch, type TestEsOptions } from '../elasticsearch/server';

export { ROOT };
export const SEED_RULE = 'test-fixtures/rules/aws_rds_db_instance_restored.toml';
export const SEED_SAMPLES = 'test-fixtures/samples/cloudtrail';
export const SEED_INDEX = 'logs-aws.cloudtrail-default';
/** The seed samples' time span lies inside this range. */
export const SEED_FROM = '2024-01-01T00:00:00Z';

export async function seedEvents(): Promise<SampleEvent[]> {
  const events: SampleEvent[] = [];
  await readSampleFiles([join(ROOT, SEED_SAMPLES)], { onEvent: (e) => events.push(e) });
  return events;
}

/** A started test Elasticsearch holding the seed samples in SEED_INDEX. */
export async function seededServer(options: TestEsOptions = {}): Promise<TestElasticsearch> {
  const es = new TestElasticsearch(options);
  es.index(SEED_INDEX, (await seedEvents()).map((e) => e.doc));
  await es.start();
  return es;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let built = false;
/** dist/cli.js as a child process (async: the test server in this process must keep serving). */
export function cliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (!built) {
    ensureBuilt();
    built = true;
  }
  const clean: Record<string, string | undefined> = { ...process.env };
  for (const k of Object.keys(clean)) if (/^(ELASTICSEARCH_|ELASTIC_CLOUD_ID)/.test(k)) delete clean[k];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { cwd: ROOT, env: { ...clean, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
