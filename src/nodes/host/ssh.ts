import type { Evidence } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';
import type { NodeSnapshot, ProcessInfo } from '../model.js';
import { SSH_PASSWORD_LOGIN, SSH_ROOT_LOGIN } from './meta.js';
import { fail, hostFinding, nodeEvidence, notEvaluated, pass, type HostOutcome } from './result.js';
import { parseSshdLine, readSshdConfig, sshdSetting, type SshdConfig, type SshdDirective, type SshdSetting } from './sshd.js';

// KW-NODE-205 (SSH root login) and KW-NODE-206 (SSH password login), from the configuration the
// node's sshd reads: `-o` options on its command line first (they win), then `-f FILE` or
// /etc/ssh/sshd_config with its Include files.

const SSHD_BINARIES = ['/usr/sbin/sshd', '/usr/bin/sshd', '/sbin/sshd', '/usr/local/sbin/sshd'];
const DEFAULT_CONFIG = '/etc/ssh/sshd_config';

/** The sshd listener's arguments: `/usr/sbin/sshd -D` or, rewritten by OpenSSH ≥ 9.8, `sshd: /usr/sbin/sshd -D [listener] …`. */
function sshdArgv(p: ProcessInfo): string[] | undefined {
  const first = p.argv[0] ?? '';
  if (/^(?:\S*\/)?sshd$/.test(first)) return p.argv.slice(1);
  const rewritten = /^sshd: (?:\S*\/)?sshd(?:\s|$)(.*)$/.exec(first);
  return rewritten ? rewritten[1]!.replace(/\[listener\].*$/, '').split(/\s+/).filter((a) => a !== '') : undefined;
}

type SshdState =
  | { kind: 'absent'; reason: string }
  | { kind: 'unknown'; reason: string }
  | { kind: 'config'; config: SshdConfig; path: string };

/** Finds the sshd configuration in force: absent (no server), unreadable, or read. */
export function sshdState(snapshot: NodeSnapshot): SshdState {
  const proc = snapshot.processes.map((p) => ({ p, args: sshdArgv(p) })).find((x) => x.args !== undefined);
  const args = proc?.args ?? [];
  const fIndex = args.indexOf('-f');
  const path = fIndex >= 0 && args[fIndex + 1] ? args[fIndex + 1]! : DEFAULT_CONFIG;
  // `-o Keyword=value` options are read before the file, so they win over it.
  const leading: SshdDirective[] = args.flatMap((arg, i) => {
    const parsed = args[i - 1] === '-o' ? parseSshdLine(arg) : undefined;
    return parsed ? [{ keyword: parsed.keyword, args: parsed.args, text: `-o ${arg}`, file: proc!.p.source, line: 1, column: 1 }] : [];
  });
  const config = readSshdConfig(snapshot, path, leading);
  if (config) return { kind: 'config', config, path };
  if (snapshot.stat(path)) return { kind: 'unknown', reason: `${path} exists but could not be read` };
  const binary = SSHD_BINARIES.find((b) => snapshot.stat(b));
  if (proc) return { kind: 'unknown', reason: `sshd is running (${proc.p.source}) but its configuration ${path} is not on the node` };
  if (binary) return { kind: 'unknown', reason: `sshd is installed (${binary}) but ${path} does not exist; sshd does not start without it` };
  return { kind: 'absent', reason: `no SSH server: no ${DEFAULT_CONFIG}, no sshd binary (${SSHD_BINARIES.join(', ')}) and no sshd process` };
}

const directiveEvidence = (d: SshdDirective, detail: string): Evidence =>
  nodeEvidence(d.file, detail, { value: d.text, line: d.line, column: d.column });

const conditionalEvidence = (setting: SshdSetting): Evidence[] =>
  setting.conditional.map((d) => directiveEvidence(d, `inside \`${d.match}\`: applies only to connections matching it`));

const conditionalNote = (setting: SshdSetting): string =>
  setting.conditional.length === 0 ? '' : ` (Match blocks set it for some connections: ${setting.conditional.map((d) => `${d.text} at ${d.file}:${d.line}`).join(', ')})`;

/** Where to write `line` so sshd reads it first, for every connection. */
function fixFor(setting: SshdSetting, state: Extract<SshdState, { kind: 'config' }>, line: string): string {
  const d = setting.effective;
  if (d && d.text.startsWith('-o ')) return `Remove \`${d.text}\` from sshd's command line (${d.file}), or make it \`-o ${line.replace(' ', '=')}\`.`;
  if (d) return `Change line ${d.line} of ${d.file} to \`${line}\` (it is the first one sshd reads).`;
  const first = state.config.firstMatch;
  return first ? `Add \`${line}\` to ${state.path} above line ${first.line} (its first Match block).` : `Add \`${line}\` to ${state.path}.`;
}

