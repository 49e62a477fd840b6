import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGroup, parsePasswd, parseShadow, type PasswordState } from '../../images/checks/accounts/index.js';
import type { BlockDevice, MountInfo, NodeAccount } from '../model.js';

// Host facts: mounts (/proc/<pid>/mountinfo), block devices (/sys), CPU flags, kernel command
// line, and the node's accounts (/etc/passwd, /etc/shadow, /etc/group). Parsers are pure.

/** proc(5) escapes space, tab, newline and backslash in mountinfo paths as `\040`, `\011`, `\012`, `\134`. */
export function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * proc(5) mountinfo: `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
 * Optional fields run up to `-`; options are the per-mount ones then the super-block ones not
 * already listed. A bad line becomes a problem naming the file and line.
 */
export function parseMountinfo(text: string, file: string): { mounts: MountInfo[]; problems: string[] } {
  const mounts: MountInfo[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const fields = line.split(' ');
    const dash = fields.indexOf('-', 6);
    if (dash === -1 || dash + 2 >= fields.length) {
      problems.push(`${file}:${index + 1}: not a mountinfo line`);
      return;
    }
    const perMount = fields[5]!.split(',');
    const superOptions = (fields[dash + 3] ?? '').split(',').filter((o) => o !== '');
    const options = [...perMount, ...superOptions.filter((o) => !perMount.includes(o))];
    mounts.push({
      mountPoint: unescapeOctal(fields[4]!),
      options,
      fsType: unescapeOctal(fields[dash + 1]!),
      source: unescapeOctal(fields[dash + 2]!),
      device: fields[2]!,
    });
  });
  return { mounts, problems };
}

/** The mounts as the node's init sees them (`<proc>/1/mountinfo`), else as this process sees them. */
export function readMounts(proc: string, notes: string[]): MountInfo[] {
  for (const file of [path.join(proc, '1', 'mountinfo'), path.join(proc, 'self', 'mountinfo')]) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const { mounts, problems } = parseMountinfo(text, file);
    notes.push(...problems);
    return mounts;
  }
  notes.push(`${proc}: no readable mountinfo (1/mountinfo, self/mountinfo)`);
  return [];
}

const readTrimmed = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Block devices from `<sys>/class/block` (or `<sys>/block`): `dev`, `dm/uuid`, `slaves/`. */
export function readBlockDevices(sys: string, notes: string[]): BlockDevice[] {
  for (const dir of [path.join(sys, 'class', 'block'), path.join(sys, 'block')]) {
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    return names.flatMap((name) => {
      const base = path.join(dir, name);
      const device = readTrimmed(path.join(base, 'dev'));
      if (device === undefined) return [];
      const dmUuid = readTrimmed(path.join(base, 'dm', 'uuid'));
      let slaves: string[] = [];
      try {
        slaves = fs.readdirSync(path.join(base, 'slaves')).sort();
      } catch {
        slaves = []; // partitions and plain disks have no slaves directory
      }
      return [{ name, device, ...(dmUuid ? { dmUuid } : {}), slaves }];
    });
  }
  notes.push(`${sys}: no block devices readable (class/block, block)`);
  return [];
}

/** Flags of the first CPU in /proc/cpuinfo (`flags` on x86, `Features` on arm64). */
export function parseCpuFlags(cpuinfo: string): string[] {
  const line = /^(?:flags|Features)\s*:(.*)$/m.exec(cpuinfo);
  return line ? line[1]!.trim().split(/\s+/).filter((f) => f !== '') : [];
}

const PASSWORD: Record<PasswordState, NodeAccount['password'] | undefined> = { empty: 'empty', locked: 'locked', set: 'set', shadowed: undefined };

/** Accounts of passwd with their password state: passwd's own field, or shadow's for `x`. */
export function nodeAccounts(passwd: { path: string; text: string }, shadow: { path: string; text: string } | undefined): { accounts: NodeAccount[]; problems: string[] } {
  const users = parsePasswd(passwd.path, passwd.text.split('\n'));
  const shadowed = shadow ? parseShadow(shadow.path, shadow.text.split('\n')) : undefined;
  const byName = new Map((shadowed?.items ?? []).map((s) => [s.name, s]));
  const accounts = users.items.map((u): NodeAccount => {
    const inPasswd = PASSWORD[u.password];
    const entry = byName.get(u.name);
    const password = inPasswd ?? (entry ? PASSWORD[entry.password] ?? 'locked' : 'unknown');
    const source = inPasswd === undefined && entry && shadow ? `${passwd.path}:${u.line}, ${shadow.path}:${entry.line}` : `${passwd.path}:${u.line}`;
    return { name: u.name, uid: u.uid, gid: u.gid, ...(u.shell !== '' ? { shell: u.shell } : {}), password, source };
  });
  return { accounts, problems: [...users.errors, ...(shadowed?.errors ?? [])] };
}

/** gid → group name from /etc/group. */
export function nodeGroups(group: { path: string; text: string } | undefined): { groups: Map<number, string>; problems: string[] } {
  if (!group) return { groups: new Map(), problems: [] };
  const parsed = parseGroup(group.path, group.text.split('\n'));
  const groups = new Map<number, string>();
  for (const g of parsed.items) if (!groups.has(g.gid)) groups.set(g.gid, g.name); // the first entry wins, as getgrgid
  return { groups, problems: parsed.errors };
}
