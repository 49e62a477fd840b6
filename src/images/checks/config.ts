import type { Evidence } from '../../core/finding.js';
import { ADD_FROM_URL, IMAGE_TOO_OLD, LATEST_TAG, NO_HEALTHCHECK, PORT_22_EXPOSED, SSH_SERVER } from './meta.js';
import { configEvidence, fileEvidence, imageFinding } from './finding.js';
import { found, nothing, notEvaluated, type CheckOutput, type ImageCheckContext } from './context.js';

// KW-IMG-008 … KW-IMG-013: what the image config and package list say about how the image runs.

const SSH_PACKAGES = new Set(['openssh-server', 'openssh-server-pam', 'dropbear']);
const SSH_FILES = ['usr/sbin/sshd', 'sbin/sshd', 'usr/sbin/dropbear', 'sbin/dropbear', 'usr/bin/dropbear'];

export function sshServer(ctx: ImageCheckContext): CheckOutput {
  // Alpine's `openssh` is a meta package that pulls in the server; elsewhere `openssh` is the common part.
  const packages = ctx.packages.filter((p) => SSH_PACKAGES.has(p.name) || (p.type === 'apk' && p.name === 'openssh'));
  const files = SSH_FILES.filter((path) => ctx.files.has(path));
  if (packages.length === 0 && files.length === 0) return nothing();
  const evidence: Evidence[] = [
    ...packages.map((p) => fileEvidence(p.locations[0]?.path ?? p.purl, `package ${p.name} ${p.version} is installed`, { value: p.purl })),
    ...files.map((path) => fileEvidence(path, `${path} is present`)),
  ];
  const what = [...packages.map((p) => `package ${p.name}`), ...files].join(', ');
  return found(imageFinding(SSH_SERVER, ctx, `${ctx.image.reference} contains an SSH server (${what}).`, evidence));
}

export function port22Exposed(ctx: ImageCheckContext): CheckOutput {
  const ports = Object.keys(ctx.config.config?.ExposedPorts ?? {}).filter((p) => /^22(?:\/tcp)?$/i.test(p));
  if (ports.length === 0) return nothing();
  const evidence = ports.map((p) => configEvidence(`config.ExposedPorts[${JSON.stringify(p)}]`, `the image exposes port ${p}`, p));
  return found(imageFinding(PORT_22_EXPOSED, ctx, `${ctx.image.reference} exposes port 22 (SSH).`, evidence));
}

/** `ADD [--flags] http(s)://…` in a build step, as BuildKit (`ADD https://… # buildkit`) or the classic builder records it. */
const ADD_URL = /(?:^|\s|#\(nop\)\s*)ADD\s+((?:--[A-Za-z-]+(?:=\S+)?\s+)*)(?:\[\s*)?["']?(https?:\/\/[^\s"',\]]+)/i;

/** The URL an ADD step fetched without `--checksum`, if it is one. */
export function unverifiedAddUrl(createdBy: string): string | undefined {
  const match = ADD_URL.exec(createdBy);
  if (!match || /--checksum=/i.test(match[1] ?? '')) return undefined;
  return match[2];
}

export function addFromUrl(ctx: ImageCheckContext): CheckOutput {
  const evidence = (ctx.config.history ?? []).flatMap((h, i) => {
    const url = typeof h.created_by === 'string' ? unverifiedAddUrl(h.created_by) : undefined;
    return url === undefined ? [] : [configEvidence(`history[${i}].created_by`, `build step ${i} adds ${url} without a checksum`, h.created_by)];
  });
  if (evidence.length === 0) return nothing();
  return found(imageFinding(ADD_FROM_URL, ctx, `${ctx.image.reference} was built with ADD from a remote URL: ${evidence.map((e) => e.detail).join('; ')}.`, evidence));
}

/** References that name a local source (OCI layout, archive) rather than a registry repository. */
const LOCAL_SOURCE = /^(?:oci|oci-archive|archive|docker-archive|docker-daemon):/;
const BY_DIGEST = /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function latestTag(ctx: ImageCheckContext): CheckOutput {
  const { reference, tag } = ctx.image;
  if (BY_DIGEST.test(reference)) return nothing();
  // A local layout or archive without a tag is a file, not a moving `latest`.
  const floating = tag === 'latest' || (tag === undefined && !LOCAL_SOURCE.test(reference));
  if (!floating) return nothing();
  const why = tag === 'latest' ? 'is referenced by the tag latest' : 'has no tag, which means latest';
  return found(imageFinding(LATEST_TAG, ctx, `${reference} ${why}; pin a version tag or a digest.`, [configEvidence('reference', `image ${why}`, reference)]));
}

export function noHealthcheck(ctx: ImageCheckContext): CheckOutput {
  const healthcheck = ctx.config.config?.Healthcheck;
  const test = healthcheck?.Test ?? [];
  const disabled = healthcheck !== undefined && healthcheck !== null && test[0] === 'NONE';
  if (healthcheck && test.length > 0 && !disabled) return nothing();
  const why = disabled ? 'the health check is disabled (HEALTHCHECK NONE)' : 'the image config has no Healthcheck';
  return found(imageFinding(NO_HEALTHCHECK, ctx, `${ctx.image.reference}: ${why}.`,
    [configEvidence('config.Healthcheck', why, healthcheck ?? undefined)]));
}

/** Container images did not exist before this; an earlier `created` is a placeholder (reproducible builds use the epoch). */
const EARLIEST_REAL_CREATED = Date.UTC(2013, 0, 1);
const DAY_MS = 86_400_000;

export function imageTooOld(ctx: ImageCheckContext): CheckOutput {
  const created = ctx.config.created;
  if (created === undefined || created === '') return notEvaluated(IMAGE_TOO_OLD.id, 'the image config has no creation time (created)');
  const time = Date.parse(created);
  if (Number.isNaN(time)) return notEvaluated(IMAGE_TOO_OLD.id, `the image config's created time ${JSON.stringify(created)} is not a date`);
  if (time < EARLIEST_REAL_CREATED) {
    return notEvaluated(IMAGE_TOO_OLD.id, `the image config's created time ${created} is a placeholder (reproducible builds set it to the Unix epoch), so the build date is unknown`);
  }
  const ageDays = Math.floor((ctx.now.getTime() - time) / DAY_MS);
  if (ageDays <= ctx.maxAgeDays) return nothing();
  return found(imageFinding(IMAGE_TOO_OLD, ctx, `${ctx.image.reference} was built ${ageDays} days ago (${created}), more than ${ctx.maxAgeDays} days.`,
    [configEvidence('created', `image created ${ageDays} days before the scan`, created)]));
}
