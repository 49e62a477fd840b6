import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { requireTool } from '../../../test/e2e-tools.js';
import { ImageSourceError } from '../model.js';
import { openImageSource, type SourceOptions } from './index.js';
import { ImageStore, makeCertificate, randomLayer, readAll, serveBytes, sha256, startRegistry, startServer, type TestServer } from './test-support.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'kw-sources-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function options(extra: Partial<SourceOptions> = {}): SourceOptions {
  // An empty docker config so the developer's own ~/.docker/config.json never leaks into tests.
  return { cacheDir: join(tmp, `cache-${Math.random().toString(36).slice(2)}`), dockerConfig: join(tmp, 'none.json'), insecure: true, retries: 1, timeoutMs: 5000, ...extra };
}

function demoStore(): { store: ImageStore; image: ReturnType<ImageStore['addImage']> } {
  const store = new ImageStore();
  const image = store.addImage({ os: 'linux', architecture: 'amd64' }, [randomLayer(3000, 1), randomLayer(5000, 2)]);
  store.tag('1.0', image.manifestDigest);
  return { store, image };
}

async function withServer<T>(server: TestServer, use: (server: TestServer) => Promise<T>): Promise<T> {
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

async function pull(reference: string, opts: SourceOptions) {
  const source = openImageSource(reference, opts);
  try {
    const image = await source.resolve();
    const layers = await Promise.all(image.layers.map(async (layer) => readAll(await layer.open())));
    return { image, layers };
  } finally {
    await source.close();
  }
}

test('anonymous pull resolves manifest, config and layers with diff ids', async () => {
  const { store, image } = demoStore();
  await withServer(await startRegistry(store), async (server) => {
    const { image: resolved, layers } = await pull(`${server.host}/demo/app:1.0`, options());
    assert.equal(resolved.repository, `${server.host}/demo/app`);
    assert.equal(resolved.tag, '1.0');
    assert.equal(resolved.manifestDigest, image.manifestDigest);
    assert.equal(resolved.configDigest, image.configDigest);
    assert.equal(resolved.platform, 'linux/amd64');
    assert.equal(resolved.config.config?.User, 'app');
    assert.deepEqual(resolved.layers.map((l) => l.digest), image.layerDigests);
    assert.deepEqual(resolved.layers.map((l) => l.diffId), image.layers.map((l) => sha256(l)));
    assert.deepEqual(layers, image.layers);
  });
});

test('Basic auth challenge is answered with the given credentials', async () => {
  const { store, image } = demoStore();
  const expected = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
  const hooks = {
    authorize: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
      if (req.headers.authorization === expected) return true;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm, with comma"' }).end();
      return false;
    },
  };
  await withServer(await startRegistry(store, hooks), async (server) => {
    const { image: resolved } = await pull(`${server.host}/demo/app:1.0`, options({ username: 'alice', password: 's3cret' }));
    assert.equal(resolved.manifestDigest, image.manifestDigest);
    await assert.rejects(pull(`${server.host}/demo/app:1.0`, options({ username: 'alice', password: 'wrong' })), (error: Error) => {
      assert.ok(error instanceof ImageSourceError);
      assert.match(error.message, new RegExp(`^authentication failed for 127\\.0\\.0\\.1:${server.port} \\(.*"alice"`));
      return true;
    });
    await assert.rejects(pull(`${server.host}/demo/app:1.0`, options()), /authentication required for 127\.0\.0\.1:\d+ \(no credentials found/);
  });
});

/** A registry demanding Bearer tokens and a token server checking scope and Basic credentials. */
async function bearerSetup(user: string, pass: string) {
  const { store, image } = demoStore();
  const tokenServer = await startServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const basic = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    if (req.headers.authorization !== basic) return void res.writeHead(401).end();
    if (url.searchParams.get('service') !== 'test-registry' || url.searchParams.get('scope') !== 'repository:demo/app:pull') return void res.writeHead(400).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'tok-demo-app' }));
  });
  const registry = await startRegistry(store, {
    authorize: (req, res) => {
      if (req.headers.authorization === 'Bearer tok-demo-app') return true;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${tokenServer.host}/token",service="test-registry",scope="repository:demo/app:pull"` }).end();
      return false;
    },
  });
  return { image, registry, tokenServer };
}

