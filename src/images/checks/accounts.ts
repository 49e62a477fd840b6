import type { Evidence } from '../../core/finding.js';
import type { AccountLine, ImageAccounts } from './accounts/index.js';
import { EMPTY_PASSWORD_ACCOUNTS, ROOT_WITHOUT_PASSWORD, SUDO_NOPASSWD_ALL } from './meta.js';
import { fileEvidence, imageFinding, plural } from './finding.js';
import { found, isRegular, nothing, notEvaluated, type CheckOutput, type ImageCheckContext } from './context.js';

// KW-IMG-002, KW-IMG-003 (accounts without a password) and KW-IMG-014 (sudo NOPASSWD: ALL).

/** An account whose effective password field is empty, with the line that says so. */
export interface PasswordlessAccount {
  name: string;
  uid?: number;
  file: string;
  entry: AccountLine;
}

/**
 * Accounts that log in without a password. The passwd field decides unless it is `x`, in which
 * case the shadow entry does (as pam_unix reads them). Without etc/passwd, shadow entries count
 * alone and only `root` is known to be uid 0.
 */
export function passwordlessAccounts(accounts: ImageAccounts): PasswordlessAccount[] {
  const shadowPath = accounts.shadow?.entry.path ?? 'etc/shadow';
  const shadowByName = new Map((accounts.shadow?.data.accounts ?? []).map((a) => [a.name, a]));
  if (!accounts.passwd) {
    return [...shadowByName.values()].filter((a) => a.password === 'empty')
      .map((a) => ({ name: a.name, ...(a.name === 'root' ? { uid: 0 } : {}), file: shadowPath, entry: a }));
  }
  const passwdPath = accounts.passwd.entry.path;
  return accounts.passwd.data.accounts.flatMap((account): PasswordlessAccount[] => {
    if (account.password === 'empty') return [{ name: account.name, uid: account.uid, file: passwdPath, entry: account }];
    if (account.password !== 'shadowed') return [];
    const shadow = shadowByName.get(account.name);
    return shadow?.password === 'empty' ? [{ name: account.name, uid: account.uid, file: shadowPath, entry: shadow }] : [];
  });
}

const isRootAccount = (a: PasswordlessAccount): boolean => a.uid === 0 || (a.uid === undefined && a.name === 'root');

function evidenceOf(a: PasswordlessAccount): Evidence {
  const uid = a.uid === undefined ? '' : ` (uid ${a.uid})`;
  return fileEvidence(a.file, `${a.file} gives ${a.name}${uid} an empty password field`, { line: a.entry.line, value: a.entry.masked });
}

const ACCOUNTS_NOT_READ = 'the image\'s account files were not read';

export function rootWithoutPassword(ctx: ImageCheckContext): CheckOutput {
  if (!ctx.accounts) return notEvaluated(ROOT_WITHOUT_PASSWORD.id, ACCOUNTS_NOT_READ);
  const roots = passwordlessAccounts(ctx.accounts).filter(isRootAccount);
  if (roots.length === 0) return nothing();
  const names = roots.map((r) => r.name).join(', ');
  return found(imageFinding(ROOT_WITHOUT_PASSWORD, ctx,
    `Root account ${names} of ${ctx.image.reference} has an empty password: anyone can become root with su.`, roots.map(evidenceOf)));
}

export function emptyPasswordAccounts(ctx: ImageCheckContext): CheckOutput {
  if (!ctx.accounts) return notEvaluated(EMPTY_PASSWORD_ACCOUNTS.id, ACCOUNTS_NOT_READ);
  const others = passwordlessAccounts(ctx.accounts).filter((a) => !isRootAccount(a));
  if (others.length === 0) return nothing();
  return found(imageFinding(EMPTY_PASSWORD_ACCOUNTS, ctx,
    `${plural(others.length, 'account')} of ${ctx.image.reference} have an empty password: ${others.map((a) => a.name).join(', ')}.`, others.map(evidenceOf)));
}

const SUDO_BINARIES = ['usr/bin/sudo', 'bin/sudo', 'usr/local/bin/sudo'];

/** Whether sudo is installed: a package named sudo or a sudo binary. */
function sudoInstalled(ctx: ImageCheckContext): string | undefined {
  const pkg = ctx.packages.find((p) => p.name === 'sudo' || p.name === 'sudo-rs');
  if (pkg) return `package ${pkg.name} ${pkg.version}`;
  const file = SUDO_BINARIES.find((path) => { const e = ctx.files.get(path); return e !== undefined && isRegular(e); });
  return file === undefined ? undefined : `file ${file}`;
}

export function sudoNoPasswordAll(ctx: ImageCheckContext): CheckOutput {
  if (!ctx.accounts) return notEvaluated(SUDO_NOPASSWD_ALL.id, ACCOUNTS_NOT_READ);
  const rules = ctx.accounts.sudoers.flatMap((file) => file.data.rules.map((rule) => ({ path: file.entry.path, rule })));
  if (rules.length === 0) return nothing();
  const sudo = sudoInstalled(ctx);
  if (sudo === undefined) return nothing();
  const evidence = rules.map(({ path, rule }) =>
    fileEvidence(path, `${path} lets ${rule.who} run every command as root without a password (sudo: ${sudo})`, { line: rule.line, value: rule.text }));
  return found(imageFinding(SUDO_NOPASSWD_ALL, ctx,
    `sudo is installed in ${ctx.image.reference} and ${rules.map((r) => r.rule.who).join(', ')} may run any command as root without a password.`, evidence));
}
