import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ImageSourceError } from '../model.js';
import { parseChallenges } from './challenge.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir, formatReference, parseReference, parsePlatform, platformMatches } from './index.js';

const D64 = `sha256:${'a'.repeat(64)}`;
const HUB = 'registry-1.docker.io';

test('parseReference normalises like docker', () => {
  const cases: [string, ReturnType<typeof parseReference>][] = [
    ['alpine', { registry: HUB, displayRegistry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.19', { registry: HUB, displayRegistry: 'docker.io', repository: 'library/alpine', tag: '3.19' }],
    ['docker.io/alpine', { registry: HUB, displayRegistry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['index.docker.io/library/alpine', { registry: HUB, displayRegistry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['bitnami/nginx:1.25', { registry: HUB, displayRegistry: 'docker.io', repository: 'bitnami/nginx', tag: '1.25' }],
    ['foo_bar/baz', { registry: HUB, displayRegistry: 'docker.io', repository: 'foo_bar/baz', tag: 'latest' }],
    ['localhost/app', { registry: 'localhost', displayRegistry: 'localhost', repository: 'app', tag: 'latest' }],
    ['localhost:5000/a/b:c', { registry: 'localhost:5000', displayRegistry: 'localhost:5000', repository: 'a/b', tag: 'c' }],
    ['127.0.0.1:5000/demo/debian', { registry: '127.0.0.1:5000', displayRegistry: '127.0.0.1:5000', repository: 'demo/debian', tag: 'latest' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', displayRegistry: '[::1]:5000', repository: 'app', tag: 'latest' }],
    [`ghcr.io/org/img@${D64}`, { registry: 'ghcr.io', displayRegistry: 'ghcr.io', repository: 'org/img', digest: D64 }],
    [`quay.io/x/y:v1@${D64}`, { registry: 'quay.io', displayRegistry: 'quay.io', repository: 'x/y', tag: 'v1', digest: D64 }],
    ['example.com:5000/app-x/a__b.c:1.0_rc-1', { registry: 'example.com:5000', displayRegistry: 'example.com:5000', repository: 'app-x/a__b.c', tag: '1.0_rc-1' }],
  ];
  for (const [input, expected] of cases) assert.deepEqual(parseReference(input), expected, input);
});

test('parseReference rejects malformed references with the reason', () => {
  const cases: [string, RegExp][] = [
    ['', /empty reference/],
    ['Alpine', /must be lowercase/],
    ['alpine:', /tag "" must match/],
    ['alpine:-bad', /tag "-bad" must match/],
    ['alpine@sha256:abc', /digest "sha256:abc" is not sha256/],
    [`alpine@md5:${'a'.repeat(32)}`, /is not sha256/],
    ['a//b', /empty path component/],
    ['example.com/', /empty path component/],
    ['exa_mple.com/app', /invalid registry host "exa_mple.com"/],
    ['a:b:c', /invalid path component "a:b"/],
    ['app/-x', /invalid path component "-x"/],
    [`x/${'a'.repeat(260)}`, /name longer than 255/],
  ];
  for (const [input, pattern] of cases) {
    assert.throws(() => parseReference(input), (error: Error) => error instanceof ImageSourceError && pattern.test(error.message) && error.message.includes('invalid image reference'), input);
  }
});

const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,6}){0,2}$/);
const domain = fc.oneof(fc.constant(undefined), fc.constant('localhost'), fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.[a-z]{2,5}$/), fc.stringMatching(/^[a-z][a-z0-9]{0,8}\.[a-z]{2,5}:[1-9][0-9]{0,4}$/));
const tag = fc.oneof(fc.constant(undefined), fc.stringMatching(/^\w[\w.-]{0,20}$/));
const digest = fc.oneof(fc.constant(undefined), fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`));

test('property: generated references parse into their parts and format back to an equivalent reference', () => {
  fc.assert(
    fc.property(domain, fc.array(component, { minLength: 1, maxLength: 3 }), tag, digest, (host, parts, t, d) => {
      // Without a host, a first component with a dot is itself a host (docker's rule), tested in the table.
      fc.pre(!!host || parts.length === 1 || !(parts[0]!.includes('.') || parts[0] === 'localhost'));
      const path = parts.join('/');
      const text = `${host ? `${host}/` : ''}${path}${t ? `:${t}` : ''}${d ? `@${d}` : ''}`;
      const parsed = parseReference(text);
      const onHub = !host;
      assert.equal(parsed.registry, onHub ? HUB : host);
      assert.equal(parsed.repository, onHub && parts.length === 1 ? `library/${path}` : path);
      assert.equal(parsed.tag, t ?? (d ? undefined : 'latest'));
      assert.equal(parsed.digest, d);
      assert.deepEqual(parseReference(formatReference(parsed)), parsed);
    }),
  );
});

test('property: arbitrary strings either parse or throw an ImageSourceError, never anything else', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (text) => {
      try {
        parseReference(text);
      } catch (error) {
        assert.ok(error instanceof ImageSourceError);
      }
    }),
  );
});

test('WWW-Authenticate: quoted params with commas, several challenges, escapes', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
  ]);
  assert.deepEqual(parseChallenges('Bearer realm="x", scope="repository:a:pull,push", Basic realm="a, b"'), [
    { scheme: 'bearer', params: { realm: 'x', scope: 'repository:a:pull,push' } },
    { scheme: 'basic', params: { realm: 'a, b' } },
  ]);
  assert.deepEqual(parseChallenges('basic Realm=plain'), [{ scheme: 'basic', params: { realm: 'plain' } }]);
  assert.deepEqual(parseChallenges('Basic realm="say \\"hi\\""'), [{ scheme: 'basic', params: { realm: 'say "hi"' } }]);
  assert.deepEqual(parseChallenges(''), []);
});

test('property: quoted parameter values survive parsing whatever they contain', () => {
  const quote = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), (realm, scope) => {
      const [challenge] = parseChallenges(`Bearer realm=${quote(realm)},scope=${quote(scope)}, Basic realm="b"`);
      assert.deepEqual(challenge, { scheme: 'bearer', params: { realm, scope } });
    }),
  );
});

test('platforms: default variants, aliases and explicit variants', () => {
  assert.deepEqual(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64' });
  assert.ok(platformMatches(parsePlatform('linux/arm64'), { os: 'linux', architecture: 'arm64', variant: 'v8' }));
  assert.ok(platformMatches(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' }));
  assert.ok(platformMatches(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' }));
  assert.ok(!platformMatches(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v6' }));
  assert.ok(platformMatches(parsePlatform('linux/arm/v6'), { os: 'linux', architecture: 'arm', variant: 'v6' }));
  assert.ok(!platformMatches(parsePlatform('linux/amd64'), { os: 'windows', architecture: 'amd64' }));
  assert.throws(() => parsePlatform('linux'), /invalid platform "linux"/);
  assert.throws(() => parsePlatform('linux/amd64/v2/x'), ImageSourceError);
});

test('defaultCacheDir: $XDG_CACHE_HOME/kubeward, else ~/.cache/kubeward', () => {
  const saved = process.env.XDG_CACHE_HOME;
  try {
    process.env.XDG_CACHE_HOME = '/var/tmp/xdg';
    assert.equal(defaultCacheDir(), '/var/tmp/xdg/kubeward');
    delete process.env.XDG_CACHE_HOME;
    assert.equal(defaultCacheDir(), join(homedir(), '.cache', 'kubeward'));
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
});
