/**
 * `node --import tsx bench/least-privilege.ts`: throughput and memory of `kubeward rbac
 * least-privilege` on generated audit logs (default 200 MB; BENCH_LP_MB=… to change, several
 * sizes comma-separated; BENCH_LP_KEEP=1 keeps the files in the temp directory).
 *
 * The log: Metadata-level audit.k8s.io/v1 events as an API server writes them — RequestReceived
 * and ResponseComplete for every request, ResponseStarted for watches, 60 subjects (controllers,
 * CI users, people), 20 namespaces, 14 resources, 20,000 object names (so name lists overflow),
 * 3 % denied, 2 % non-resource URLs. Each size is read in a child process (the command's own code
 * path, YAML output, with a small RBAC set for the never-used report) that reports its peak RSS
 * and samples RSS every 100 ms — once with Node's default heap settings (V8 collects lazily, so
 * RSS drifts up with the garbage of a long read) and once with a 96 MB V8 heap, which a reader
 * that kept the log could not survive: streaming means that run's peak does not grow with the file.
 * Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reporter = path.join(root, 'bench/rss-reporter.cjs');

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_LP_MB ?? '200').split(',').map(Number);
  const work = await mkdtemp(path.join(tmpdir(), 'kubeward-lp-bench-'));
  try {
    const rbac = path.join(work, 'rbac.yaml');
    await writeFile(rbac, RBAC);
    for (const mb of sizes) {
      const file = path.join(work, `audit-${mb}mb.log`);
      const t0 = Date.now();
      const lines = await generate(file, mb * 1024 * 1024);
      const bytes = (await stat(file)).size;
      process.stdout.write(`generated ${file}: ${(bytes / 1048576).toFixed(0)} MiB, ${lines} lines in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      // default V8 settings, then a 96 MB V8 heap: a reader that kept the log would fail there
      for (const flags of [[], ['--max-old-space-size=96']]) {
        const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', '--require', reporter, fileURLToPath(import.meta.url), '--child', file, rbac], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
        const peak = /KUBEWARD_BENCH maxrss_kb=(\d+) cpu_us=(\d+)/.exec(r.stderr);
        const result = /LP_RESULT (.*)/.exec(r.stdout);
        if (r.status !== 0 || !result || !peak) throw new Error(`child failed (${r.status}): ${r.stderr.slice(-2000)}`);
        const m = JSON.parse(result[1]!) as { ms: number; lines: number; events: number; requests: number; subjects: number; outputBytes: number; rssMb: number[] };
        const s = m.ms / 1000;
        process.stdout.write([
          `  ${flags.length ? flags.join(' ') : 'default V8 heap'}: ${s.toFixed(2)} s, ${Math.round(m.events / s).toLocaleString('en')} events/s (${(bytes / 1048576 / s).toFixed(0)} MiB/s); peak RSS ${(Number(peak[1]) / 1024).toFixed(0)} MB`
            + ` (RSS every 100 ms: min ${Math.min(...m.rssMb).toFixed(0)}, max ${Math.max(...m.rssMb).toFixed(0)} MB)`,
          ...(flags.length ? [] : [`  ${m.events.toLocaleString('en')} events, ${m.requests.toLocaleString('en')} requests, ${m.subjects} subjects; ${(m.outputBytes / 1024).toFixed(0)} KiB of YAML`]),
        ].join('\n') + '\n');
      }
    }
  } finally {
    if (process.env.BENCH_LP_KEEP !== '1') await rm(work, { recursive: true, force: true });
    else process.stdout.write(`kept ${work}\n`);
  }
}

async function child(file: string, rbac: string): Promise<void> {
  // what `kubeward rbac least-privilege --audit-log FILE -f RBAC` does (src/cli/rbac-extra.ts), timed as a whole
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(process.memoryUsage().rss / 1048576), 100);
  const start = performance.now();
  const [{ loadInventory }, { buildRbacIndex }, lp] = await Promise.all([
    import('../src/inventory/index.js'), import('../src/rbac/index.js'), import('../src/rbac/least-privilege/index.js'),
  ]);
  const loaded = await loadInventory([rbac]);
  const report = await lp.analyzeLeastPrivilege({ sources: [{ name: file }], index: buildRbacIndex(loaded.inventory), rbacNames: lp.rbacResourceNames(loaded.inventory) });
  const outputBytes = lp.renderYaml(report).length;
  const ms = performance.now() - start;
  clearInterval(timer);
  samples.push(process.memoryUsage().rss / 1048576);
  if (report.log.errorCount) throw new Error(`${report.log.errorCount} errors`);
  const { lines, events, requests } = report.log;
  process.stdout.write(`LP_RESULT ${JSON.stringify({ ms, lines, events, requests, subjects: report.subjects.length, outputBytes, rssMb: samples })}\n`);
}

// ---------------------------------------------------------------- the generated log

const NAMESPACES = Array.from({ length: 20 }, (_, i) => `team-${i}`);
const RESOURCES: { group: string; resource: string; sub?: string; cluster?: boolean }[] = [
  { group: '', resource: 'pods' }, { group: '', resource: 'pods', sub: 'log' }, { group: '', resource: 'pods', sub: 'exec' },
  { group: '', resource: 'configmaps' }, { group: '', resource: 'secrets' }, { group: '', resource: 'services' },
  { group: '', resource: 'endpoints' }, { group: '', resource: 'events' }, { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'deployments', sub: 'scale' }, { group: 'apps', resource: 'replicasets' },
  { group: 'coordination.k8s.io', resource: 'leases' }, { group: '', resource: 'nodes', cluster: true },
  { group: 'batch', resource: 'jobs' },
];
const SUBJECTS = [
  ...Array.from({ length: 30 }, (_, i) => ({ username: `system:serviceaccount:${NAMESPACES[i % 20]}:controller-${i}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${NAMESPACES[i % 20]}`, 'system:authenticated'] })),
  ...Array.from({ length: 10 }, (_, i) => ({ username: `ci-${i}`, groups: ['ci', 'system:authenticated'] })),
  ...Array.from({ length: 20 }, (_, i) => ({ username: `user${i}@example.com`, groups: ['developers', 'system:authenticated'] })),
];
const VERBS = ['get', 'get', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const URLS = ['/healthz', '/livez', '/readyz', '/metrics', '/version', '/openapi/v3'];

/** A tiny deterministic PRNG (the same log every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(file: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const random = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let written = 0;
  let lines = 0;
  let n = 0;
  let buffer = '';
  const t0 = Date.UTC(2024, 4, 1);
  while (written < targetBytes) {
    n++;
    const subject = SUBJECTS[Math.floor(Math.pow(random(), 2) * SUBJECTS.length)]!; // some subjects much busier
    const id = `${(n * 2654435761 >>> 0).toString(16).padStart(8, '0')}-${(n & 0xffff).toString(16).padStart(4, '0')}-4${(n % 4096).toString(16).padStart(3, '0')}-8000-${n.toString(16).padStart(12, '0')}`;
    const when = new Date(t0 + n * 7).toISOString().replace('Z', '123Z');
    const done = new Date(t0 + n * 7 + 3).toISOString().replace('Z', '456Z');
    const denied = random() < 0.03;
    const base = {
      kind: 'Event', apiVersion: 'audit.k8s.io/v1', level: 'Metadata', auditID: id,
      stage: '', requestURI: '', verb: '',
      user: { username: subject.username, uid: `uid-${subject.username.length}`, groups: subject.groups },
      sourceIPs: [`10.0.${n % 250}.${(n >> 8) % 250}`], userAgent: 'kube-controller/v1.30.1 (linux/amd64) kubernetes/7c50a1b',
    } as Record<string, unknown>;
    let objectRef: Record<string, string> | undefined;
    if (random() < 0.02) {
      base.verb = 'get';
      base.requestURI = pick(URLS);
    } else {
      const r = pick(RESOURCES);
      const verb = r.sub === 'exec' ? 'create' : r.sub === 'log' ? 'get' : pick(VERBS);
      const namespace = r.cluster || (verb === 'list' || verb === 'watch') && random() < 0.3 ? '' : pick(NAMESPACES);
      const name = verb === 'list' || verb === 'watch' ? '' : `${r.resource.slice(0, -1)}-${Math.floor(random() * 20000)}`;
      base.verb = verb;
      const prefix = r.group ? `/apis/${r.group}/v1` : '/api/v1';
      base.requestURI = `${prefix}${namespace ? `/namespaces/${namespace}` : ''}/${r.resource}${name && verb !== 'create' ? `/${name}` : ''}${r.sub ? `/${r.sub}` : ''}${verb === 'watch' ? '?watch=true&resourceVersion=123' : verb === 'list' ? '?limit=500' : ''}`;
      objectRef = { resource: r.resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...(r.group ? { apiGroup: r.group } : {}), apiVersion: 'v1', ...(r.sub ? { subresource: r.sub } : {}) };
    }
    if (objectRef) base.objectRef = objectRef;
    const received = JSON.stringify({ ...base, stage: 'RequestReceived', requestReceivedTimestamp: when, stageTimestamp: when });
    const status = denied ? { metadata: {}, status: 'Failure', message: 'forbidden', reason: 'Forbidden', code: 403 } : { metadata: {}, code: 200 };
    const annotations = { 'authorization.k8s.io/decision': denied ? 'forbid' : 'allow', 'authorization.k8s.io/reason': denied ? '' : `RBAC: allowed by ClusterRoleBinding "b-${subject.username.length}"` };
    const complete = JSON.stringify({ ...base, stage: 'ResponseComplete', responseStatus: status, requestReceivedTimestamp: when, stageTimestamp: done, annotations });
    buffer += `${received}\n`;
    lines++;
    if (base.verb === 'watch') {
      buffer += `${JSON.stringify({ ...base, stage: 'ResponseStarted', responseStatus: status, requestReceivedTimestamp: when, stageTimestamp: when, annotations })}\n`;
      lines++;
    }
    buffer += `${complete}\n`;
    lines++;
    if (buffer.length > 1 << 20) {
      written += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  out.end(buffer);
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
  return lines;
}

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: controllers}
rules:
  - {apiGroups: ["", apps, coordination.k8s.io, batch], resources: ["*"], verbs: ["*"]}
  - {nonResourceURLs: ["*"], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: controllers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: controllers}
subjects: [{kind: Group, name: system:serviceaccounts}, {kind: Group, name: ci}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: developers}
rules:
  - {apiGroups: [""], resources: [pods, pods/log, pods/exec, configmaps, secrets, services], verbs: [get, list, watch, create, delete]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: developers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: developers}
subjects: [{kind: Group, name: developers}]
`;

if (process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else await main();
