import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEtcdEncryption, endpointUrl, prefixRangeEnd } from './check.js';

test('a prefix range ends at the prefix with its last byte incremented', () => {
  assert.equal(prefixRangeEnd('/registry/secrets/').toString('utf8'), '/registry/secrets0');
});

test('endpoints: host:port means https, other schemes are refused', () => {
  assert.equal(endpointUrl('10.0.0.2:2379')?.href, 'https://10.0.0.2:2379/');
  assert.equal(endpointUrl('http://127.0.0.1:2379')?.href, 'http://127.0.0.1:2379/');
  assert.equal(endpointUrl('unix:///run/etcd.sock'), undefined);
});

test('no endpoint, a bad endpoint, half a key pair: errors, never a throw', async () => {
  assert.deepEqual(await checkEtcdEncryption({ endpoints: [] }), { endpoint: '', resources: [], errors: ['no etcd endpoint given (--endpoints), and none found on this node'] });
  assert.deepEqual((await checkEtcdEncryption({ endpoints: ['unix:///x'] })).errors, ['unix:///x: not an http(s) URL']);
  assert.deepEqual((await checkEtcdEncryption({ endpoints: ['https://127.0.0.1:1'], cert: '/dev/null' })).errors, ['--cert and --key go together: give both or neither']);
});
