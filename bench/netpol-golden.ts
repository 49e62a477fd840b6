/**
 * Golden comparison against netpol-analyzer's connlist outputs.
 * Usage: node --import tsx bench/netpol-golden.ts CORPUS_DIR [--verbose]
 * CORPUS_DIR holds tests/<case>/ (manifests) and expected/<case>_connlist_output.txt.
 * Compares meaning: the set of `src => dst : conns` lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadInventory } from '../src/inventory/index.js';
import { computeConnectivity, formatConnectivity } from '../src/network/netpol/index.js';

async function main(): Promise<void> {
  const [corpus, ...flags] = process.argv.slice(2);
  if (!corpus) {
    process.stderr.write('usage: node --import tsx bench/netpol-golden.ts CORPUS_DIR [--verbose] [--case NAME]\n');
    process.exit(2);
  }
  const verbose = flags.includes('--verbose');
  const only = flags.includes('--case') ? flags[flags.indexOf('--case') + 1] : undefined;
  const cases = readdirSync(path.join(corpus, 'tests')).filter((c) => existsSync(path.join(corpus, 'expected', `${c}_connlist_output.txt`))).filter((c) => !only || c === only).sort();
  let agree = 0;
  let linesExpected = 0;
  let linesMatched = 0;
  const failures: string[] = [];
  for (const name of cases) {
    const expected = new Set(readFileSync(path.join(corpus, 'expected', `${name}_connlist_output.txt`), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
    let actual: Set<string>;
    try {
      const loaded = await loadInventory([path.join(corpus, 'tests', name)]);
      const result = computeConnectivity(loaded.inventory, { hostNetworkAsPod: true });
      actual = new Set(formatConnectivity(result, 'txt').split('\n').filter(Boolean));
    } catch (error) {
      failures.push(`${name}: crashed: ${(error as Error).message}`);
      continue;
    }
    const missing = [...expected].filter((l) => !actual.has(l));
    const extra = [...actual].filter((l) => !expected.has(l));
    linesExpected += expected.size;
    linesMatched += expected.size - missing.length;
    if (!missing.length && !extra.length) {
      agree++;
      continue;
    }
    const show = verbose ? Infinity : 4;
    failures.push([`${name}: ${missing.length} missing, ${extra.length} extra`, ...missing.slice(0, show).map((l) => `  - ${l}`), ...extra.slice(0, show).map((l) => `  + ${l}`)].join('\n'));
  }
  for (const f of failures) process.stdout.write(`${f}\n`);
  process.stdout.write(`\nagreement: ${agree}/${cases.length} cases (${((100 * agree) / Math.max(1, cases.length)).toFixed(1)}%), expected lines produced: ${linesMatched}/${linesExpected}\n`);
}

await main();
