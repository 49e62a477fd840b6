import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SettingTest } from './data.js';
import { effectiveConfig } from './fake-snapshot.js';
import { evaluateTest, isLoopback, settingEvidence } from './settings.js';

const anon: SettingTest = { path: 'authentication.anonymous.enabled', flag: 'anonymous-auth', type: 'bool', op: 'eq', value: false, default: { configFile: false, flags: true } };

test('defaults differ between a config-file kubelet and a flags-only one', () => {
  const withFile = evaluateTest(effectiveConfig('kubelet', '/var/lib/kubelet/config.yaml', {}), anon);
  const flagsOnly = evaluateTest(effectiveConfig('kubelet', undefined, {}), anon);
  assert.equal(withFile.status, 'pass');
  assert.equal(flagsOnly.status, 'fail');
});

test('string flag values are read as Go reads them', () => {
  const config = effectiveConfig('kubelet', undefined, { 'authentication.anonymous.enabled': { value: 'False', origin: 'flag', where: '--anonymous-auth=False (/proc/5/cmdline)' } });
  assert.equal(evaluateTest(config, anon).status, 'pass');
  const bad = effectiveConfig('kubelet', undefined, { 'authentication.anonymous.enabled': { value: 'nope', origin: 'flag', where: '--anonymous-auth=nope (/proc/5/cmdline)' } });
  assert.equal(evaluateTest(bad, anon).status, 'unknown');
});

test('durations: 0 fails noteq 0, 5m passes; the default 4h passes', () => {
  const t: SettingTest = { path: 'streamingConnectionIdleTimeout', type: 'duration', op: 'noteq', value: '0', default: { configFile: '4h0m0s', flags: '4h0m0s' } };
  const at = (value: unknown) => evaluateTest(effectiveConfig('kubelet', '/c', { streamingConnectionIdleTimeout: { value, origin: 'config-file', where: '/c:3' } }), t).status;
  assert.equal(at('0s'), 'fail');
  assert.equal(at('5m'), 'pass');
  assert.equal(evaluateTest(effectiveConfig('kubelet', '/c', {}), t).status, 'pass');
});

test('feature gates are found inside a featureGates map setting', () => {
  const t: SettingTest = { path: 'featureGates.RotateKubeletServerCertificate', type: 'bool', op: 'eq', value: true, default: { configFile: true, flags: true } };
  const off = effectiveConfig('kubelet', '/c', { featureGates: { value: { RotateKubeletServerCertificate: false }, origin: 'config-file', where: '/c:9' } });
  assert.equal(evaluateTest(off, t).status, 'fail');
});

test('configuration problems make unset values unknown rather than defaulted', () => {
  const broken = effectiveConfig('kubelet', '/var/lib/kubelet/config.yaml', {}, {}, ['/var/lib/kubelet/config.yaml:3:1: bad indentation']);
  const result = evaluateTest(broken, anon);
  assert.equal(result.status, 'unknown');
  assert.match((result as { reason: string }).reason, /bad indentation/);
});

test('evidence points at the config file line, or at the command line, and says what was overridden', () => {
  const fromFile = evaluateTest(effectiveConfig('kubelet', '/c', { 'authentication.anonymous.enabled': { value: true, origin: 'config-file', where: '/var/lib/kubelet/config.yaml:12' } }), anon);
  assert.equal(fromFile.status, 'fail');
  const e1 = settingEvidence(fromFile as never, anon, '4.2.1', 'cis-1.12');
  assert.equal(e1.path, '/var/lib/kubelet/config.yaml');
  assert.deepEqual(e1.position, { file: '/var/lib/kubelet/config.yaml', line: 12, column: 1 });
  const fromFlag = evaluateTest(effectiveConfig('kubelet', '/c', { 'authentication.anonymous.enabled': {
    value: 'true', origin: 'flag', where: '--anonymous-auth=true (/proc/812/cmdline)', overridden: [{ value: false, origin: 'config-file', where: '/var/lib/kubelet/config.yaml:4' }],
  } }), anon);
  const e2 = settingEvidence(fromFlag as never, anon, '4.2.1', 'cis-1.12');
  assert.equal(e2.path, '/proc/812/cmdline');
  assert.equal(e2.position, undefined);
  assert.equal(e2.detail, 'authentication.anonymous.enabled is true (--anonymous-auth=true (/proc/812/cmdline), overriding false (config-file, /var/lib/kubelet/config.yaml:4)); CIS 4.2.1 (cis-1.12) expects authentication.anonymous.enabled = false');
});

test('valid_elements, nothave on a single-mode string, and loopback addresses', () => {
  const ciphers: SettingTest = { path: 'tlsCipherSuites', type: 'list', op: 'valid_elements', values: ['A', 'B'] };
  const at = (value: unknown, t: SettingTest) => evaluateTest(effectiveConfig('kubelet', '/c', { [t.path!]: { value, origin: 'config-file', where: '/c:1' } }), t).status;
  assert.equal(at(['A'], ciphers), 'pass');
  assert.equal(at('A,C', ciphers), 'fail');
  const mode: SettingTest = { path: 'authorization.mode', type: 'list', op: 'nothave', value: 'AlwaysAllow' };
  assert.equal(at('Webhook', mode), 'pass');
  assert.equal(at('AlwaysAllow', mode), 'fail');
  for (const a of ['127.0.0.1:10249', '[::1]:10249', 'localhost:10249', '127.0.0.2']) assert.equal(isLoopback(a), true, a);
  for (const a of ['0.0.0.0:10249', ':10249', '10.0.0.5:10249', '[::]:10249']) assert.equal(isLoopback(a), false, a);
});

test('flag-only settings: --hostname-override given fails unset', () => {
  const t: SettingTest = { flagOnly: 'hostname-override', op: 'unset' };
  const given = effectiveConfig('kubelet', '/c', {}, { 'hostname-override': { value: 'node-a', origin: 'flag', where: '--hostname-override=node-a (/proc/5/cmdline)' } });
  assert.equal(evaluateTest(given, t).status, 'fail');
  assert.equal(evaluateTest(effectiveConfig('kubelet', '/c', {}), t).status, 'pass');
});
