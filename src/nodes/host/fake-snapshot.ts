import picomatch from 'picomatch';
import type { FileFacts, FileWithParents, NodeSnapshot, NodeTextFile } from '../model.js';

// An in-memory NodeSnapshot for tests of the checks that read snapshots: paths map to text and
// facts; every directory above a listed path exists implicitly (root-owned, 0755).

export interface FakeFile {
  /** Content; absent = the path exists but cannot be read as text (a binary, a directory). */
  text?: string;
  facts?: Partial<Omit<FileFacts, 'path'>>;
}

const DIR_FACTS = { type: 'dir', mode: 0o755, uid: 0, gid: 0, user: 'root', group: 'root' } as const;
const FILE_FACTS = { type: 'file', mode: 0o644, uid: 0, gid: 0, user: 'root', group: 'root' } as const;

function parentsOf(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}

/** A snapshot over `files` (a string is the file's text); `over` replaces any other field. */
export function fakeSnapshot(files: Record<string, FakeFile | string> = {}, over: Partial<NodeSnapshot> = {}): NodeSnapshot {
  const entries = new Map(Object.entries(files).map(([path, f]) => [path, typeof f === 'string' ? { text: f } : f]));
  const dirs = new Set<string>(['/']);
  for (const path of entries.keys()) for (const dir of parentsOf(path)) dirs.add(dir);

  const factsOf = (path: string): FileFacts | undefined => {
    const entry = entries.get(path);
    if (entry) return { path, ...(dirs.has(path) ? DIR_FACTS : FILE_FACTS), ...entry.facts };
    return dirs.has(path) ? { path, ...DIR_FACTS } : undefined;
  };
  const stat = (path: string): FileWithParents | undefined => {
    const file = factsOf(path);
    if (!file) return undefined;
    return { file, parents: path === '/' ? [] : ['/', ...parentsOf(path)].map((p) => factsOf(p)!) };
  };
  const readText = (path: string): NodeTextFile | undefined => {
    const entry = entries.get(path);
    return entry?.text === undefined ? undefined : { path, text: entry.text, facts: factsOf(path)! };
  };
  const glob = (pattern: string): string[] => {
    const isMatch = picomatch(pattern, { dot: true });
    return [...new Set([...entries.keys(), ...dirs])].filter((p) => isMatch(p)).sort();
  };

  return {
    hostname: 'node-1', root: '/', proc: '/proc', processes: [], components: [], staticPods: [],
    accounts: [], groups: new Map(), mounts: [], blockDevices: [], cpuFlags: [], kernelCmdline: '', notes: [],
    stat, readText, glob,
    ...over,
  };
}
