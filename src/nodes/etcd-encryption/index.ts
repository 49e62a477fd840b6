export { checkEtcdEncryption, endpointUrl, prefixRangeEnd, registryPrefix, MAX_EXAMPLES, type EtcdEncryptionOptions, type EtcdEncryptionReport, type EtcdResource, type ProviderCount, type ResourceEncryption } from './check.js';
export { classifyBase64, classifyPrefix, type ValueClass } from './classify.js';
export { analyzeEncryptionConfig, compareWithConfig, PROVIDER_ADVICE, type EncryptionConfigAnalysis, type EncryptionMismatch, type MismatchKind, type ResourcePlan } from './config.js';
export { defaultsFromNode, type EtcdConnectionDefaults } from './defaults.js';
export { etcdEncryptionCheckMetas, etcdEncryptionFindings, renderEtcdEncryptionTable, ETCD_PLAINTEXT, ETCD_WEAK_PROVIDER } from './findings.js';
