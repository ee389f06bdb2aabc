// Shared by the cluster tests: the test Elasticsearch loaded with the seed rule's samples
// (normalized ECS documents, as Compare with Cluster indexes them).
import { join } from 'node:path';
import { readSampleFiles } from '../../server/src/io/readSamples';
import type { SampleEvent } from '../../server/src/core/samples/types';
import { ROOT } from '../lsp/harness';
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
