import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileFacts, FileWithParents, NodeTextFile } from '../model.js';

// The node's filesystem, read under `root` (`/` on the node, `/host` in a pod). Every path is a
// node path; symlinks are resolved INSIDE the root, the way openat2(RESOLVE_IN_ROOT) does: an
// absolute target starts again at the root and `..` never climbs above it, so a host symlink
// `/etc/kubernetes -> /data/k8s` reads `<root>/data/k8s`, never the scanner pod's own `/data/k8s`.

/** Most symlinks followed while resolving one path (Linux's MAXSYMLINKS). */
export const MAX_SYMLINK_HOPS = 40;
/** Largest text file read. */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

/** A node path resolved inside the root. */
export interface Resolved {
  /** The node path after following every symlink (`/data/k8s/admin.conf`). */
  nodePath: string;
  /** Where it is on the scanner's filesystem (`<root>/data/k8s/admin.conf`). */
  hostPath: string;
}

export type ResolveOutcome = Resolved | { missing: true } | { error: string };

/** Splits a node path into components (no empty ones). */
const components = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');

const hostPathOf = (root: string, parts: readonly string[]): string => (parts.length === 0 ? root : path.join(root, ...parts));

/**
 * Resolves `nodePath` under `root`, following symlinks inside the root (at most 40).
 * Pure with respect to everything but `lstat`/`readlink` on paths under `root`.
 */
export function resolveInRoot(root: string, nodePath: string): ResolveOutcome {
  const done: string[] = [];
  const pending = components(nodePath);
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      done.pop(); // `..` at the root stays at the root
      continue;
    }
    const candidate = hostPathOf(root, [...done, part]);
    let stats: fs.Stats;
    try {
      stats = fs.lstatSync(candidate);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true };
      return { error: `${nodePath}: ${code ?? String(err)}` };
    }
    if (stats.isSymbolicLink()) {
      if (++hops > MAX_SYMLINK_HOPS) return { error: `${nodePath}: more than ${MAX_SYMLINK_HOPS} symbolic links` };
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) done.length = 0;
      pending.unshift(...components(target));
      continue;
    }
    if (pending.length > 0 && !stats.isDirectory()) return { missing: true };
    done.push(part);
  }
  const nodeResolved = `/${done.join('/')}`;
  return { nodePath: nodeResolved, hostPath: hostPathOf(root, done) };
}

const typeOf = (s: fs.Stats): FileFacts['type'] => (s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other');

/** `*` and `?` of one path segment as a regular expression; a leading dot must be matched literally, as in sh. */
export function segmentPattern(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]');
  return new RegExp(`^${segment.startsWith('.') ? '' : '(?!\\.)'}${body}$`);
}

/** The node's filesystem under a root: stat with parents, text files and globs, all cached. */
export class NodeFs {
  private readonly statCache = new Map<string, FileWithParents | undefined>();
  private readonly textCache = new Map<string, NodeTextFile | undefined>();
  private users?: Map<number, string>;
  private groups?: Map<number, string>;

  constructor(
    readonly root: string,
    /** Where problems go (unreadable files…). */
    private readonly notes: string[],
  ) {}

  /** uid → name and gid → name from the NODE's /etc/passwd and /etc/group (never the scanner's). */
  setNames(users: Map<number, string>, groups: Map<number, string>): void {
    this.users = users;
    this.groups = groups;
    this.statCache.clear();
    this.textCache.clear();
  }

  resolve(nodePath: string): Resolved | undefined {
    const outcome = resolveInRoot(this.root, nodePath);
    if ('error' in outcome) {
      this.notes.push(outcome.error);
      return undefined;
    }
    return 'missing' in outcome ? undefined : outcome;
  }

