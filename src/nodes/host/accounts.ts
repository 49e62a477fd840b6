import type { Finding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import { isIncludedSudoersName, parsePasswd, parseShadow, parseSudoers, type SudoNoPasswordRule } from '../../images/checks/accounts/index.js';
import type { NodeAccount, NodeSnapshot } from '../model.js';
import { EMPTY_PASSWORD, EXTRA_UID0, SUDO_NOPASSWD } from './meta.js';
import { fail, hostFinding, nodeEvidence, notEvaluated, pass, plural, type HostOutcome } from './result.js';

// KW-NODE-207 (uid 0 besides root), KW-NODE-208 (empty passwords), KW-NODE-209 (sudo NOPASSWD: ALL).

/** `/etc/passwd:3 and /etc/shadow:3` → the file positions it names. */
export function sourcePositions(source: string): { file: string; line: number }[] {
  return [...source.matchAll(/(\/[^\s:]+):(\d+)/g)].map((m) => ({ file: m[1]!, line: Number(m[2]) }));
}

/** The account's line in `file`, password hash masked (never shown), or undefined when unreadable. */
function maskedLine(snapshot: NodeSnapshot, file: string, line: number): string | undefined {
  const text = snapshot.readText(file)?.text.split('\n')[line - 1];
  if (text === undefined) return undefined;
  const parsed = file.endsWith('shadow') ? parseShadow(file, [text]) : parsePasswd(file, [text]);
  return parsed.items[0]?.masked;
}

function accountEvidence(snapshot: NodeSnapshot, account: NodeAccount, prefer: 'passwd' | 'shadow', detail: string) {
  const positions = sourcePositions(account.source);
  const at = positions.find((p) => p.file.endsWith(prefer)) ?? positions[0] ?? { file: '/etc/passwd', line: undefined };
  const value = at.line === undefined ? undefined : maskedLine(snapshot, at.file, at.line);
  return nodeEvidence(at.file, detail, { value: value ?? `${account.name} (uid ${account.uid})`, ...(at.line === undefined ? {} : { line: at.line }) });
}

export function extraUid0(snapshot: NodeSnapshot): HostOutcome {
  if (snapshot.accounts.length === 0) return notEvaluated('no accounts were read from the node\'s /etc/passwd');
  const extra = snapshot.accounts.filter((a) => a.uid === 0 && a.name !== 'root');
  if (extra.length === 0) return pass(`only root has uid 0 among ${plural(snapshot.accounts.length, 'account')}`);
  return fail(`uid 0 besides root: ${extra.map((a) => a.name).join(', ')}`, extra.map((a) => hostFinding(EXTRA_UID0, snapshot,
    `Account ${a.name} on node ${snapshot.hostname} has uid 0: it is root under another name.`,
    [accountEvidence(snapshot, a, 'passwd', `${a.name} has uid 0`)],
    { remediation: `Remove the account (\`userdel ${a.name}\`) or give it an unused uid (\`usermod -u <uid> ${a.name}\`).` })));
}

export function emptyPasswords(snapshot: NodeSnapshot): HostOutcome {
  if (snapshot.accounts.length === 0) return notEvaluated('no accounts were read from the node\'s /etc/passwd');
  const empty = snapshot.accounts.filter((a) => a.password === 'empty');
  const unknown = snapshot.accounts.filter((a) => a.password === 'unknown');
  if (empty.length === 0 && unknown.length === snapshot.accounts.length) return notEvaluated('no password state is known: /etc/shadow was not readable');
  if (empty.length === 0) {
    const note = unknown.length ? `; no shadow entry for ${unknown.map((a) => a.name).join(', ')}` : '';
    return pass(`no account has an empty password among ${plural(snapshot.accounts.length - unknown.length, 'account')}${note}`);
  }
  return fail(`empty password: ${empty.map((a) => a.name).join(', ')}`, empty.map((a) => hostFinding(EMPTY_PASSWORD, snapshot,
    `Account ${a.name} (uid ${a.uid}) on node ${snapshot.hostname} has an empty password: it logs in without one.`,
    [accountEvidence(snapshot, a, 'shadow', `the password field of ${a.name} is empty`)],
    { severity: a.uid === 0 ? 'critical' : EMPTY_PASSWORD.severity, remediation: `Lock the password: \`passwd -l ${a.name}\` (or \`usermod -p '*' ${a.name}\`).` })));
}

const SUDO_BINARIES = ['/usr/bin/sudo', '/bin/sudo', '/usr/sbin/sudo', '/usr/local/bin/sudo'];
const SUDOERS = '/etc/sudoers';
const MAX_INCLUDE_DEPTH = 16;
/** `@include FILE`, `#include FILE`, `@includedir DIR`, `#includedir DIR` (`# include` is a comment). */
const INCLUDE = /^\s*[@#](include|includedir)\s+(?:"([^"]+)"|(\S+))\s*$/;

export interface SudoersFile { path: string; lines: string[] }

/** /etc/sudoers and the files it includes, in the order sudo reads them; problems for unreadable ones. */
export function readSudoers(snapshot: NodeSnapshot): { files: SudoersFile[]; problems: string[] } {
  const files: SudoersFile[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const read = (path: string, depth: number, from: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = snapshot.readText(path)?.text;
    if (text === undefined) { if (snapshot.stat(path)) problems.push(`${path} (${from}) could not be read`); return; }
    const lines = text.split('\n');
    files.push({ path, lines });
    lines.forEach((line, index) => {
      const m = INCLUDE.exec(line);
      if (!m) return;
      if (depth >= MAX_INCLUDE_DEPTH) { problems.push(`${path}:${index + 1}: includes nested deeper than ${MAX_INCLUDE_DEPTH}, not followed`); return; }
      const given = m[2] ?? m[3]!;
      // sudo ≥ 1.9.1 resolves relative paths against the including file's directory.
      const target = given.startsWith('/') ? given : `${path.slice(0, path.lastIndexOf('/'))}/${given}`;
      if (m[1] === 'include') { read(target, depth + 1, `${path}:${index + 1}`); return; }
      const names = snapshot.glob(`${target}/*`).filter((p) => isIncludedSudoersName(p.slice(target.length + 1)) && snapshot.stat(p)?.file.type === 'file');
      for (const name of names) read(name, depth + 1, `${path}:${index + 1}`);
    });
  };
  read(SUDOERS, 0, 'main file');
  return { files, problems };
}

type Who = { kind: 'all' | 'group' | 'user'; severity: Severity; label: string };

/** Who a rule is for: ALL users (high), a %group or User_Alias (medium), or single users (low). */
export function ruleAudience(who: string): Who {
  const names = who.split(',').map((n) => n.trim());
  if (names.includes('ALL')) return { kind: 'all', severity: 'high', label: 'ALL users' };
  const group = names.find((n) => n.startsWith('%') || /^[A-Z][A-Z0-9_]*$/.test(n));
  if (group) return { kind: 'group', severity: 'medium', label: group.startsWith('%') ? `group ${group.slice(1)}` : `User_Alias ${group}` };
  return { kind: 'user', severity: 'low', label: `user ${names.join(', ')}` };
}

const withoutNopasswd = (rule: string): string => rule.replace(/\bNOPASSWD\s*:\s*/, '');

export function sudoNoPassword(snapshot: NodeSnapshot): HostOutcome {
  const binary = SUDO_BINARIES.find((b) => snapshot.stat(b));
  const { files, problems } = readSudoers(snapshot);
  if (files.length === 0) {
    if (snapshot.stat(SUDOERS)) return notEvaluated(`${SUDOERS} exists but could not be read`);
    return pass(binary ? `sudo is installed (${binary}) but ${SUDOERS} does not exist: sudo grants nothing` : 'sudo is not installed: no sudo binary and no /etc/sudoers');
  }
  const rules: { file: string; rule: SudoNoPasswordRule }[] = files.flatMap((f) => parseSudoers(f.lines).map((rule) => ({ file: f.path, rule })));
  const read = `${plural(files.length, 'sudoers file')} read`;
  if (rules.length === 0) {
    return problems.length ? notEvaluated(`no NOPASSWD: ALL rule in the ${read}, but ${problems.join('; ')}`) : pass(`no rule grants ALL commands with NOPASSWD (${read})`);
  }
  if (!binary) return pass(`${plural(rules.length, 'NOPASSWD: ALL rule')} in sudoers, but no sudo binary (${SUDO_BINARIES.join(', ')}) is installed`);
  const findings: Finding[] = rules.map(({ file, rule }) => {
    const who = ruleAudience(rule.who);
    return hostFinding(SUDO_NOPASSWD, snapshot,
      `sudo on node ${snapshot.hostname} lets ${who.label} run every command as root without a password (${file}:${rule.line}).`,
      [nodeEvidence(file, `${who.label} may run ALL commands as root with NOPASSWD`, { value: rule.text, line: rule.line })],
      { severity: who.severity, remediation: `Change line ${rule.line} of ${file} to \`${withoutNopasswd(rule.text)}\` (sudo then asks for the password), or limit the rule to the commands needed; check with \`visudo -c\`.` });
  });
  return fail(rules.map(({ file, rule }) => `${rule.who} NOPASSWD: ALL (${file}:${rule.line})`).join('; '), findings);
}
