import type { Evidence } from '../../core/finding.js';
import type { FileEntry } from '../model.js';
import allowlist from './setuid-allowlist.json' with { type: 'json' };
import { UNUSUAL_SETUID, WORLD_WRITABLE } from './meta.js';
import { fileEvidence, imageFinding, plural } from './finding.js';
import { basename, dirname, found, isRegular, nothing, octal, type CheckOutput, type ImageCheckContext } from './context.js';

// KW-IMG-004 (setuid/setgid files beyond the usual ones) and KW-IMG-005 (world-writable files in
// system directories), read from the final filesystem's modes.

const PROGRAM_DIRS = new Set(allowlist.programDirs);
const PROGRAMS = new Set(allowlist.programs);
const HELPERS = new Set(allowlist.helpers);
const HELPER_DIRS = allowlist.helperDirs.map((d) => `${d}/`);

/** Whether a setuid/setgid file is one distributions ship on purpose (setuid-allowlist.json). */
export function isUsualSetuid(path: string): boolean {
  const name = basename(path);
  if (PROGRAMS.has(name) && PROGRAM_DIRS.has(dirname(path))) return true;
  return HELPERS.has(name) && HELPER_DIRS.some((d) => path.startsWith(d));
}

/** Executable regular files with the setuid or setgid bit (setgid without execute is mandatory locking, not privilege). */
export function isPrivilegedExecutable(entry: FileEntry): boolean {
  return isRegular(entry) && (entry.mode & 0o6000) !== 0 && (entry.mode & 0o111) !== 0;
}

const layerOf = (e: FileEntry): string => `layer ${e.layerIndex} (${e.layerDigest})`;

function bitsOf(entry: FileEntry): string {
  const bits = [(entry.mode & 0o4000) !== 0 ? `setuid (uid ${entry.uid})` : '', (entry.mode & 0o2000) !== 0 ? `setgid (gid ${entry.gid})` : ''];
  return bits.filter(Boolean).join(' and ');
}

const sortedEntries = (ctx: ImageCheckContext, keep: (e: FileEntry) => boolean): FileEntry[] =>
  [...ctx.files.values()].filter(keep).sort((a, b) => a.path.localeCompare(b.path));

export function unusualSetuid(ctx: ImageCheckContext): CheckOutput {
  const files = sortedEntries(ctx, (e) => isPrivilegedExecutable(e) && !isUsualSetuid(e.path));
  if (files.length === 0) return nothing();
  const evidence: Evidence[] = files.map((e) => fileEvidence(e.path, `${e.path} is ${bitsOf(e)}, mode ${octal(e.mode)}, written by ${layerOf(e)}`,
    { value: { mode: octal(e.mode), uid: e.uid, gid: e.gid, layerDigest: e.layerDigest } }));
  return found(imageFinding(UNUSUAL_SETUID, ctx,
    `${ctx.image.reference} has ${plural(files.length, 'unexpected setuid/setgid executable')}: ${files.slice(0, 5).map((e) => e.path).join(', ')}${files.length > 5 ? ', …' : ''}.`, evidence));
}

/** The directories KW-IMG-005 looks in: programs, libraries, configuration, boot files and add-on software. */
export const SYSTEM_DIRS = ['bin', 'sbin', 'usr', 'lib', 'lib32', 'lib64', 'libx32', 'etc', 'boot', 'opt'] as const;

const inSystemDir = (path: string): boolean => SYSTEM_DIRS.some((d) => path === d || path.startsWith(`${d}/`));

/** World-writable regular files, and world-writable directories without the sticky bit; symlinks never count. */
export function isWorldWritable(entry: FileEntry): boolean {
  if ((entry.mode & 0o002) === 0) return false;
  if (isRegular(entry)) return true;
  return entry.type === 'dir' && (entry.mode & 0o1000) === 0;
}

export function worldWritable(ctx: ImageCheckContext): CheckOutput {
  const entries = sortedEntries(ctx, (e) => inSystemDir(e.path) && isWorldWritable(e));
  if (entries.length === 0) return nothing();
  const evidence = entries.map((e) => fileEvidence(e.path,
    `${e.type === 'dir' ? 'directory' : 'file'} ${e.path} is writable by every user (mode ${octal(e.mode)}${e.type === 'dir' ? ', no sticky bit' : ''}), written by ${layerOf(e)}`,
    { value: { mode: octal(e.mode), type: e.type, layerDigest: e.layerDigest } }));
  return found(imageFinding(WORLD_WRITABLE, ctx,
    `${ctx.image.reference} has ${plural(entries.length, 'world-writable path')} in system directories: ${entries.slice(0, 5).map((e) => e.path).join(', ')}${entries.length > 5 ? ', …' : ''}.`, evidence));
}
