import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { imageTagIsLatest } from '../../inventory/index.js';
import { floatsOnLatest, hasDigest, parseImageReference } from './image-ref.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

test('registry ports, tags and digests are told apart', () => {
  assert.deepEqual(parseImageReference('nginx'), { repository: 'nginx' });
  assert.deepEqual(parseImageReference('nginx:1.25'), { repository: 'nginx', tag: '1.25' });
  assert.deepEqual(parseImageReference('registry:5000/app'), { registry: 'registry:5000', repository: 'app' });
  assert.deepEqual(parseImageReference('registry:5000/team/app:2.0'), { registry: 'registry:5000', repository: 'team/app', tag: '2.0' });
  assert.deepEqual(parseImageReference('localhost/app'), { registry: 'localhost', repository: 'app' });
  assert.deepEqual(parseImageReference('library/nginx:latest'), { repository: 'library/nginx', tag: 'latest' });
  assert.deepEqual(parseImageReference(`app@${DIGEST}`), { repository: 'app', digest: DIGEST });
  assert.deepEqual(parseImageReference(`app:1.2@${DIGEST}`), { repository: 'app', tag: '1.2', digest: DIGEST });
  assert.deepEqual(parseImageReference(`ghcr.io:443/org/app:v1@${DIGEST}`), { registry: 'ghcr.io:443', repository: 'org/app', tag: 'v1', digest: DIGEST });
  // upper case in the first component makes it a registry (distribution's rule)
  assert.equal(parseImageReference('MyRegistry/app').registry, 'MyRegistry');
});

test('latest and digest verdicts on hand-picked references', () => {
  const latest = (ref: string): boolean => floatsOnLatest(parseImageReference(ref));
  assert.equal(latest('nginx'), true);
  assert.equal(latest('nginx:latest'), true);
  assert.equal(latest('registry:5000/app'), true, 'the port is not a tag');
  assert.equal(latest('registry:5000/app:1.0'), false);
  assert.equal(latest(`app@${DIGEST}`), false);
  assert.equal(latest(`app:latest@${DIGEST}`), false, 'a digest pins the image whatever the tag says');
  assert.equal(hasDigest(parseImageReference(`app@${DIGEST}`)), true);
  assert.equal(hasDigest(parseImageReference('app@sha256:abc')), false, 'too short to be a digest');
  assert.equal(hasDigest(parseImageReference('app:1.0')), false);
});

// Generators following the distribution/reference grammar.
const component = fc.stringMatching(/^[a-z0-9]+(?:[_-][a-z0-9]+)*$/).filter((s) => s.length <= 20);
const dottedComponent = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/).filter((s) => s.length <= 20);
const host = fc.oneof(
  fc.constant('localhost'),
  fc.tuple(fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.stringMatching(/^[a-z]{2,6}$/)).map(([a, b]) => `${a}.${b}`),
);
const registry = fc.tuple(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([h, port]) => (port === undefined ? h : `${h}:${port}`));
const tag = fc.oneof(fc.constant('latest'), fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/));
const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);

const reference = fc.record({
  registry: fc.option(registry, { nil: undefined }),
  // Without a registry the first component must not look like one (no dot), as in real references.
  first: component,
  rest: fc.array(dottedComponent, { maxLength: 3 }),
  tag: fc.option(tag, { nil: undefined }),
  digest: fc.option(digest, { nil: undefined }),
});

test('parsing recovers every part of a generated reference (property)', () => {
  fc.assert(fc.property(reference, (r) => {
    const repository = [r.first, ...r.rest].join('/');
    const text = `${r.registry ? `${r.registry}/` : ''}${repository}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
    const parsed = parseImageReference(text);
    assert.equal(parsed.registry, r.registry, text);
    assert.equal(parsed.repository, repository, text);
    assert.equal(parsed.tag, r.tag, text);
    assert.equal(parsed.digest, r.digest, text);
  }), { numRuns: 500 });
});

test('a digest always pins; without one only `latest` or no tag floats (property)', () => {
  fc.assert(fc.property(reference, (r) => {
    const text = `${r.registry ? `${r.registry}/` : ''}${[r.first, ...r.rest].join('/')}${r.tag !== undefined ? `:${r.tag}` : ''}${r.digest !== undefined ? `@${r.digest}` : ''}`;
    const parsed = parseImageReference(text);
    const expectedFloating = r.digest === undefined && (r.tag === undefined || r.tag === 'latest');
    assert.equal(floatsOnLatest(parsed), expectedFloating, text);
    assert.equal(hasDigest(parsed), r.digest !== undefined, text);
    // and the verdict agrees with the rule normalization uses for the imagePullPolicy default
    assert.equal(floatsOnLatest(parsed), imageTagIsLatest(text), text);
  }), { numRuns: 500 });
});
