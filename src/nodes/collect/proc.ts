import * as fs from 'node:fs';
import * as path from 'node:path';
import { NODE_COMPONENTS, type ComponentInstance, type NodeComponent, type ProcessInfo } from '../model.js';

// Processes from /proc: every numeric directory's cmdline (NUL-separated; empty for kernel
// threads), and the environment of the Kubernetes components (etcd reads ETCD_* variables).
// Other processes' environments are not kept: they often hold secrets, and no check reads them.

/** `/proc/<pid>/cmdline` bytes → argv. A trailing NUL ends the last argument; empty → kernel thread. */
export function parseCmdline(raw: string): string[] {
  if (raw === '') return [];
  const parts = raw.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** `/proc/<pid>/environ` bytes → variables (entries without `=` are skipped). */
export function parseEnviron(raw: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of raw.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** hyperkube's subcommands, old and new names. */
const HYPERKUBE: Readonly<Record<string, NodeComponent>> = {
  apiserver: 'kube-apiserver', 'kube-apiserver': 'kube-apiserver',
  'controller-manager': 'kube-controller-manager', 'kube-controller-manager': 'kube-controller-manager',
  scheduler: 'kube-scheduler', 'kube-scheduler': 'kube-scheduler',
  kubelet: 'kubelet', proxy: 'kube-proxy', 'kube-proxy': 'kube-proxy',
};

/** The component a command line runs, by the basename of argv[0] (`etcdctl` and the like are not components). */
export function componentOfArgv(argv: readonly string[]): NodeComponent | undefined {
  const program = argv[0];
  if (program === undefined) return undefined;
  const name = path.posix.basename(program);
  if ((NODE_COMPONENTS as readonly string[]).includes(name)) return name as NodeComponent;
  if (name === 'hyperkube' && argv[1] !== undefined) return HYPERKUBE[argv[1]];
  return undefined;
}

export interface ProcessScan {
  processes: ProcessInfo[];
  /** Processes whose environ could not be read (permission denied is normal without CAP_SYS_PTRACE). */
  environDenied: number;
  notes: string[];
}

/** Reads every process under `proc`. Processes that exit meanwhile are skipped silently. */
export function readProcesses(proc: string): ProcessScan {
  const out: ProcessScan = { processes: [], environDenied: 0, notes: [] };
  let entries: string[];
  try {
    entries = fs.readdirSync(proc);
  } catch (err) {
    out.notes.push(`${proc}: cannot list processes (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    return out;
  }
  let unreadable = 0;
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const source = path.join(proc, name, 'cmdline');
    let argv: string[];
    try {
      argv = parseCmdline(fs.readFileSync(source, 'latin1'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') unreadable++;
      continue;
    }
    if (argv.length === 0) continue; // kernel thread (or a zombie)
    const info: ProcessInfo = { pid: Number(name), argv: argv.map(fromLatin1), source };
    if (componentOfArgv(info.argv) !== undefined) {
      try {
        info.env = parseEnviron(fromLatin1(fs.readFileSync(path.join(proc, name, 'environ'), 'latin1')));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EPERM') out.environDenied++;
      }
    }
    out.processes.push(info);
  }
  out.processes.sort((a, b) => a.pid - b.pid);
  if (unreadable > 0) out.notes.push(`${proc}: the command line of ${unreadable} process(es) could not be read`);
  if (out.environDenied > 0) out.notes.push(`${proc}: the environment of ${out.environDenied} component process(es) could not be read (permission denied); ETCD_* variables of those are unknown`);
  return out;
}

/** Bytes were read as latin1 so NULs split cleanly; decode each piece as UTF-8. */
const fromLatin1 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** The components among the processes, with the process's argv and environment. */
export function componentsFromProcesses(processes: readonly ProcessInfo[]): ComponentInstance[] {
  const out: ComponentInstance[] = [];
  for (const p of processes) {
    const component = componentOfArgv(p.argv);
    if (component) out.push({ component, from: 'process', argv: p.argv, env: p.env ?? {}, source: p.source, pid: p.pid });
  }
  return out;
}
