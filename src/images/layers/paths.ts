import type { FileEntry } from '../model.js';

// Paths inside an image are kept normalised: no leading `/`, no `.`/`..` segments, `` = the root.

/** Symlink hops followed before giving up (Linux's own limit, MAXSYMLINKS). */
const MAX_SYMLINK_HOPS = 40;

export type NormalisedName =
  | { kind: 'ok'; path: string; absolute: boolean }
  | { kind: 'escapes' };

/**
 * Normalises a tar entry name lexically: strips `./` and leading `/` (absolute names are re-rooted)
 * and resolves `.`/`..`. A name whose `..` climbs above the root escapes and must be dropped.
 */
export function normaliseEntryName(name: string): NormalisedName {
  const absolute = name.startsWith('/');
  const out: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return { kind: 'escapes' };
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return { kind: 'ok', path: out.join('/'), absolute };
}

/** True when `path` is `dir` itself or inside it (both normalised; `` is the root). */
export function isPathUnder(path: string, dir: string): boolean {
  if (dir === '') return true;
  return path === dir || (path.length > dir.length && path.startsWith(dir) && path.charCodeAt(dir.length) === 47);
}

/** Parent directory of a normalised path (`` for top-level names). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Last segment of a normalised path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * Looks `path` up in the merged filesystem following symlinks the way the kernel would inside a
 * chroot: absolute targets start at the image root and `..` never climbs above it, so no link can
 * point outside the image. Symlinks in intermediate directories are followed too. Returns the final
 * entry (never a symlink), or undefined for a missing path, a dangling link or more than 40 hops.
 */
export function resolveInRoot(files: ReadonlyMap<string, FileEntry>, path: string): FileEntry | undefined {
  const resolved: string[] = [];
  let pending = segmentsOf(path).reverse(); // a stack: next segment last
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.pop()!;
    if (segment === '..') {
      resolved.pop(); // at the root this is a no-op, as in a chroot
      continue;
    }
    const candidate = resolved.length === 0 ? segment : `${resolved.join('/')}/${segment}`;
    const entry = files.get(candidate);
    if (entry?.type !== 'symlink') {
      resolved.push(segment);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return undefined;
    const target = entry.linkTarget ?? '';
    if (target.startsWith('/')) resolved.length = 0;
    pending = pending.concat(segmentsOf(target).reverse());
  }
  return files.get(resolved.join('/'));
}
