import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../net.js';

// A real CNCF distribution registry (Debian's `docker-registry`, distribution 2.8) for end-to-end
// tests: loopback only, filesystem storage in a temp dir, htpasswd (bcrypt) basic auth and, when
// asked, TLS with a throw-away CA. Config keys follow
// https://distribution.github.io/distribution/about/configuration/ (v2.8: `version: 0.1`,
// `storage.filesystem.rootdirectory`, `auth.htpasswd.{realm,path}`, `http.tls.{certificate,key}`).

const run = promisify(execFile);

export interface RegistryOptions {
  tls?: boolean;
  user: string;
  password: string;
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, as used in image references. */
  host: string;
  /** PEM of the CA that signed the server certificate (TLS only). */
  caFile?: string;
  /** Directory holding only `ca.crt`, for skopeo's `--cert-dir` / `--dest-cert-dir` (TLS only). */
  certDir?: string;
  /** The registry's temp dir (config, storage, htpasswd, certificates, log). */
  dir: string;
  /** The registry's combined stdout/stderr. */
  logFile: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 20_000;

export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kw-registry-'));
  try {
    return await launch(dir, options);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function launch(dir: string, options: RegistryOptions): Promise<RunningRegistry> {
  const htpasswdFile = path.join(dir, 'htpasswd');
  await writeFile(htpasswdFile, await bcryptEntry(options.user, options.password));
  const tls = options.tls ? await makeCertificates(dir) : undefined;
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configFile = path.join(dir, 'config.yml');
  await writeFile(configFile, registryConfig({ dir, host, htpasswdFile, tls }));

  const logFile = path.join(dir, 'registry.log');
  const log = await open(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', log.fd, log.fd] });
  } finally {
    await log.close();
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined); // reported through waitReady's failure message

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitReady(host, tls?.caFile, child);
  } catch (error) {
    const logText = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`docker-registry did not become ready on ${host}: ${(error as Error).message}\n--- registry log ---\n${logText}`);
  }
  return { host, caFile: tls?.caFile, certDir: tls?.certDir, dir, logFile, stop };
}

interface TlsFiles {
  caFile: string;
  certDir: string;
  certFile: string;
  keyFile: string;
}

function registryConfig(p: { dir: string; host: string; htpasswdFile: string; tls?: TlsFiles }): string {
  const lines = [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(path.join(p.dir, 'storage'))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${p.host}`,
    // A fixed secret silences the "No HTTP secret provided" warning; single instance, so any value works.
    '  secret: kubeward-test-secret',
  ];
  if (p.tls) {
    lines.push('  tls:', `    certificate: ${JSON.stringify(p.tls.certFile)}`, `    key: ${JSON.stringify(p.tls.keyFile)}`);
  }
  lines.push('auth:', '  htpasswd:', '    realm: kubeward-test', `    path: ${JSON.stringify(p.htpasswdFile)}`, '');
  return lines.join('\n');
}

/** `user:$2y$…` as `htpasswd -Bbn` writes it; distribution only accepts bcrypt entries. */
async function bcryptEntry(user: string, password: string): Promise<string> {
  try {
    const { stdout } = await run('htpasswd', ['-Bbn', user, password]);
    return `${stdout.trim()}\n`;
  } catch (error) {
    throw new Error(`cannot make the registry's bcrypt htpasswd file: "htpasswd -Bbn" failed (install apache2-utils): ${(error as Error).message}`);
  }
}

/** A throw-away CA and a server certificate for IP 127.0.0.1 (Go refuses certificates without SAN). */
async function makeCertificates(dir: string): Promise<TlsFiles> {
  const pki = path.join(dir, 'pki');
  const certDir = path.join(dir, 'ca');
  await mkdir(pki);
  await mkdir(certDir);
  const caFile = path.join(certDir, 'ca.crt');
  const caKey = path.join(pki, 'ca.key');
  const keyFile = path.join(pki, 'server.key');
  const csr = path.join(pki, 'server.csr');
  const certFile = path.join(pki, 'server.crt');
  const ext = path.join(pki, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-keyout', caKey, '-out', caFile, '-days', '2', '-subj', '/CN=kubeward test CA']);
  await openssl(['req', ...ec, '-keyout', keyFile, '-out', csr, '-subj', '/CN=127.0.0.1']);
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  await openssl(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-out', certFile, '-days', '2', '-extfile', ext]);
  return { caFile, certDir, certFile, keyFile };
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed: ${(error as Error).message}`);
  }
}


/** Polls `/v2/` until the registry answers 401 (it is up and enforcing auth). */
async function waitReady(host: string, caFile: string | undefined, child: ChildProcess): Promise<void> {
  const ca = caFile ? await readFile(caFile) : undefined;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the process exited (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const status = await getStatus(`${ca ? 'https' : 'http'}://${host}/v2/`, ca);
      if (status === 401) return;
      last = `GET /v2/ answered ${status}, expected 401`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${READY_TIMEOUT_MS} ms (${last})`);
}

/** Status code of a GET, optionally with basic auth; the body is discarded. */
export function getStatus(url: string, ca?: Buffer, auth?: { user: string; password: string }): Promise<number> {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { ca, headers, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.once('error', reject);
  });
}
