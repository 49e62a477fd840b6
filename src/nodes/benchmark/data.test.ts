import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessCheckMetas, DEFINITIONS } from '../../access/index.js';
import { CheckCatalog } from '../../core/catalog.js';
import { nodeBenchmarkCheckMetas } from './catalog.js';
import { BENCHMARKS, NODE_CHECKS, VERSION_TABLE } from './data.js';

const SECTIONS = ['1.1', '1.2', '1.3', '1.4', '2', '3.1', '3.2', '4.1', '4.2', '4.3'];
const SECTION_COUNTS: Record<string, number> = { '1.1': 21, '1.2': 30, '1.3': 7, '1.4': 2, '2': 7, '3.1': 3, '3.2': 2, '4.1': 10, '4.3': 1 };

test('every shipped benchmark lists every recommendation of sections 1.1–4.3 with all fields', () => {
  assert.deepEqual(BENCHMARKS.map((b) => b.id), ['cis-1.12', 'cis-1.11']);
  for (const b of BENCHMARKS) {
    const ids = b.recommendations.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, `${b.id}: ids unique`);
    for (const [section, count] of Object.entries(SECTION_COUNTS)) {
      assert.equal(b.recommendations.filter((r) => r.section === section).length, count, `${b.id} section ${section}`);
    }
    assert.equal(b.recommendations.filter((r) => r.section === '4.2').length, b.id === 'cis-1.11' ? 15 : 14);
    for (const r of b.recommendations) {
      assert.ok(SECTIONS.includes(r.section), r.id);
      assert.ok(r.id.startsWith(r.section === '2' ? '2.' : `${r.section}.`), `${r.id} in ${r.section}`);
      for (const field of ['title', 'audit', 'expected', 'remediation'] as const) assert.ok(r[field].length > 0, `${b.id} ${r.id} ${field}`);
      assert.ok(['automated', 'manual'].includes(r.assessment));
      assert.equal(typeof r.scored, 'boolean');
      assert.ok(['file', 'flag', 'kubelet', 'proxy', 'manual'].includes(r.evaluation.kind));
    }
  }
});

test('benchmark facts: modes, owners and assessments as the CIS text gives them', () => {
  const b = BENCHMARKS[0]!;
  const rec = (id: string) => b.recommendations.find((r) => r.id === id)!;
  const file = (id: string) => rec(id).evaluation as { maxMode?: string; owner?: string };
  assert.equal(file('1.1.1').maxMode, '600');
  assert.equal(file('1.1.2').owner, 'root:root');
  assert.equal(file('1.1.11').maxMode, '700');
  assert.equal(file('1.1.12').owner, 'etcd:etcd');
  assert.equal(file('1.1.20').maxMode, '644');
  assert.equal(file('1.1.21').maxMode, '600');
  assert.equal(file('4.1.7').maxMode, '644');
  for (const id of ['1.1.9', '1.1.10', '1.1.20', '1.1.21', '1.2.1', '1.2.3', '1.2.27', '1.2.28', '4.1.3', '4.2.4', '4.2.5', '4.2.7', '4.2.14', '3.2.1']) {
    assert.equal(rec(id).assessment, 'manual', id);
    assert.equal(rec(id).scored, false, id);
  }
  for (const id of ['1.1.1', '1.2.2', '2.1', '4.1.1', '4.2.1', '4.2.10', '4.3.1']) assert.equal(rec(id).assessment, 'automated', id);
});

test('each flag recommendation maps to existing KW-API checks of the same CIS id and component', () => {
  const byId = new Map(DEFINITIONS.checks.map((c) => [c.id, c]));
  for (const b of BENCHMARKS) {
    for (const r of b.recommendations) {
      if (r.evaluation.kind !== 'flag') continue;
      for (const id of r.evaluation.checks) {
        const def = byId.get(id);
        assert.ok(def, `${b.id} ${r.id} → ${id} exists`);
        assert.equal(def!.cis, r.id, `${id} encodes CIS ${r.id}`);
        if (def!.component !== 'encryption-configuration') assert.equal(def!.component, r.evaluation.component);
      }
    }
  }
  const mapped = BENCHMARKS[0]!.recommendations.flatMap((r) => (r.evaluation.kind === 'flag' ? r.evaluation.checks : []));
  // every KW-API check with a CIS id is used; KW-API-031 (insecure port) is kubeward's own addition
  assert.deepEqual(DEFINITIONS.checks.filter((c) => c.cis !== null && !mapped.includes(c.id)).map((c) => c.id), []);
});

test('KW-NODE checks: one per non-flag recommendation, unique, in the catalog with CIS aliases', () => {
  const catalog = new CheckCatalog([...nodeBenchmarkCheckMetas(), ...accessCheckMetas()]);
  for (const b of BENCHMARKS) {
    const used = b.recommendations.flatMap((r) => (r.evaluation.kind === 'flag' ? [] : [r.evaluation.checkId]));
    assert.equal(new Set(used).size, used.length, `${b.id}: one check per recommendation`);
    for (const r of b.recommendations) {
      if (r.evaluation.kind === 'flag') continue;
      const meta = catalog.get(r.evaluation.checkId)!;
      assert.ok(meta.aliases.some((a) => a.framework === 'CIS' && a.id === r.id), `${meta.id} aliases CIS ${r.id}`);
      assert.equal(meta.category, 'nodes');
    }
  }
  assert.equal(nodeBenchmarkCheckMetas().length, NODE_CHECKS.length);
  assert.deepEqual(catalog.byAlias('KCV', 'KCV-0079').map((c) => c.id), ['KW-NODE-036']);
  assert.deepEqual(catalog.byAlias('CIS', '4.2.15').map((c) => c.id), ['KW-NODE-050']);
});

test('version table: shipped benchmarks exist and the upstream mapping covers 1.15–1.34', () => {
  for (const s of VERSION_TABLE.shipped) assert.ok(BENCHMARKS.some((b) => b.id === s.id && b.version === s.version));
  const map = VERSION_TABLE.versionMapping.map;
  for (let minor = 15; minor <= 34; minor++) assert.ok(map[`1.${minor}`], `1.${minor}`);
  assert.equal(map['1.24'], 'cis-1.24');
  assert.equal(map['1.28'], 'cis-1.10');
});
