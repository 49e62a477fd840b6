import { DEFINITIONS, parseFlags, type ComponentName } from '../../access/index.js';
import type { Evidence } from '../../core/finding.js';
import type { EffectiveConfig, FileFacts, FileWithParents, NodeSnapshot } from '../model.js';
import type { FileEvaluation, FileSource } from './data.js';

// File checks (CIS 1.1.x, 4.1.x): which files, then their mode, owner, and every directory above
// them. A file is only as safe as its parents: a group- or world-writable directory (without the
// sticky bit) or one owned by another user lets someone replace the file whatever its own mode.

export interface FileOutcome {
  status: 'pass' | 'fail' | 'not-evaluated';
  /** The files examined (the node's paths). */
  files: string[];
  /** One line per problem (file or parent directory). */
  evidence: Evidence[];
  /** What was seen, for manual recommendations and passes. */
  seen: string[];
  reason?: string;
}

/** `0o644` → `0644` (setuid/setgid/sticky in the leading digit, as stat's %a shows them). */
export function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

const ownerOf = (f: FileFacts): string => `${f.user ?? f.uid}:${f.group ?? f.gid}`;
const factsLabel = (f: FileFacts): string => `${octal(f.mode)} ${ownerOf(f)}`;

const CLASSES: [string, number][] = [['owner', 6], ['group', 3], ['other', 0]];
const BITS: [string, number][] = [['read', 4], ['write', 2], ['execute', 1]];

/** Words for permission bits outside the mask: `group/other read`, `group write, other read`, `setuid`. */
export function describeExcess(excess: number): string {
  const parts: string[] = [];
  if (excess & 0o4000) parts.push('setuid');
  if (excess & 0o2000) parts.push('setgid');
  if (excess & 0o1000) parts.push('sticky');
  const byBits = new Map<string, string[]>();
  for (const [who, shift] of CLASSES) {
    const bits = BITS.filter(([, b]) => excess & (b << shift)).map(([name]) => name).join('/');
    if (bits) byBits.set(bits, [...(byBits.get(bits) ?? []), who]);
  }
  for (const [bits, who] of byBits) parts.push(`${who.join('/')} ${bits}`);
  return parts.join(', ');
}

/** Flags of a control-plane component on this node (process first, else static pod), read as its flag library does. */
export function componentFlag(snapshot: NodeSnapshot, component: string, flag: string, env?: string): { value: string; where: string } | undefined {
  const spec = DEFINITIONS.components[component as ComponentName];
  const instances = snapshot.components.filter((c) => c.component === component);
  const ordered = [...instances.filter((c) => c.from === 'process'), ...instances.filter((c) => c.from === 'static-pod')];
  for (const instance of ordered) {
    const parsed = parseFlags(instance.argv.slice(1), {
      style: spec?.flagStyle ?? 'pflag',
      booleans: new Set(spec?.booleanFlags ?? []),
      shorthands: spec?.shorthands ?? {},
      normalizeUnderscores: spec?.normalizeUnderscores ?? true,
    });
    const last = parsed.occurrences.filter((o) => o.name === flag).at(-1);
    if (last && last.value !== '') return { value: last.value, where: `--${flag} of ${component} (${instance.source})` };
    const fromEnv = env ? instance.env[env] : undefined;
    if (fromEnv) return { value: fromEnv, where: `${env} of ${component} (${instance.source})` };
  }
  return undefined;
}

function settingPath(config: EffectiveConfig | undefined, path: string): { value: string; where: string } | undefined {
  const s = config?.settings.get(path);
  return s && typeof s.value === 'string' && s.value !== '' ? { value: s.value, where: `${path} (${s.where})` } : undefined;
}

function flagOnly(config: EffectiveConfig | undefined, flag: string): { value: string; where: string } | undefined {
  const s = config?.flagsOnly.get(flag);
  return s && typeof s.value === 'string' && s.value !== '' ? { value: s.value, where: `--${flag} (${s.where})` } : undefined;
}

/** The static pod manifest of a component: the file its static-pod instance came from, else `<staticPodPath>/<component>.yaml`. */
function staticPodFile(snapshot: NodeSnapshot, component: string): string[] {
  const fromInstance = snapshot.components.find((c) => c.component === component && c.from === 'static-pod');
  if (fromInstance) return [fromInstance.source.replace(/:\d+$/, '')];
  const dir = snapshot.kubelet?.settings.get('staticPodPath')?.value;
  const base = typeof dir === 'string' && dir !== '' ? dir.replace(/\/+$/, '') : '/etc/kubernetes/manifests';
  return [`${base}/${component}.yaml`];
}

interface Resolved {
  paths: string[];
  /** How the paths were found (named in the evidence and reasons). */
  from: string;
  /** True when a flag or setting named the path: a missing file is then worth saying so. */
  named: boolean;
}