test('Bearer token flow: token fetched once per scope with Basic credentials', async () => {
  const { image, registry, tokenServer } = await bearerSetup('bob', 'pw');
  try {
    const { image: resolved, layers } = await pull(`${registry.host}/demo/app:1.0`, options({ username: 'bob', password: 'pw' }));
    assert.equal(resolved.manifestDigest, image.manifestDigest);
    assert.deepEqual(layers, image.layers);
    assert.equal(tokenServer.requests.length, 1, 'the token is cached for the scope');
    await assert.rejects(pull(`${registry.host}/demo/app:1.0`, options({ username: 'bob', password: 'nope' })), /^Error: authentication failed for 127\.0\.0\.1:\d+ \(token server 127\.0\.0\.1:\d+ refused the credentials of user "bob"/);
  } finally {
    await registry.close();
    await tokenServer.close();
  }
});

test('credentials come from docker config.json auths (auth field, host key with scheme)', async () => {
  const { image, registry, tokenServer } = await bearerSetup('carol', 'from-config');
  try {
    const config = join(tmp, 'docker-config.json');
    const auth = Buffer.from('carol:from-config').toString('base64');
    await writeFile(config, JSON.stringify({ auths: { [`https://${registry.host}`]: { auth } } }));
    const { image: resolved } = await pull(`${registry.host}/demo/app:1.0`, options({ dockerConfig: config }));
    assert.equal(resolved.manifestDigest, image.manifestDigest);
  } finally {
    await registry.close();
    await tokenServer.close();
  }
});

test('credentials come from a docker credential helper; a missing helper is a clear error', async () => {
  const { image, registry, tokenServer } = await bearerSetup('dave', 'helper-secret');
  const bin = join(tmp, 'bin');
  const savedPath = process.env.PATH;
  try {
    await rm(bin, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(bin));
    const helper = join(bin, 'docker-credential-kwtest');
    // The helper echoes the host it was asked about, so the test proves stdin carried it.
    await writeFile(helper, `#!/bin/sh\nread host\n[ "$host" = "${registry.host}" ] || exit 1\necho '{"ServerURL":"'$host'","Username":"dave","Secret":"helper-secret"}'\n`);
    await chmod(helper, 0o755);
    process.env.PATH = `${bin}:${savedPath}`;
    const config = join(tmp, 'helper-config.json');
    await writeFile(config, JSON.stringify({ credHelpers: { [registry.host]: 'kwtest' } }));
    const { image: resolved } = await pull(`${registry.host}/demo/app:1.0`, options({ dockerConfig: config }));
    assert.equal(resolved.manifestDigest, image.manifestDigest);
    await writeFile(config, JSON.stringify({ credsStore: 'kw-missing-helper' }));
    await assert.rejects(pull(`${registry.host}/demo/app:1.0`, options({ dockerConfig: config })), /credential helper docker-credential-kw-missing-helper .* is not installed/);
  } finally {
    process.env.PATH = savedPath;
    await registry.close();
    await tokenServer.close();
  }
});

test('multi-arch index: the --platform manifest is chosen, and a missing one lists what exists', async () => {
  const store = new ImageStore();
  const amd = store.addImage({ os: 'linux', architecture: 'amd64' }, [randomLayer(100, 3)]);
  const arm = store.addImage({ os: 'linux', architecture: 'arm64', variant: 'v8' }, [randomLayer(100, 4)]);
  const armv7 = store.addImage({ os: 'linux', architecture: 'arm', variant: 'v7' }, [randomLayer(100, 5)]);
  const index = store.addIndex([amd, arm, armv7]);
  store.tag('multi', index.digest);
  await withServer(await startRegistry(store), async (server) => {
    const ref = `${server.host}/demo/multi:multi`;
    const chosen = (await pull(ref, options({ platform: 'linux/arm64' }))).image;
    assert.equal(chosen.manifestDigest, arm.manifestDigest);
    assert.equal(chosen.indexDigest, index.digest);
    assert.equal(chosen.platform, 'linux/arm64/v8');
    assert.equal((await pull(ref, options())).image.manifestDigest, amd.manifestDigest);
    assert.equal((await pull(ref, options({ platform: 'linux/arm/v7' }))).image.manifestDigest, armv7.manifestDigest);
    const byDigest = (await pull(`${server.host}/demo/multi@${index.digest}`, options({ platform: 'linux/arm64/v8' }))).image;
    assert.equal(byDigest.manifestDigest, arm.manifestDigest);
    assert.equal(byDigest.tag, undefined);
    await assert.rejects(pull(ref, options({ platform: 'linux/s390x' })), /no manifest for platform linux\/s390x; available: linux\/amd64, linux\/arm64\/v8, linux\/arm\/v7/);
  });
});

test('schema1 manifests are refused with a clear error', async () => {
  const store = new ImageStore();
  const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'demo/old', tag: 'v1', fsLayers: [] }));
  store.manifests.set('v1', { bytes: schema1, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' });
  await withServer(await startRegistry(store), async (server) => {
    await assert.rejects(pull(`${server.host}/demo/old:v1`, options()), /schema1 manifests are not supported/);
  });
});

