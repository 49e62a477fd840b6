export { AdvisoryStore, AdvisoryStoreError, isNotOlder } from './store.js';
export type { SourceRecord, StoreStatus, UpsertResult } from './store.js';
export { baseEcosystem, nameKey } from '../names.js';
export { SCHEMA_VERSION } from './schema.js';
