import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImageSourceError } from '../model.js';
import { DOCKER_HUB_REGISTRY } from './reference.js';

// Registry credentials: --username/--password first, else docker's config.json the way the docker
// CLI reads it (docs.docker.com/reference/cli/docker/login/#credential-stores): credHelpers[host],
// then auths[host] (`auth` = base64 user:pass, or username/password), then credsStore.

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for error messages. */
  origin: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  dockerConfig?: string;
}

const HUB_KEYS = new Set(['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']);
const HUB_SERVER_URL = 'https://index.docker.io/v1/';
const HELPER_NAME = /^[A-Za-z0-9._-]+$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

export function dockerConfigPath(explicit?: string): string {
  if (explicit) return explicit;
  const dir = process.env.DOCKER_CONFIG || join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/** Finds credentials for `host`; undefined means anonymous. */
export async function findCredentials(host: string, options: CredentialOptions): Promise<Credentials | undefined> {
  if (options.username !== undefined && options.password !== undefined) {
    return { username: options.username, password: options.password, origin: '--username' };
  }
  const path = dockerConfigPath(options.dockerConfig);
  const config = await readDockerConfig(path);
  if (!config) return undefined;
  const helper = pickByHost(config.credHelpers, host);
  if (typeof helper === 'string' && helper) return runHelper(helper, host, path);
  const auth = pickByHost(config.auths, host);
  const fromAuths = auth && typeof auth === 'object' ? decodeAuthEntry(auth as Record<string, unknown>, `${path}: auths`) : undefined;
  if (fromAuths) return { ...fromAuths, origin: path };
  if (typeof config.credsStore === 'string' && config.credsStore) return runHelper(config.credsStore, host, path);
  return undefined;
}

async function readDockerConfig(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CONFIG_BYTES) throw new ImageSourceError(`${path}: larger than ${MAX_CONFIG_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (error instanceof ImageSourceError) throw error;
    throw new ImageSourceError(`${path}: cannot read docker config (${(error as Error).message})`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    // JSON.parse's message quotes the text around the error, and this file holds credentials.
    const shape = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
    throw new ImageSourceError(`${path}: invalid docker config JSON (${shape})`);
  }
}

/** Looks a host up in a config map whose keys may carry a scheme and path (`https://host/v1/`). */
export function pickByHost(map: unknown, host: string): unknown {
  if (!map || typeof map !== 'object') return undefined;
  const entries = Object.entries(map as Record<string, unknown>);
  const wantHub = host === DOCKER_HUB_REGISTRY;
  for (const [key, value] of entries) {
    if (wantHub ? HUB_KEYS.has(key) || HUB_KEYS.has(hostOfKey(key)) : hostOfKey(key) === host) return value;
  }
  return undefined;
}

function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').split('/')[0]!.toLowerCase();
}

export function decodeAuthEntry(entry: Record<string, unknown>, where: string): { username: string; password: string } | undefined {
  if (typeof entry.auth === 'string' && entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new ImageSourceError(`${where}: "auth" is not base64 of user:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  return undefined;
}

/** Runs `docker-credential-<name> get` with the server URL on stdin (docker-credential-helpers protocol). */
async function runHelper(name: string, host: string, configPath: string): Promise<Credentials | undefined> {
  if (!HELPER_NAME.test(name)) throw new ImageSourceError(`${configPath}: invalid credential helper name ${JSON.stringify(name)}`);
  const program = `docker-credential-${name}`;
  const serverUrl = host === DOCKER_HUB_REGISTRY ? HUB_SERVER_URL : host;
  const output = await new Promise<string | undefined>((resolve, reject) => {
    const child = execFile(program, ['get'], { timeout: 30_000, maxBuffer: 1024 * 1024 }, (error, stdout) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new ImageSourceError(`credential helper ${program} (configured in ${configPath} for ${host}) is not installed or not on PATH`));
      }
      // The protocol's "not found" answer means: no stored credentials, go anonymous.
      if (/credentials not found/i.test(stdout) || /credentials not found/i.test(String(error.message))) return resolve(undefined);
      reject(new ImageSourceError(`credential helper ${program} failed for ${host}: ${String(error.message).split('\n')[0]}`));
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(serverUrl);
  });
  if (output === undefined) return undefined;
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(output) as typeof parsed;
  } catch {
    throw new ImageSourceError(`credential helper ${program} returned invalid JSON for ${host}`);
  }
  if (typeof parsed.Username !== 'string' || typeof parsed.Secret !== 'string') {
    throw new ImageSourceError(`credential helper ${program} returned no Username/Secret for ${host}`);
  }
  return { username: parsed.Username, password: parsed.Secret, origin: program };
}
