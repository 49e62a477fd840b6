/**
 * Golden comparison against netpol-analyzer's connlist outputs.
 * Usage: node --import tsx bench/netpol-golden.ts CORPUS_DIR [--verbose] [--case NAME]
 * CORPUS_DIR holds tests/<case>/ (manifests) and expected/<case>_connlist_output.txt.
 *
 * Compares meaning: the set of `src => dst : conns` lines, after normalizing external IP ranges on both sides
 * (adjacent ranges with the same peer, direction and connections are merged), since how the address space is cut
 * into lines is presentation, not meaning.
 *
 * Cases are classified: in scope (NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, workloads, and
 * Kubernetes Ingress exposure as `{ingress-controller}` lines) or out of scope, with the reason: OpenShift Routes,
 * (C)UDN / NetworkAttachmentDefinition networks, KubeVirt virtual machines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadInventory } from '../src/inventory/index.js';
import { computeConnectivity, formatConnectivity, formatRange, type IpRange } from '../src/network/netpol/index.js';
import { parseAddress } from '../src/network/netpol/ip.js';

const OUT_OF_SCOPE_KINDS: Record<string, string> = {
  Route: 'OpenShift Route',
  UserDefinedNetwork: 'UDN network',
  ClusterUserDefinedNetwork: 'CUDN network',
  NetworkAttachmentDefinition: 'NAD network',
  VirtualMachine: 'virtual machine',
  VirtualMachineInstance: 'virtual machine',
};

/** Why a case is out of scope, or undefined when it is in scope. */
function outOfScope(kinds: Set<string>, expected: string[]): string | undefined {
  const reasons = new Set<string>();
  for (const k of kinds) if (OUT_OF_SCOPE_KINDS[k]) reasons.add(OUT_OF_SCOPE_KINDS[k]!);
  if (expected.some((l) => l.includes('[udn]') || l.includes('[cudn]') || l.startsWith('Permitted connectivity analyzed in'))) reasons.add('UDN network');
  if (expected.some((l) => /\[(VirtualMachine|VirtualMachineInstance)\]/.test(l))) reasons.add('virtual machine');
  return reasons.size ? [...reasons].sort().join(', ') : undefined;
}

const EXTERNAL = /^(\S+)-(\S+)\[External\]$/;

function parseExternal(id: string): IpRange | undefined {
  const m = EXTERNAL.exec(id);
  if (!m) return undefined;
  const lo = parseAddress(m[1]!);
  const hi = parseAddress(m[2]!);
  if (!lo || !hi || lo.family !== hi.family) return undefined;
  return { family: lo.family, lo: lo.value, hi: hi.value };
}

/** Merge adjacent or overlapping external ranges that share the other endpoint, the direction and the connections. */
export function normalizeLines(lines: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const groups = new Map<string, IpRange[]>();
  for (const line of lines) {
    const m = /^(.*) => (.*) : (.*)$/.exec(line);
    const src = m ? parseExternal(m[1]!) : undefined;
    const dst = m ? parseExternal(m[2]!) : undefined;
    if (!m || (!src && !dst) || (src && dst)) {
      out.add(line);
      continue;
    }
    const key = src ? `in\u0000${m[2]}\u0000${m[3]}` : `out\u0000${m[1]}\u0000${m[3]}`;
    const list = groups.get(key) ?? [];
    list.push((src ?? dst)!);
    groups.set(key, list);
  }
  for (const [key, ranges] of groups) {
    const [dir, peer, conns] = key.split('\u0000') as [string, string, string];
    ranges.sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    const merged: IpRange[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && last.family === r.family && r.lo <= last.hi + 1n) {
        if (r.hi > last.hi) last.hi = r.hi;
      } else merged.push({ ...r });
    }
    for (const r of merged) {
      const ext = `${formatRange(r)}[External]`;
      out.add(dir === 'in' ? `${ext} => ${peer} : ${conns}` : `${peer} => ${ext} : ${conns}`);
    }
  }
  return out;
}

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
  let inScope = 0;
  let inScopeAgree = 0;
  let linesExpected = 0;
  let linesMatched = 0;
  const failures: string[] = [];
  const outList: string[] = [];
  for (const name of cases) {
    const rawExpected = readFileSync(path.join(corpus, 'expected', `${name}_connlist_output.txt`), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const expected = normalizeLines(rawExpected);
    let actual: Set<string>;
    let reason: string | undefined;
    try {
      const loaded = await loadInventory([path.join(corpus, 'tests', name)]);
      reason = outOfScope(new Set(loaded.inventory.objects.map((o) => o.kind)), rawExpected);
      const result = computeConnectivity(loaded.inventory, { hostNetworkAsPod: true });
      actual = normalizeLines(formatConnectivity(result, 'txt').split('\n').filter(Boolean));
    } catch (error) {
      if (!reason) inScope++;
      failures.push(`${name}${reason ? ` [out of scope: ${reason}]` : ''}: crashed: ${(error as Error).message}`);
      continue;
    }
    if (reason) outList.push(`${name}: ${reason}`);
    else inScope++;
    const missing = [...expected].filter((l) => !actual.has(l));
    const extra = [...actual].filter((l) => !expected.has(l));
    linesExpected += expected.size;
    linesMatched += expected.size - missing.length;
    if (!missing.length && !extra.length) {
      agree++;
      if (!reason) inScopeAgree++;
      continue;
    }
    const show = verbose ? Infinity : 4;
    failures.push([`${name}${reason ? ` [out of scope: ${reason}]` : ''}: ${missing.length} missing, ${extra.length} extra`, ...missing.slice(0, show).map((l) => `  - ${l}`), ...extra.slice(0, show).map((l) => `  + ${l}`)].join('\n'));
  }
  for (const f of failures) process.stdout.write(`${f}\n`);
  if (verbose && outList.length) process.stdout.write(`\nout of scope:\n${outList.map((l) => `  ${l}`).join('\n')}\n`);
  const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
  process.stdout.write(`\nagreement: ${agree}/${cases.length} cases (${pct(agree, cases.length)}), expected lines produced: ${linesMatched}/${linesExpected} (external ranges normalized)\n`);
  process.stdout.write(`in-scope agreement: ${inScopeAgree}/${inScope} cases (${pct(inScopeAgree, inScope)}); out of scope: ${cases.length - inScope} cases\n`);
}

await main();