/** One source → the paths it names, or undefined when it names none. */
function resolveSource(snapshot: NodeSnapshot, source: FileSource): Resolved | undefined {
  const named = (hit: { value: string; where: string } | undefined, children = false): Resolved | undefined => {
    if (!hit) return undefined;
    const paths = children ? snapshot.glob(`${hit.value.replace(/\/+$/, '')}/*`) : [hit.value];
    return { paths, from: hit.where, named: !children };
  };
  if ('staticPod' in source) return { paths: staticPodFile(snapshot, source.staticPod).filter((p) => snapshot.stat(p)), from: `${source.staticPod} static pod manifest`, named: false };
  if ('componentFlag' in source) return named(componentFlag(snapshot, source.componentFlag.component, source.componentFlag.flag, source.componentFlag.env));
  if ('kubeletFlag' in source) return named(flagOnly(snapshot.kubelet, source.kubeletFlag) ?? settingPath(snapshot.kubelet, source.kubeletFlag), source.children);
  if ('kubeletSetting' in source) return named(settingPath(snapshot.kubelet, source.kubeletSetting));
  if ('proxyFlag' in source) return named(flagOnly(snapshot.kubeProxy, source.proxyFlag));
  if ('proxySetting' in source) return named(settingPath(snapshot.kubeProxy, source.proxySetting));
  if ('kubeletConfigFile' in source) {
    const k = snapshot.kubelet;
    if (!k?.configFile) return undefined;
    return { paths: [k.configFile, ...k.dropIns], from: 'the kubelet\'s --config file and drop-ins', named: true };
  }
  if ('paths' in source) return { paths: source.paths.filter((p) => snapshot.stat(p)), from: source.paths.join(', '), named: false };
  if ('firstOf' in source) return { paths: source.firstOf.filter((p) => snapshot.stat(p)).slice(0, 1), from: source.firstOf.join(', '), named: false };
  return { paths: [...new Set(source.globs.flatMap((g) => snapshot.glob(g)))], from: source.globs.join(', '), named: false };
}

/** The files a check examines: the first source that names a path (or, with `all`, every source). */
export function resolveFiles(snapshot: NodeSnapshot, evaluation: FileEvaluation): Resolved | undefined {
  const found: Resolved[] = [];
  for (const source of evaluation.files.from) {
    const r = resolveSource(snapshot, source);
    if (!r || (r.paths.length === 0 && !r.named)) continue;
    found.push(r);
    if (!evaluation.files.all) break;
  }
  if (found.length === 0) return undefined;
  return { paths: [...new Set(found.flatMap((r) => r.paths))], from: found.map((r) => r.from).join('; '), named: found.some((r) => r.named) };
}

function ownerMatches(f: FileFacts, expected: string): boolean {
  const [user, group] = expected.split(':') as [string, string];
  const userOk = f.user === user || (f.user === undefined && user === 'root' && f.uid === 0);
  const groupOk = f.group === group || (f.group === undefined && group === 'root' && f.gid === 0);
  return userOk && groupOk;
}

/** A directory someone other than root can use to replace what it holds. */
export function parentProblem(dir: FileFacts): string | undefined {
  const sticky = (dir.mode & 0o1000) !== 0;
  const problems: string[] = [];
  if (dir.uid !== 0) problems.push(`owned by ${dir.user ?? `uid ${dir.uid}`}, not root`);
  if (!sticky && dir.mode & 0o020) problems.push(`group-writable (${octal(dir.mode)}, group ${dir.group ?? dir.gid})`);
  if (!sticky && dir.mode & 0o002) problems.push(`world-writable (${octal(dir.mode)})`);
  return problems.length > 0 ? problems.join(' and ') : undefined;
}

function fileEvidence(cis: string, evaluation: FileEvaluation, entry: FileWithParents): Evidence[] {
  const f = entry.file;
  const out: Evidence[] = [];
  const link = f.linkTarget ? ` (symlink to ${f.linkTarget})` : '';
  if (evaluation.maxMode) {
    const max = parseInt(evaluation.maxMode, 8);
    const excess = f.mode & 0o7777 & ~max;
    if (excess) out.push({ path: f.path, value: factsLabel(f), detail: `mode ${octal(f.mode)}${link} allows ${describeExcess(excess)}; CIS ${cis} expects ${evaluation.maxMode} or stricter` });
  }
  if (evaluation.owner && !ownerMatches(f, evaluation.owner)) {
    out.push({ path: f.path, value: factsLabel(f), detail: `owned by ${ownerOf(f)}${link}; CIS ${cis} expects ${evaluation.owner}` });
  }
  return out;
}

/** Evaluates one file recommendation: every file found, and every directory above each. */
export function evaluateFiles(snapshot: NodeSnapshot, cis: string, evaluation: FileEvaluation): FileOutcome {
  const resolved = resolveFiles(snapshot, evaluation);
  if (!resolved) return { status: 'not-evaluated', files: [], evidence: [], seen: [], reason: evaluation.absent };
  const evidence: Evidence[] = [];
  const seen: string[] = [];
  const missing: string[] = [];
  const parentsSeen = new Set<string>();
  for (const path of resolved.paths) {
    const entry = snapshot.stat(path);
    if (!entry) {
      missing.push(path);
      continue;
    }
    seen.push(`${path} ${factsLabel(entry.file)}`);
    evidence.push(...fileEvidence(cis, evaluation, entry));
    for (const dir of entry.parents) {
      if (parentsSeen.has(dir.path)) continue;
      parentsSeen.add(dir.path);
      const problem = parentProblem(dir);
      if (problem) evidence.push({ path: dir.path, value: factsLabel(dir), detail: `parent directory ${dir.path} of ${path} is ${problem}: its owner or group can replace the file whatever the file's own mode (CIS ${cis})` });
    }
  }
  const files = resolved.paths.filter((p) => !missing.includes(p));
  if (files.length === 0) {
    return { status: 'not-evaluated', files, evidence, seen, reason: `${evaluation.absent}: ${missing.join(', ')} (from ${resolved.from}) does not exist` };
  }
  return { status: evidence.length > 0 ? 'fail' : 'pass', files, evidence, seen };
}
