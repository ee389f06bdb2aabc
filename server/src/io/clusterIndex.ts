// Writing the sample events to an index for Compare with Cluster: the index is created with a
// mapping from our field catalogs, the normalized ECS documents are bulk-indexed with ids
// `s<seq>` (so each match can be paired with the local one). Shared by the CLI and the editor.
import type { Client } from '@elastic/elasticsearch';
import { sampleDocId } from '../core/cluster/compare';
import { mappingForDocuments } from '../core/cluster/mapping';
import type { SampleEvent } from '../core/samples/types';
import { createNodeCatalogRegistry } from './catalogData';
import { ClusterError } from './cluster';

/** Creates the index with a mapping from our field catalogs and bulk-indexes the samples (ids s<seq>). */
export async function loadIndex(client: Client, index: string, samples: SampleEvent[], replace: boolean): Promise<void> {
  if (await client.indices.exists({ index })) {
    if (!replace) throw new ClusterError(`the index "${index}" exists; pass --replace to delete and recreate it (its documents are lost), or choose another --index`, 'other');
    await client.indices.delete({ index });
  }
  const schemas = createNodeCatalogRegistry().schemasFor(undefined, ['ecs', 'aws.cloudtrail']);
  await client.indices.create({ index, mappings: mappingForDocuments(samples.map((s) => s.doc), (n) => schemas.fieldType(n)) as never });
  for (let i = 0; i < samples.length; i += 1000) {
    const operations = samples.slice(i, i + 1000).flatMap((s) => [{ index: { _index: index, _id: sampleDocId(s.seq) } }, s.doc]);
    const r = await client.bulk({ operations, refresh: i + 1000 >= samples.length ? 'wait_for' : false });
    if (r.errors) {
      const bad = r.items.map((it) => Object.values(it)[0]).find((x) => x?.error);
      throw new ClusterError(`indexing the samples failed: ${bad?.error?.type ?? 'error'}: ${bad?.error?.reason ?? ''}`, 'other');
    }
  }
}
