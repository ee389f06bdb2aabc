// Connections to Elasticsearch / Kibana: the profile store (settings + SecretStorage).
export { ConnectionStore, connectionStore, CLUSTERS_SETTING } from './store';
export type { ConnectionProfile, ConnectionSecret, ConnectionAuth } from '../../../server/src/core/connections/profile';
