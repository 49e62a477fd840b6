import { RUNS_AS_ROOT } from './meta.js';
import type { Evidence } from '../../core/finding.js';
import { configEvidence, fileEvidence, imageFinding } from './finding.js';
import { found, nothing, notEvaluated, type CheckOutput, type ImageCheckContext } from './context.js';

// KW-IMG-001: the user the image's processes start as.

/** How a USER value resolves: root, another user, or a name that needs etc/passwd. */
export type UserResolution =
  | { kind: 'root'; why: string }
  | { kind: 'non-root' }
  | { kind: 'name'; name: string };

/** Reads `user[:group]` the way runc does: empty = root, a number = that uid, else a passwd name. */
export function classifyUser(user: string | undefined): UserResolution {
  const name = (user ?? '').trim().split(':')[0]!;
  if (name === '') return { kind: 'root', why: 'no USER is set, so processes run as root' };
  if (/^\d+$/.test(name)) return Number(name) === 0 ? { kind: 'root', why: `USER ${user} is uid 0` } : { kind: 'non-root' };
  if (name === 'root') return { kind: 'root', why: `USER ${user} is root` };
  return { kind: 'name', name };
}

export function runsAsRoot(ctx: ImageCheckContext): CheckOutput {
  const user = ctx.config.config?.User;
  const resolved = classifyUser(user);
  const report = (why: string, more: Evidence[] = []) => found(imageFinding(RUNS_AS_ROOT, ctx, `Image ${ctx.image.reference} runs as root: ${why}.`,
    [configEvidence('config.User', why, user === undefined || user === '' ? undefined : user), ...more]));
  if (resolved.kind === 'root') return report(resolved.why);
  if (resolved.kind === 'non-root') return nothing();
  if (!ctx.accounts) return notEvaluated(RUNS_AS_ROOT.id, `USER ${user} is a name and the image's etc/passwd was not read`);
  const account = ctx.accounts.passwd?.data.accounts.find((a) => a.name === resolved.name);
  // A name missing from etc/passwd makes the runtime refuse to start the container: not root.
  if (account === undefined || account.uid !== 0) return nothing();
  const passwd = ctx.accounts.passwd!.entry.path;
  return report(`USER ${user} is uid 0 in ${passwd}`,
    [fileEvidence(passwd, `${passwd} gives ${account.name} uid 0`, { line: account.line, value: account.masked })]);
}
