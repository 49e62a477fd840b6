// Real servers for the probe tests: throw-away certificates made by openssl, small Node HTTP(S) servers
// standing in for the API server and kubelet, and a real etcd. Everything binds to 127.0.0.1, lives in
// a temp directory, and is stopped and removed by the test that started it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { requireTool } from '../../test/e2e-tools.js';
import { freePort } from '../../test/net.js';

export { freePort };

const run = promisify(execFile);

export async function scratchDir(prefix = 'kubeward-probe-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}


export interface TestCerts {
  dir: string;
  caCert: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCert: string;
  clientKey: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A self-signed certificate no CA vouches for (for verification failures). */
  selfSignedCert: string;
  selfSignedKey: string;
}

/** Skip reason when openssl is missing (fails instead with KUBEWARD_REQUIRE_E2E=1). */
export const opensslMissing = (): string | false => requireTool('openssl', ['version']);
export const etcdMissing = (): string | false => requireTool('etcd', ['--version']);

/** A CA, a server certificate for 127.0.0.1/localhost signed by it, a client certificate, and a stray self-signed one. */
export async function makeCerts(dir: string): Promise<TestCerts> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const f = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => run('openssl', args, { cwd: dir, timeout: 30_000 });
  await openssl(['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=kubeward-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await openssl(['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  await openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '1', '-extfile', f('server.ext')]);
  await openssl(['req', ...ec, '-keyout', f('client.key'), '-out', f('client.csr'), '-subj', '/CN=kubeward-test-client']);
  await writeFile(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  await openssl(['x509', '-req', '-in', f('client.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('client.crt'), '-days', '1', '-extfile', f('client.ext')]);
  await openssl(['req', '-x509', ...ec, '-keyout', f('self.key'), '-out', f('self.crt'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
  const read = (name: string) => readFile(f(name), 'utf8');
  return {
    dir,
    caCert: await read('ca.crt'), caFile: f('ca.crt'),
    serverCert: await read('server.crt'), serverKey: await read('server.key'), serverCertFile: f('server.crt'), serverKeyFile: f('server.key'),
    clientCert: await read('client.crt'), clientKey: await read('client.key'), clientCertFile: f('client.crt'), clientKeyFile: f('client.key'),
    selfSignedCert: await read('self.crt'), selfSignedKey: await read('self.key'),
  };
}

export interface Route {
  status: number;
  body?: unknown;
  contentType?: string;
}

export interface FakeServer {
  url: string;
  port: number;
  /** Paths requested, in order (with the query). */
  requests: { method: string; path: string; authorization?: string }[];
  close: () => Promise<void>;
}

/**
 * An HTTP(S) server answering by path (query ignored); unknown paths get 404. `hang` paths never answer.
 * Bodies that are not strings are sent as JSON.
 */
export async function fakeServer(routes: Record<string, Route>, tls?: { cert: string; key: string; requestCert?: boolean }, hang: string[] = []): Promise<FakeServer> {
  const requests: FakeServer['requests'] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({ method: req.method ?? '', path: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    req.resume();
    if (hang.includes(pathname)) return;
    const route = routes[pathname] ?? { status: 404, body: '404 page not found\n', contentType: 'text/plain' };
    const body = typeof route.body === 'string' ? route.body : JSON.stringify(route.body ?? {});
    res.writeHead(route.status, { 'content-type': route.contentType ?? (typeof route.body === 'string' ? 'text/plain' : 'application/json') });
    res.end(body);
  };
  const server = tls ? https.createServer({ cert: tls.cert, key: tls.key, requestCert: tls.requestCert ?? false }, handler) : http.createServer(handler);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** A Kubernetes Status object as the API server sends with 401/403. */
export function status(code: number, message: string): Route {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: code === 401 ? 'Unauthorized' : 'Forbidden', code } };
}

export interface RunningEtcd {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts a real etcd on 127.0.0.1 (random ports, temp data dir); with `tls`, clients need a certificate. */
export async function startEtcd(dataDir: string, tls?: TestCerts): Promise<RunningEtcd> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const args = [
    '--name', 'kubeward-test', '--data-dir', dataDir,
    '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `kubeward-test=${peer}`,
    '--initial-cluster-state', 'new', '--log-level', 'error',
    ...(tls ? ['--cert-file', tls.serverCertFile, '--key-file', tls.serverKeyFile, '--trusted-ca-file', tls.caFile, '--client-cert-auth'] : []),
  ];
  const child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => {
    exited = true;
    resolve();
  }));
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(killer);
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited) throw new Error(`etcd exited before it was ready: ${stderr}`);
    if (await etcdHealthy(url, tls)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not become healthy within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, process: child, stop };
}

function etcdHealthy(url: string, tls?: TestCerts): Promise<boolean> {
  return new Promise((resolve) => {
    const target = new URL('/health', url);
    const options = { agent: false as const, timeout: 1000, ...(tls ? { ca: tls.caCert, cert: tls.clientCert, key: tls.clientKey } : {}) };
    const req = (target.protocol === 'https:' ? https : http).get(target, options, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('true')));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** A POST to etcd's JSON gateway as an authorized client (with the client certificate when TLS is on). */
export function etcdPost(url: string, pathname: string, json: unknown, tls?: TestCerts): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(pathname, url);
    const body = JSON.stringify(json);
    const options = { method: 'POST', agent: false as const, headers: { 'content-type': 'application/json' }, ...(tls ? { ca: tls.caCert, cert: tls.clientCert, key: tls.clientKey } : {}) };
    const req = (target.protocol === 'https:' ? https : http).request(target, options, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const b64 = (text: string): string => Buffer.from(text).toString('base64');

// The self-test registers only when this file is the test file run, not when another test imports it.
const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;

if (isEntry) test('fixtures: the throw-away CA signs a server certificate that verifies for 127.0.0.1', { timeout: 60_000, skip: opensslMissing() }, async () => {
  const scratch = await scratchDir();
  try {
    const certs = await makeCerts(scratch.dir);
    const server = await fakeServer({ '/ok': { status: 200, body: 'fine' } }, { cert: certs.serverCert, key: certs.serverKey });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        https.get(`${server.url}/ok`, { ca: certs.caCert, agent: false }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
      assert.equal(text, 'fine');
    } finally {
      await server.close();
    }
  } finally {
    await scratch.remove();
  }
});
