import type { Readable } from 'node:stream';
import { readLines } from '../../secrets/lines.js';
import type { Cataloger, CollectedFile, FileEntry } from '../../model.js';
import {
  isIncludedSudoersName, parseGroup, parsePasswd, parseShadow, parseSudoers,
  type AccountLine, type GroupEntry, type PasswdAccount, type SudoNoPasswordRule,
} from './parse.js';

// The accounts cataloger: reads etc/passwd, etc/shadow, etc/group and the sudoers files, and keeps
// what the account checks need (never a password hash). It contributes no packages.

export type AccountsExtract =
  | { file: 'passwd'; accounts: PasswdAccount[]; errors: string[] }
  | { file: 'shadow'; accounts: AccountLine[]; errors: string[] }
  | { file: 'group'; groups: GroupEntry[]; errors: string[] }
  | { file: 'sudoers'; rules: SudoNoPasswordRule[]; errors: string[] };

/** Account files larger than this are not read. */
export const MAX_ACCOUNT_FILE_BYTES = 4 * 1024 * 1024;

type AccountFile = AccountsExtract['file'];

function accountFileKind(path: string): AccountFile | undefined {
  switch (path) {
    case 'etc/passwd': return 'passwd';
    case 'etc/shadow': return 'shadow';
    case 'etc/group': return 'group';
    case 'etc/sudoers': return 'sudoers';
    default: {
      const name = path.startsWith('etc/sudoers.d/') ? path.slice('etc/sudoers.d/'.length) : undefined;
      return name !== undefined && !name.includes('/') && isIncludedSudoersName(name) ? 'sudoers' : undefined;
    }
  }
}

export function wantsAccountFile(entry: FileEntry): boolean {
  return entry.type === 'file' && entry.size <= MAX_ACCOUNT_FILE_BYTES && accountFileKind(entry.path) !== undefined;
}

/** Parses one account file's content. */
export async function readAccountFile(path: string, content: Readable): Promise<AccountsExtract | undefined> {
  const kind = accountFileKind(path);
  if (kind === undefined) { content.destroy(); return undefined; }
  const lines: string[] = [];
  const read = await readLines(content, (text) => { lines.push(text); });
  const binaryErrors = read.binary ? [`${path}: binary content (NUL byte), not read`] : [];
  switch (kind) {
    case 'passwd': { const p = parsePasswd(path, lines); return { file: kind, accounts: p.items, errors: [...binaryErrors, ...p.errors] }; }
    case 'shadow': { const p = parseShadow(path, lines); return { file: kind, accounts: p.items, errors: [...binaryErrors, ...p.errors] }; }
    case 'group': { const p = parseGroup(path, lines); return { file: kind, groups: p.items, errors: [...binaryErrors, ...p.errors] }; }
    case 'sudoers': return { file: kind, rules: parseSudoers(lines), errors: binaryErrors };
  }
}

export function accountsCataloger(): Cataloger<AccountsExtract> {
  return {
    name: 'accounts',
    wants: wantsAccountFile,
    read: (entry, content) => readAccountFile(entry.path, content),
    finish: (collected) => ({ packages: [], notes: collected.flatMap((c) => c.data.errors) }),
  };
}

/** The account files of an image, as the analyzer reads them. */
export interface ImageAccounts {
  passwd?: CollectedFile<Extract<AccountsExtract, { file: 'passwd' }>>;
  shadow?: CollectedFile<Extract<AccountsExtract, { file: 'shadow' }>>;
  group?: CollectedFile<Extract<AccountsExtract, { file: 'group' }>>;
  sudoers: CollectedFile<Extract<AccountsExtract, { file: 'sudoers' }>>[];
}

const isExtract = (data: unknown): data is AccountsExtract =>
  typeof data === 'object' && data !== null && ['passwd', 'shadow', 'group', 'sudoers'].includes((data as { file?: unknown }).file as string);

/** Sorts the accounts cataloger's collected extracts by file (anything else is ignored). */
export function accountsOf(collected: readonly CollectedFile[]): ImageAccounts {
  const out: ImageAccounts = { sudoers: [] };
  for (const item of collected) {
    const data = item.data;
    if (!isExtract(data)) continue;
    if (data.file === 'passwd') out.passwd = { entry: item.entry, data };
    else if (data.file === 'shadow') out.shadow = { entry: item.entry, data };
    else if (data.file === 'group') out.group = { entry: item.entry, data };
    else out.sudoers.push({ entry: item.entry, data });
  }
  out.sudoers.sort((a, b) => a.entry.path.localeCompare(b.entry.path));
  return out;
}
