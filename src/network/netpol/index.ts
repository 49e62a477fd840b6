export { computeConnectivity, NetpolEngine, type Connectivity, type ConnectivityOptions, type Connection, type ExternalPeer, type Endpoint, type Step } from './engine.js';
export { ConnSet, PROTOCOLS, type Protocol, type PortRange } from './connset.js';
export { formatConnectivity, CONN_FORMATS, type ConnFormat } from './format.js';
export { explainConnection, formatExplanation, type Explanation } from './explain.js';
export type { Workload, Policy, Rule, Peer, PortSpec, NamedPort } from './model.js';
export { parseCidr, formatRange, partition, type IpRange } from './ip.js';