const valueOf = (setting: SshdSetting, fallback: string): string => setting.effective?.args[0]?.toLowerCase() ?? fallback;

const ROOT_LOGIN_SEVERITY: Record<string, Severity | undefined> = {
  yes: 'high', 'prohibit-password': 'medium', 'without-password': 'medium', 'forced-commands-only': 'low',
};

export function sshRootLogin(snapshot: NodeSnapshot): HostOutcome {
  const state = sshdState(snapshot);
  if (state.kind === 'absent') return pass(state.reason);
  if (state.kind === 'unknown') return notEvaluated(state.reason);
  const setting = sshdSetting(state.config, ['permitrootlogin']);
  const value = valueOf(setting, 'prohibit-password'); // OpenSSH ≥ 7.0 default
  const where = setting.effective ? `${setting.effective.file}:${setting.effective.line}` : `default of OpenSSH ≥ 7.0, not set in ${state.config.files.join(', ')}`;
  if (value === 'no') return pass(`PermitRootLogin no (${where})${conditionalNote(setting)}`);
  const severity = ROOT_LOGIN_SEVERITY[value];
  if (!severity) return notEvaluated(`PermitRootLogin ${setting.effective?.args[0]} (${where}) is not a value sshd accepts; sshd refuses to start with it`);
  const meaning = value === 'yes' ? 'root may log in with a password or a key' : value === 'forced-commands-only' ? 'root may log in with a key restricted to a forced command' : 'root may log in with a key';
  const evidence = [
    setting.effective
      ? directiveEvidence(setting.effective, `the first PermitRootLogin sshd reads: ${meaning}`)
      : nodeEvidence(state.path, `no PermitRootLogin outside Match blocks: sshd defaults to prohibit-password (${meaning})`, { value: 'PermitRootLogin prohibit-password (default)' }),
    ...conditionalEvidence(setting),
  ];
  return fail(`PermitRootLogin ${value} (${where}): ${meaning}`, [hostFinding(SSH_ROOT_LOGIN, snapshot,
    `sshd on node ${snapshot.hostname} allows root login (PermitRootLogin ${value}): ${meaning}.`, evidence,
    { severity, remediation: `${fixFor(setting, state, 'PermitRootLogin no')} Then reload sshd (\`systemctl reload ssh\` or \`sshd\`).` })]);
}

/** The options that let sshd accept a password; KbdInteractiveAuthentication was ChallengeResponseAuthentication before OpenSSH 8.7. */
const PASSWORD_OPTIONS = [
  { name: 'PasswordAuthentication', keywords: ['passwordauthentication'] },
  { name: 'KbdInteractiveAuthentication', keywords: ['kbdinteractiveauthentication', 'challengeresponseauthentication'] },
] as const;

export function sshPasswordLogin(snapshot: NodeSnapshot): HostOutcome {
  const state = sshdState(snapshot);
  if (state.kind === 'absent') return pass(state.reason);
  if (state.kind === 'unknown') return notEvaluated(state.reason);
  const options = PASSWORD_OPTIONS.map((o) => {
    const setting = sshdSetting(state.config, o.keywords);
    return { ...o, setting, value: valueOf(setting, 'yes') }; // both default to yes
  });
  const odd = options.find((o) => o.value !== 'yes' && o.value !== 'no');
  if (odd) return notEvaluated(`${odd.setting.effective!.text} (${odd.setting.effective!.file}:${odd.setting.effective!.line}) is not a yes/no value`);
  const label = (o: (typeof options)[number]): string =>
    `${o.name} ${o.value} (${o.setting.effective ? `${o.setting.effective.file}:${o.setting.effective.line}` : 'default'})`;
  const enabled = options.filter((o) => o.value === 'yes');
  if (enabled.length === 0) return pass(`${options.map((o) => `${label(o)}${conditionalNote(o.setting)}`).join(', ')}`);
  const evidence = enabled.flatMap((o) => [
    o.setting.effective
      ? directiveEvidence(o.setting.effective, `the first ${o.name} sshd reads: password prompts are accepted`)
      : nodeEvidence(state.path, `no ${o.name} outside Match blocks: sshd defaults to yes`, { value: `${o.name} yes (default)` }),
    ...conditionalEvidence(o.setting),
  ]);
  const fixes = enabled.map((o) => fixFor(o.setting, state, `${o.name} no`)).join(' ');
  return fail(enabled.map(label).join(', '), [hostFinding(SSH_PASSWORD_LOGIN, snapshot,
    `sshd on node ${snapshot.hostname} accepts password logins (${enabled.map((o) => `${o.name} ${o.value}`).join(', ')}).`, evidence,
    { remediation: `${fixes} Then reload sshd (\`systemctl reload ssh\` or \`sshd\`).` })]);
}