  private facts(nodePath: string, hostPath: string, linkTarget?: string): FileFacts | undefined {
    let s: fs.Stats;
    try {
      s = fs.statSync(hostPath);
    } catch (err) {
      this.notes.push(`${nodePath}: cannot stat (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
    const user = this.users?.get(s.uid);
    const group = this.groups?.get(s.gid);
    return {
      path: nodePath,
      type: linkTarget !== undefined ? 'symlink' : typeOf(s),
      mode: s.mode & 0o7777,
      uid: s.uid,
      gid: s.gid,
      ...(user !== undefined ? { user } : {}),
      ...(group !== undefined ? { group } : {}),
      ...(linkTarget !== undefined ? { linkTarget } : {}),
    };
  }

  /** The file and every directory above where it really lives (`/` first). */
  stat(nodePath: string): FileWithParents | undefined {
    const key = path.posix.normalize(`/${nodePath}`);
    if (this.statCache.has(key)) return this.statCache.get(key);
    const resolved = this.resolve(key);
    let result: FileWithParents | undefined;
    if (resolved) {
      const file = this.facts(key, resolved.hostPath, this.ownLinkTarget(key));
      if (file) {
        const parts = components(resolved.nodePath);
        const parents: FileFacts[] = [];
        for (let i = 0; i < parts.length; i++) {
          const dir = `/${parts.slice(0, i).join('/')}`;
          const facts = this.facts(dir, hostPathOf(this.root, parts.slice(0, i)));
          if (facts) parents.push(facts);
        }
        result = { file, parents };
      }
    }
    this.statCache.set(key, result);
    return result;
  }

  /** What the requested path's last component says when it is itself a symlink. */
  private ownLinkTarget(nodePath: string): string | undefined {
    const parts = components(nodePath);
    if (parts.length === 0) return undefined;
    const parent = this.resolve(`/${parts.slice(0, -1).join('/')}`);
    if (!parent) return undefined;
    try {
      const own = path.join(parent.hostPath, parts[parts.length - 1]!);
      return fs.lstatSync(own).isSymbolicLink() ? fs.readlinkSync(own) : undefined;
    } catch {
      return undefined;
    }
  }

  /** A regular file's text (≤ 4 MiB); undefined when absent, unreadable or too large (noted). */
  readText(nodePath: string): NodeTextFile | undefined {
    const key = path.posix.normalize(`/${nodePath}`);
    if (this.textCache.has(key)) return this.textCache.get(key);
    let result: NodeTextFile | undefined;
    const resolved = this.resolve(key);
    const facts = resolved ? this.stat(key)?.file : undefined;
    if (resolved && facts) {
      result = this.readResolved(key, resolved.hostPath, facts);
    }
    this.textCache.set(key, result);
    return result;
  }

  private readResolved(nodePath: string, hostPath: string, facts: FileFacts): NodeTextFile | undefined {
    try {
      const s = fs.statSync(hostPath);
      if (!s.isFile()) return undefined;
      if (s.size > MAX_TEXT_BYTES) {
        this.notes.push(`${nodePath}: ${s.size} bytes, over the ${MAX_TEXT_BYTES}-byte limit; not read`);
        return undefined;
      }
      return { path: nodePath, text: fs.readFileSync(hostPath, 'utf8'), facts };
    } catch (err) {
      this.notes.push(`${nodePath}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  }

  /** Names in a node directory, sorted; empty when it is absent or not a directory. */
  list(nodeDir: string): string[] {
    const resolved = this.resolve(nodeDir);
    if (!resolved) return [];
    try {
      return fs.readdirSync(resolved.hostPath).sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTDIR') this.notes.push(`${nodeDir}: cannot list (${code ?? String(err)})`);
      return [];
    }
  }

  /** Node paths matching a pattern with `*` and `?` in any segment, sorted. */
  glob(pattern: string): string[] {
    let current = ['/'];
    for (const segment of components(pattern)) {
      const next: string[] = [];
      const wild = /[*?]/.test(segment);
      for (const dir of current) {
        const join = (name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
        if (!wild) {
          if (this.resolve(join(segment))) next.push(join(segment));
          continue;
        }
        const re = segmentPattern(segment);
        for (const name of this.list(dir)) if (re.test(name)) next.push(join(name));
      }
      current = next;
    }
    return current.filter((p) => p !== '/' || pattern === '/').sort();
  }
}
