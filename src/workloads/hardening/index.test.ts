import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CheckCatalog } from '../../core/catalog.js';
import { EXPOSURE_CHECKS } from '../exposure/index.js';
import { HARDENING_CHECKS } from './index.js';

const expectedIds = Array.from({ length: 25 }, (_, i) => `KW-WL-${String(20 + i).padStart(3, '0')}`);

test('HARDENING_CHECKS holds exactly KW-WL-020 … KW-WL-044, in id order', () => {
  assert.deepEqual(HARDENING_CHECKS.map((c) => c.meta.id), expectedIds);
});

test('every hardening and exposure check is a complete catalog entry', () => {
  const all = [...HARDENING_CHECKS, ...EXPOSURE_CHECKS];
  const catalog = new CheckCatalog(all.map((c) => c.meta)); // throws on malformed or duplicate ids
  assert.equal(catalog.all().length, all.length);
  for (const { meta } of all) {
    for (const field of ['title', 'description', 'rationale', 'remediation'] as const) assert.ok(meta[field].length > 10, `${meta.id} ${field}`);
    assert.ok(meta.references.length > 0 && meta.references.every((r) => /^https:\/\//.test(r)), `${meta.id} references`);
    const seen = new Set(meta.aliases.map((a) => `${a.framework} ${a.id}`));
    assert.equal(seen.size, meta.aliases.length, `${meta.id} has a duplicate alias`);
  }
  const category = (id: string) => catalog.get(id)!.category;
  for (const id of ['KW-NET-001', 'KW-NET-002', 'KW-NET-003', 'KW-NET-004']) assert.equal(category(id), 'network', id);
  assert.equal(category('KW-DEP-001'), 'workloads');
  // the trivy ids users search for lead to these checks
  assert.deepEqual(catalog.byAlias('KSV', 'KSV-0014').map((c) => c.id), ['KW-WL-020']);
  assert.deepEqual(catalog.byAlias('CIS', '5.1.6').map((c) => c.id), ['KW-WL-030']);
});
