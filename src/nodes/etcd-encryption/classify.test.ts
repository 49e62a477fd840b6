import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBase64, classifyPrefix, PREFIX_BASE64_CHARS } from './classify.js';

const of = (text: string) => classifyPrefix(Buffer.from(text, 'latin1'));

test('plaintext: protobuf magic k8s\\0 and JSON objects', () => {
  assert.deepEqual(of('k8s\u0000\n\u000c\n\u0002v1\u0012\u0006Secret'), { kind: 'plaintext', encoding: 'protobuf' });
  assert.deepEqual(of('{"kind":"Secret"}'), { kind: 'plaintext', encoding: 'json' });
});

test('envelopes of each provider, with the key or plugin name', () => {
  assert.deepEqual(of('k8s:enc:aescbc:v1:key1:\u0001\u0002'), { kind: 'encrypted', provider: 'aescbc', keyName: 'key1' });
  assert.deepEqual(of('k8s:enc:aesgcm:v1:2024-rotation:xx'), { kind: 'encrypted', provider: 'aesgcm', keyName: '2024-rotation' });
  assert.deepEqual(of('k8s:enc:secretbox:v1:k:'), { kind: 'encrypted', provider: 'secretbox', keyName: 'k' });
  assert.deepEqual(of('k8s:enc:kms:v1:vault:\u0000'), { kind: 'encrypted', provider: 'kms v1', keyName: 'vault' });
  assert.deepEqual(of('k8s:enc:kms:v2:mykms:\n'), { kind: 'encrypted', provider: 'kms v2', keyName: 'mykms' });
});

test('anything else is unknown: other bytes, a bare or malformed k8s:enc: prefix', () => {
  assert.deepEqual(of('hello'), { kind: 'unknown' });
  assert.deepEqual(of('k8s:enc:none:the-database-password'), { kind: 'unknown' });
  assert.deepEqual(of('k8s:enc:aescbc:v1:'), { kind: 'unknown' });
  assert.deepEqual(of('k8s\u0001'), { kind: 'unknown' });
  assert.deepEqual(classifyBase64(undefined), { kind: 'unknown' });
  assert.deepEqual(classifyBase64(''), { kind: 'unknown' });
});

test('only the prefix of a base64 value is decoded, and it is enough for a 256-character kms name', () => {
  const name = 'n'.repeat(256);
  const value = Buffer.concat([Buffer.from(`k8s:enc:kms:v2:${name}:`), Buffer.alloc(10_000, 0xff)]).toString('base64');
  assert.deepEqual(classifyBase64(value), { kind: 'encrypted', provider: 'kms v2', keyName: name });
  // A value whose tail is not even valid base64 still classifies: the tail is never read.
  const json = Buffer.from('{"a":1}'.padEnd(PREFIX_BASE64_CHARS, ' ')).toString('base64').slice(0, PREFIX_BASE64_CHARS) + '!!!!not base64';
  assert.deepEqual(classifyBase64(json), { kind: 'plaintext', encoding: 'json' });
});
