import type { NodeSnapshot } from '../model.js';

// sshd_config(5) as sshd reads it: keywords case-insensitive, `keyword value` or `keyword=value`,
// `#` comments, double quotes; `Include` expands globs in lexical order (relative to /etc/ssh),
// recursively; lines after `Match` apply only to matching connections until the next Match or
// the end of the file (an included file's Match ends with that file). For each keyword the first
// value obtained wins.

export interface SshdDirective {
  /** Lower-cased keyword (`permitrootlogin`). */
  keyword: string;
  args: string[];
  /** The line as written, trimmed. */
  text: string;
  file: string;
  line: number;
  column: number;
  /** undefined = global; `all` = a `Match all` block (every connection); else the Match line in force. */
  match?: string;
}

export interface SshdConfig {
  directives: SshdDirective[];
  /** Files read, in the order sshd reads them. */
  files: string[];
  /** The first Match line of the main file (settings for everyone must go above it). */
  firstMatch?: { file: string; line: number };
  /** Unreadable included files, too deep nesting… one line each. */
  problems: string[];
}

const SSH_DIR = '/etc/ssh';
const MAX_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH

/** Arguments as sshd splits them: whitespace-separated, "double quoted" kept whole, `#` ends the line. */
export function splitArgs(rest: string): string[] {
  const args: string[] = [];
  for (const m of rest.matchAll(/"([^"]*)"|(\S+)/g)) {
    if (m[2]?.startsWith('#')) break;
    args.push(m[1] ?? m[2]!);
  }
  return args;
}

/** One line's keyword and arguments; undefined for blank lines and comments. */
export function parseSshdLine(raw: string): { keyword: string; args: string[]; column: number } | undefined {
  const column = raw.length - raw.trimStart().length + 1;
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const m = /^([^\s=]+)\s*(?:=\s*|\s+|$)(.*)$/.exec(text);
  if (!m) return undefined;
  return { keyword: m[1]!.toLowerCase(), args: splitArgs(m[2]!), column };
}

const hasGlob = (path: string): boolean => /[*?[]/.test(path);

function includeTargets(snapshot: NodeSnapshot, arg: string): string[] {
  const path = arg.startsWith('/') || arg.startsWith('~') ? arg : `${SSH_DIR}/${arg}`;
  // A pattern matching nothing, or a missing file, is skipped by sshd without error.
  return hasGlob(path) ? snapshot.glob(path) : [path];
}

/** Reads `path` and everything it includes. Undefined when `path` itself cannot be read. */
export function readSshdConfig(snapshot: NodeSnapshot, path = `${SSH_DIR}/sshd_config`, leading: SshdDirective[] = []): SshdConfig | undefined {
  const main = snapshot.readText(path);
  if (!main) return undefined;
  const config: SshdConfig = { directives: [...leading], files: [], problems: [] };

  const readFile = (file: string, text: string, depth: number, inherited: string | undefined): void => {
    config.files.push(file);
    let match = inherited;
    const base = inherited === 'all' ? undefined : inherited; // the Include's own condition
    text.split('\n').forEach((raw, index) => {
      const parsed = parseSshdLine(raw);
      if (!parsed) return;
      const line = index + 1;
      if (parsed.keyword === 'match') {
        if (file === path && !config.firstMatch) config.firstMatch = { file, line };
        const all = parsed.args.length === 1 && parsed.args[0]!.toLowerCase() === 'all';
        // Inside a conditional Include even `Match all` stays conditional.
        match = all ? base ?? 'all' : `${base ? `${base}; ` : ''}${raw.trim()}`;
        return;
      }
      if (parsed.keyword === 'include') {
        if (depth >= MAX_DEPTH) { config.problems.push(`${file}:${line}: Include nested deeper than ${MAX_DEPTH} levels, not followed`); return; }
        for (const arg of parsed.args) {
          for (const target of includeTargets(snapshot, arg)) {
            const included = snapshot.readText(target);
            if (included) readFile(target, included.text, depth + 1, match);
            else if (snapshot.stat(target)?.file.type === 'file') config.problems.push(`${file}:${line}: included ${target} could not be read`);
          }
        }
        return;
      }
      config.directives.push({ keyword: parsed.keyword, args: parsed.args, text: raw.trim(), file, line, column: parsed.column, ...(match === undefined ? {} : { match }) });
    });
  };

  readFile(path, main.text, 0, undefined);
  return config;
}

export interface SshdSetting {
  /** The value every connection gets unless a conditional Match says otherwise; undefined = sshd's default. */
  effective?: SshdDirective;
  /** Values inside Match blocks that apply only to some connections. */
  conditional: SshdDirective[];
}

/**
 * The setting of `keywords` (aliases of one option). A `Match all` block applies to every
 * connection and overrides the global value; otherwise the first global value wins.
 */
export function sshdSetting(config: SshdConfig, keywords: readonly string[]): SshdSetting {
  const all = config.directives.filter((d) => keywords.includes(d.keyword));
  const effective = all.find((d) => d.match === 'all') ?? all.find((d) => d.match === undefined);
  return { ...(effective ? { effective } : {}), conditional: all.filter((d) => d.match !== undefined && d.match !== 'all') };
}
