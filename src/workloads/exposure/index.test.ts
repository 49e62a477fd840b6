import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPOSURE_CHECKS } from './index.js';

test('EXPOSURE_CHECKS holds KW-DEP-001 and KW-NET-001 … KW-NET-004, each reading the kinds it judges', () => {
  assert.deepEqual(EXPOSURE_CHECKS.map((c) => c.meta.id), ['KW-DEP-001', 'KW-NET-001', 'KW-NET-002', 'KW-NET-003', 'KW-NET-004']);
  const kinds = new Map(EXPOSURE_CHECKS.map((c) => [c.meta.id, c.kinds]));
  assert.deepEqual(kinds.get('KW-NET-001'), ['Service']);
  assert.deepEqual(kinds.get('KW-NET-004'), ['Ingress']);
  for (const kind of ['Deployment', 'Ingress', 'CronJob', 'PodSecurityPolicy', 'CustomResourceDefinition']) assert.ok(kinds.get('KW-DEP-001')!.includes(kind), kind);
});
