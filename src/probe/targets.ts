// Parsing the targets a user names. Nothing is resolved or contacted here.

/** A target given on the command line that cannot be probed as written: a usage error (exit 2). */
export class ProbeUsageError extends Error {}

export const DEFAULT_KUBELET_PORT = 10250;
export const DEFAULT_READ_ONLY_PORT = 10255;
export const DEFAULT_ETCD_PORT = 2379;
export const DEFAULT_API_PORT = 443;

/** `https://host:port` with no path, query or credentials. */
function origin(url: URL): URL {
  return new URL(`${url.protocol}//${url.host}`);
}

function parseUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProbeUsageError(`${flag} ${JSON.stringify(text)} is not a URL (expected e.g. https://10.0.0.1:6443)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ProbeUsageError(`${flag} ${text}: only https:// and http:// URLs can be probed`);
  if (url.username || url.password) throw new ProbeUsageError(`${flag} ${text}: the probe sends no credentials; remove them from the URL`);
  if (url.hostname === '') throw new ProbeUsageError(`${flag} ${text}: no host`);
  return url;
}

/** `--api URL`: the API server, e.g. https://10.0.0.1:6443. A path, if any, is ignored. */
export function parseApiTarget(text: string): URL {
  return origin(parseUrl(text.trim(), '--api'));
}

/** `--etcd URL`: an etcd client URL, e.g. https://10.0.0.2:2379. */
export function parseEtcdTarget(text: string): URL {
  const trimmed = text.trim();
  const url = parseUrl(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`, '--etcd');
  if (!url.port && !/^[a-z]+:\/\/[^/]*:\d+/i.test(trimmed)) url.port = String(DEFAULT_ETCD_PORT);
  return origin(url);
}

/** `--kubelet HOST[:PORT]` (or an https:// URL): the kubelet's HTTPS port, 10250 unless given. */
export function parseKubeletTarget(text: string): URL {
  const trimmed = text.trim();
  if (trimmed === '') throw new ProbeUsageError('--kubelet needs a host, e.g. 10.0.0.5 or 10.0.0.5:10250');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const url = parseUrl(hasScheme ? trimmed : `https://${trimmed}`, '--kubelet');
  if (url.protocol !== 'https:') throw new ProbeUsageError(`--kubelet ${text}: the kubelet API is HTTPS; the read-only HTTP port is probed with --read-only-port`);
  // new URL drops the default port 443; keep whatever the user wrote, else the kubelet default.
  const explicitPort = /^(?:[a-z]+:\/\/)?(?:\[[^\]]*\]|[^/:]*):(\d+)/i.exec(trimmed);
  if (!explicitPort) url.port = String(DEFAULT_KUBELET_PORT);
  return origin(url);
}

/** The kubelet's read-only HTTP port on the same host. */
export function readOnlyTarget(kubelet: URL, port: number): URL {
  return new URL(`http://${kubelet.hostname}:${port}`);
}

/** A TCP port number from the command line; 0 allowed when `allowZero`. */
export function parsePort(value: unknown, flag: string, allowZero = false): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1) || n > 65535) {
    throw new ProbeUsageError(`${flag} takes a port number${allowZero ? ' (0 to skip)' : ''}, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** `https://10.0.0.1:6443` without a trailing slash, the way findings name a target. */
export function targetLabel(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