test('a manifest whose bytes do not match Docker-Content-Digest is refused', async () => {
  const { store } = demoStore();
  await withServer(
    await startRegistry(store, {
      any: (req, res) => {
        if (!req.url?.includes('/manifests/')) return false;
        const real = store.manifests.get('1.0')!.bytes;
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': sha256('something else') }).end(real);
        return true;
      },
    }),
    async (server) => {
      await assert.rejects(pull(`${server.host}/demo/app:1.0`, options()), /Docker-Content-Digest\): content digest sha256:[a-f0-9]{64} does not match/);
    },
  );
});

test('TLS: verified with --ca-file, refused when self-signed without it, accepted with --insecure', { skip: requireTool('openssl', ['version']) }, async () => {
  const { store, image } = demoStore();
  const cert = makeCertificate(tmp);
  await withServer(await startRegistry(store, {}, { key: cert.key, cert: cert.cert }), async (server) => {
    const ref = `${server.host}/demo/app:1.0`;
    const verified = await pull(ref, options({ insecure: false, caFile: cert.certPath }));
    assert.equal(verified.image.manifestDigest, image.manifestDigest);
    await assert.rejects(pull(ref, options({ insecure: false })), /^Error: TLS verification failed for 127\.0\.0\.1:\d+: self-signed certificate.*--ca-file/);
    assert.equal((await pull(ref, options({ insecure: true }))).image.manifestDigest, image.manifestDigest);
  });
});

test('insecure falls back to plain HTTP; without insecure plain HTTP is never used', async () => {
  const { store, image } = demoStore();
  await withServer(await startRegistry(store), async (server) => {
    const ref = `${server.host}/demo/app:1.0`;
    assert.equal((await pull(ref, options({ insecure: true }))).image.manifestDigest, image.manifestDigest);
    const before = server.requests.length;
    await assert.rejects(pull(ref, options({ insecure: false, retries: 0 })));
    assert.equal(server.requests.length, before, 'no HTTP request reached the plain-HTTP server');
  });
});

test('blob redirects to another host drop the Authorization header', async () => {
  const { store, image } = demoStore();
  const cdn = await startServer((req, res) => {
    const digest = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    serveBytes(req, res, store.blobs.get(digest)!);
  });
  const basic = `Basic ${Buffer.from('eve:pw').toString('base64')}`;
  const registry = await startRegistry(store, {
    authorize: (req, res) => {
      if (req.headers.authorization === basic) return true;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
      return false;
    },
    blob: (_req, res, digest) => {
      // localhost resolves to the same server but is another host, so credentials must not follow.
      res.writeHead(307, { location: `http://localhost:${cdn.port}/${digest}` }).end();
      return true;
    },
  });
  try {
    const { layers } = await pull(`${registry.host}/demo/app:1.0`, options({ username: 'eve', password: 'pw' }));
    assert.deepEqual(layers, image.layers);
    assert.ok(cdn.requests.length >= 3, 'config and layers came from the redirect target');
    for (const request of cdn.requests) assert.equal(request.headers.authorization, undefined);
  } finally {
    await registry.close();
    await cdn.close();
  }
});
