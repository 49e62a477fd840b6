// Shared by the tests: build an inventory from YAML the way the loader does, and run checks on it.
import type { Finding } from '../src/core/finding.js';
import { Inventory, normalize, parseManifests } from '../src/inventory/index.js';
import { runChecks, type Check } from '../src/workloads/check.js';

export function inventoryFromYaml(text: string, file = 'test.yaml'): Inventory {
  return new Inventory(parseManifests(text, file, 'file').objects.map((o, i) => normalize(o, String(i))));
}

/** Findings of `checks` on the objects of `text`. */
export function findingsOf(text: string, checks: Check | readonly Check[]): Finding[] {
  return runChecks(Array.isArray(checks) ? checks : [checks as Check], { inventory: inventoryFromYaml(text) });
}

/** Strips the common indentation of a template literal, so YAML can be written indented in a test. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
