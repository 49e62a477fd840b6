// Parsers for etc/passwd, etc/shadow, etc/group and sudoers. Pure functions over lines; a bad
// line becomes an error naming file and line, and the other lines are still read.

/**
 * What a password field allows: `empty` (log in without a password), `locked` (`!`, `*`, `!!`, `x`
 * in shadow…: no password login), `set` (a hash), `shadowed` (passwd `x`: see etc/shadow).
 */
export type PasswordState = 'empty' | 'locked' | 'set' | 'shadowed';

export interface AccountLine {
  name: string;
  /** 1-based line in the file. */
  line: number;
  password: PasswordState;
  /** The line with a password hash replaced by `<hash>`; safe to show. */
  masked: string;
}

export interface PasswdAccount extends AccountLine {
  uid: number;
  gid: number;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
  line: number;
}

/** A sudoers user specification that lets its users run any command as any user without a password. */
export interface SudoNoPasswordRule {
  line: number;
  /** Who the rule is for: a user, `%group`, `#uid`, an alias or ALL. */
  who: string;
  /** The rule, whitespace-normalised. */
  text: string;
}

export interface Parsed<T> {
  items: T[];
  errors: string[];
}

/** At most this many errors are kept per file. */
export const MAX_ERRORS_PER_FILE = 20;

function collect<T>(path: string, lines: readonly string[], parseLine: (line: string, lineNo: number) => T | string | undefined): Parsed<T> {
  const out: Parsed<T> = { items: [], errors: [] };
  lines.forEach((text, index) => {
    const parsed = parseLine(text, index + 1);
    if (typeof parsed === 'string') {
      if (out.errors.length < MAX_ERRORS_PER_FILE) out.errors.push(`${path}:${index + 1}: ${parsed}`);
    } else if (parsed !== undefined) {
      out.items.push(parsed);
    }
  });
  return out;
}

/** Blank lines, comments and NIS compat entries (`+`, `-`) carry no local account. */
const isSkippable = (line: string): boolean => line.trim() === '' || /^\s*#/.test(line) || /^[+-]/.test(line);

const ID = /^\d{1,10}$/;

function passwdFieldState(field: string): PasswordState {
  if (field === '') return 'empty';
  if (field === 'x') return 'shadowed';
  if (field.startsWith('!') || field.startsWith('*')) return 'locked';
  return 'set';
}

function shadowFieldState(field: string): PasswordState {
  if (field === '') return 'empty';
  if (field === 'x' || field.startsWith('!') || field.startsWith('*')) return 'locked';
  return 'set';
}

function masked(fields: string[], state: PasswordState): string {
  const shown = state === 'set' ? [fields[0]!, '<hash>', ...fields.slice(2)] : fields;
  return shown.join(':');
}

/** passwd(5): `name:password:uid:gid:gecos:home:shell`. */
export function parsePasswd(path: string, lines: readonly string[]): Parsed<PasswdAccount> {
  return collect(path, lines, (text, line) => {
    if (isSkippable(text)) return undefined;
    const fields = text.split(':');
    if (fields.length !== 7) return `expected 7 fields separated by ':', found ${fields.length}`;
    const [name, password, uid, gid, , , shell] = fields as [string, string, string, string, string, string, string];
    if (name === '') return 'empty user name';
    if (!ID.test(uid)) return `uid of ${name} is not a number: ${JSON.stringify(uid)}`;
    if (!ID.test(gid)) return `gid of ${name} is not a number: ${JSON.stringify(gid)}`;
    const state = passwdFieldState(password);
    return { name, line, password: state, masked: masked(fields, state), uid: Number(uid), gid: Number(gid), shell };
  });
}

/** shadow(5): `name:password:lastchange:min:max:warn:inactive:expire:reserved`. */
export function parseShadow(path: string, lines: readonly string[]): Parsed<AccountLine> {
  return collect(path, lines, (text, line) => {
    if (isSkippable(text)) return undefined;
    const fields = text.split(':');
    if (fields.length < 2 || fields.length > 9) return `expected 9 fields separated by ':', found ${fields.length}`;
    const name = fields[0]!;
    if (name === '') return 'empty user name';
    const state = shadowFieldState(fields[1]!);
    return { name, line, password: state, masked: masked(fields, state) };
  });
}

/** group(5): `name:password:gid:members`. */
export function parseGroup(path: string, lines: readonly string[]): Parsed<GroupEntry> {
  return collect(path, lines, (text, line) => {
    if (isSkippable(text)) return undefined;
    const fields = text.split(':');
    if (fields.length !== 4) return `expected 4 fields separated by ':', found ${fields.length}`;
    const [name, , gid, members] = fields as [string, string, string, string];
    if (name === '') return 'empty group name';
    if (!ID.test(gid)) return `gid of ${name} is not a number: ${JSON.stringify(gid)}`;
    return { name, gid: Number(gid), members: members === '' ? [] : members.split(','), line };
  });
}

/** Joins `\`-continued lines, keeping the number of the first line of each logical line. */
export function logicalLines(lines: readonly string[]): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let current: { text: string; line: number } | undefined;
  lines.forEach((raw, index) => {
    const continued = raw.endsWith('\\');
    const text = continued ? raw.slice(0, -1) : raw;
    if (current) current.text += ` ${text}`;
    else current = { text, line: index + 1 };
    if (!continued) { out.push(current); current = undefined; }
  });
  if (current) out.push(current);
  return out;
}

/** Lines of sudoers(5) that are not user specifications. */
const SUDOERS_NOT_A_RULE = /^\s*(?:$|Defaults\b|(?:User|Runas|Host|Cmnd|Cmd)_Alias\b|[@#]include(?:dir)?\b|#(?!\d+\s))/;
/** `NOPASSWD:` then optional other tags (`SETENV:`…), then the command `ALL` alone or first in a list. */
const NOPASSWD_ALL = /\bNOPASSWD\s*:\s*(?:[A-Z_]+\s*:\s*)*ALL\s*(?:$|,)/;
/** `(ALL)`, `(ALL:ALL)`, `(root)`… or no runas list (= root). */
const RUNAS_ANY = /=\s*(?:\(\s*(?:ALL|root|#0)\s*(?::\s*[^)]*)?\)\s*)?(?:[A-Z_]+\s*:\s*)*NOPASSWD\b/;

/** User specifications granting every command as root without a password (`alice ALL=(ALL) NOPASSWD: ALL`). */
export function parseSudoers(lines: readonly string[]): SudoNoPasswordRule[] {
  return logicalLines(lines).flatMap(({ text, line }) => {
    if (SUDOERS_NOT_A_RULE.test(text)) return [];
    const rule = text.replace(/\s+#.*$/, '').replace(/\s+/g, ' ').trim();
    if (!NOPASSWD_ALL.test(rule) || !RUNAS_ANY.test(rule)) return [];
    return [{ line, who: rule.split(' ')[0]!, text: rule }];
  });
}

/** sudo skips files in an includedir whose name ends in `~` or contains a `.` (sudoers(5)). */
export function isIncludedSudoersName(name: string): boolean {
  return name !== '' && !name.endsWith('~') && !name.includes('.');
}
