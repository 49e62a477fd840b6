import { alias, kubescapeDoc, type CheckMeta } from '../../core/catalog.js';
import { BENCHMARKS, NODE_CHECKS, type NodeCheckDefinition, type Recommendation } from './data.js';

// Catalog entries of the node benchmark checks (KW-NODE-001…): one stable id per file, kubelet,
// kube-proxy or manual recommendation, whatever number a benchmark version gives it. The CIS
// aliases are collected from every shipped benchmark.

const CIS_DOC = 'https://www.cisecurity.org/benchmark/kubernetes';

/** The recommendations (newest benchmark first) that a check reports. */
function recommendationsOf(id: string): { benchmark: string; rec: Recommendation }[] {
  return BENCHMARKS.flatMap((b) => b.recommendations.filter((r) => 'checkId' in r.evaluation && r.evaluation.checkId === id).map((rec) => ({ benchmark: `${b.id}`, rec })));
}

function metaOf(def: NodeCheckDefinition): CheckMeta {
  const recs = recommendationsOf(def.id);
  const newest = recs[0]?.rec;
  const cisIds = [...new Set(recs.map((r) => r.rec.id))];
  const where = [...new Set(recs.map((r) => `${r.benchmark} ${r.rec.id}`))].join(', ');
  const manual = newest?.assessment === 'manual'
    ? ` The benchmark marks it Manual: a value known to be wrong is reported, otherwise the node report lists it as manual with what was seen. ${newest.check ?? ''}`
    : '';
  const references = [CIS_DOC, ...(def.kubescape ? [kubescapeDoc(def.kubescape)] : [])];
  return {
    id: def.id,
    title: def.title,
    severity: def.severity,
    category: 'nodes',
    description: newest ? `${newest.title}: checks ${newest.audit}; expected ${newest.expected} (${where}).${manual}` : def.title,
    rationale: def.rationale,
    remediation: newest?.remediation ?? '',
    references,
    aliases: [...alias.cis(...cisIds), ...alias.kcv(...def.kcv), ...(def.kubescape ? alias.kubescape(def.kubescape) : [])],
  };
}

const METAS = new Map(NODE_CHECKS.map((def) => [def.id, metaOf(def)]));

/** Catalog entries of every KW-NODE benchmark check, in id order. */
export function nodeBenchmarkCheckMetas(): CheckMeta[] {
  return [...METAS.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export function nodeCheckMeta(id: string): CheckMeta | undefined {
  return METAS.get(id);
}
