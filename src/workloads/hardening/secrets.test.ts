import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf } from '../../../test/support.js';
import type { Check } from '../check.js';
import { findSecretValues, isPlaceholder, isSensitiveName, maskSecret, normalizeName } from './secret-scan.js';
import { literalSecretInEnv, secretsInConfigMap, secretsInEnv } from './secrets.js';

function scan(yaml: string, check: Check) {
  return findingsOf(yaml, check);
}

// Realistic-looking but fake credentials (random characters in the providers' formats).
const DB_PASSWORD = 'Tr0ub4dor&3-horse';
const AWS_KEY_ID = 'AKIAQX7Z2M4N6P8R0T2V';
const GITHUB_TOKEN = `ghp_${'k3Lm9QzX2vB7nR4tY8wE1uI6oP5aS0dF'.padEnd(36, 'G')}`;
const SLACK_TOKEN = 'xoxb-2048-4096-Zq7Xk2Lm9Vb4Nc8';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImV4cCI6MTk5OTk5OTk5OX0.c2lnbmF0dXJlLXZhbHVlLWhlcmU';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----';
const URL_PASSWORD = 'S3cr3tUrlPw';

/** The whole finding list, serialized: a secret must not appear anywhere in it. */
const assertNotLeaked = (findings: unknown, ...secrets: string[]) => {
  const json = JSON.stringify(findings);
  for (const secret of secrets) {
    assert.ok(!json.includes(secret), `secret ${secret.slice(0, 4)}… leaked into the findings`);
    // not even JSON-escaped (the PEM has newlines)
    assert.ok(!json.includes(JSON.stringify(secret).slice(1, -1)), 'escaped secret leaked');
  }
};

test('names are normalized before matching, and references to secrets are not secrets', () => {
  assert.equal(normalizeName('dbPassword'), 'DB_PASSWORD');
  assert.equal(normalizeName('spring.datasource.password'), 'SPRING_DATASOURCE_PASSWORD');
  assert.equal(normalizeName('x-api-key'), 'X_API_KEY');
  for (const name of ['DB_PASSWORD', 'dbPassword', 'API_KEY', 'apiKey', 'APIKEY', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'client_secret', 'PRIVATE_KEY', 'ssh-privatekey', 'GOOGLE_APPLICATION_CREDENTIALS', 'DB_PASS', 'oauth.accessToken', 'OCI_CLI_KEY_CONTENT']) {
    assert.equal(isSensitiveName(name), true, name);
  }
  for (const name of ['PASSWORD_FILE', 'DB_PASSWORD_PATH', 'SECRET_NAME', 'TOKEN_URL', 'TOKEN_TTL', 'PWD', 'HOSTNAME', 'CACHE_KEY_PREFIX', 'MAX_TOKENS', 'BYPASS_CACHE', 'TOKENIZER_MODEL', 'LOG_LEVEL']) {
    assert.equal(isSensitiveName(name), false, name);
  }
  for (const value of ['$(DB_PASSWORD)', '${DB_PASSWORD}', '{{ .Values.password }}', '<your-password>', 'true', 'OFF', '', '  ', '/var/run/secrets/db/password', 'vault:secret/data/db#password', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', 'ENC(abcdef)']) {
    assert.equal(isPlaceholder(value), true, value);
  }
  for (const value of [DB_PASSWORD, 'changeme', '12345']) assert.equal(isPlaceholder(value), false, value);
});

test('well-known secret formats are recognized wherever they appear in a value', () => {
  const ids = (text: string) => findSecretValues(text).map((h) => h.id);
  assert.deepEqual(ids(`key=${AWS_KEY_ID}`), ['aws-access-key-id']);
  assert.deepEqual(ids(GITHUB_TOKEN), ['github-token']);
  assert.deepEqual(ids(SLACK_TOKEN), ['slack-token']);
  assert.deepEqual(ids(JWT), ['jwt']);
  assert.deepEqual(ids(PEM), ['private-key']);
  assert.deepEqual(ids(`postgres://app:${URL_PASSWORD}@db:5432/shop`), ['url-credentials']);
  assert.equal(findSecretValues(`postgres://app:${URL_PASSWORD}@db/shop`)[0]!.secret, URL_PASSWORD, 'only the password part is the secret');
  assert.deepEqual(ids('postgres://app:$(DB_PASSWORD)@db/shop'), [], 'a referenced password is not a literal');
  assert.deepEqual(ids('Server=db;User Id=sa;Password=Pa55word!;'), ['connection-string-password']);
  assert.deepEqual(ids('https://example.com/path?x=1'), []);
  assert.deepEqual(ids('AKIA-not-a-key'), []);
});

test('masking keeps at most two characters and the length', () => {
  assert.equal(maskSecret('hunter2hunter2'), 'hu*** (14 chars)');
  assert.equal(maskSecret('short'), '*** (5 chars)');
});

test('KW-WL-041 reports secretKeyRef and envFrom secretRef in every container list', () => {
  const yaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: n}
spec:
  template:
    spec:
      initContainers:
        - name: migrate
          image: m:1
          envFrom: [{configMapRef: {name: cfg}}, {secretRef: {name: db}, prefix: DB_}]
      containers:
        - name: app
          image: a:1
          env:
            - {name: MODE, value: prod}
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
      ephemeralContainers:
        - name: debug
          image: b:1
          env: [{name: T, valueFrom: {secretKeyRef: {name: tok, key: t}}}]
`;
  const findings = scan(yaml, secretsInEnv);
  const paths = findings.flatMap((f) => f.evidence.map((e) => e.path)).sort();
  assert.deepEqual(paths, [
    'spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef',
    'spec.template.spec.ephemeralContainers[0].env[0].valueFrom.secretKeyRef',
    'spec.template.spec.initContainers[0].envFrom[1].secretRef',
  ]);
  assert.match(findings.find((f) => f.container === 'app')!.message, /reads key `password` of Secret `db` into env var DB_PASSWORD/);
  assert.match(findings.find((f) => f.container === 'migrate')!.message, /imports every key of Secret `db` as env vars \(prefixed DB_\)/);
});

test('KW-WL-042 reports literal secrets in env, masked, and leaves references alone', () => {
  const yaml = `apiVersion: batch/v1
kind: CronJob
metadata: {name: sync, namespace: n}
spec:
  schedule: "@hourly"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: init
              image: i:1
              env: [{name: GH, value: "${GITHUB_TOKEN}"}]
          containers:
            - name: app
              image: a:1
              env:
                - {name: DB_PASSWORD, value: "${DB_PASSWORD}"}
                - {name: DB_URL, value: "postgres://app:${URL_PASSWORD}@db/shop"}
                - {name: API_KEY, value: "$(SHARED_API_KEY)"}
                - {name: PASSWORD_FILE, value: /run/secrets/db}
                - {name: TOKEN_TTL, value: "3600"}
                - {name: CLIENT_SECRET, valueFrom: {secretKeyRef: {name: s, key: k}}}
                - {name: EMPTY_SECRET, value: ""}
                - {name: NOTE, value: hello}
          ephemeralContainers:
            - name: debug
              image: b:1
              env: [{name: AWS_ACCESS_KEY_ID, value: ${AWS_KEY_ID}}]
`;
  const findings = scan(yaml, literalSecretInEnv);
  const paths = findings.flatMap((f) => f.evidence.map((e) => e.path)).sort();
  assert.deepEqual(paths, [
    'spec.jobTemplate.spec.template.spec.containers[0].env[0].value',
    'spec.jobTemplate.spec.template.spec.containers[0].env[1].value',
    'spec.jobTemplate.spec.template.spec.ephemeralContainers[0].env[0].value',
    'spec.jobTemplate.spec.template.spec.initContainers[0].env[0].value',
  ]);
  const app = findings.find((f) => f.container === 'app')!;
  assert.equal(app.evidence[0]!.value, maskSecret(DB_PASSWORD));
  assert.match(app.evidence[1]!.detail!, /env var DB_URL holds a URL with an embedded password/);
  assert.match(findings.find((f) => f.container === 'init')!.message, /holds a GitHub token \(gh\*\*\* \(40 chars\)\)/);
  assertNotLeaked(findings, DB_PASSWORD, GITHUB_TOKEN, URL_PASSWORD, AWS_KEY_ID);
});

test('KW-WL-043 reports secrets in ConfigMap keys, values, config-file lines and binaryData — masked', () => {
  const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: n}
data:
  db-password: "${DB_PASSWORD}"
  slack: "${SLACK_TOKEN}"
  application.properties: |
    server.port=8080
    spring.datasource.url=jdbc:postgresql://db:5432/shop
    spring.datasource.password=${URL_PASSWORD}
    spring.datasource.username=\${DB_USER}
    app.jwt.secret=\${JWT_SECRET}
  config.json: |
    {"issuer": "me", "token": "${JWT}"}
  password_file: /etc/app/password
  log-level: debug
binaryData:
  signing.key: ${Buffer.from(PEM).toString('base64')}
  logo.png: iVBORw0KGgo=
`;
  const findings = scan(yaml, secretsInConfigMap);
  assert.equal(findings.length, 1, 'one finding per ConfigMap');
  const evidence = findings[0]!.evidence;
  assert.deepEqual(evidence.map((e) => e.path).sort(), [
    'binaryData["signing.key"]',
    'data["application.properties"]',
    'data["config.json"]',
    'data.db-password',
    'data.slack',
  ].sort());
  const line = evidence.find((e) => e.path === 'data["application.properties"]')!;
  assert.match(line.detail!, /line 3 sets `spring\.datasource\.password` to a literal value/);
  assert.equal(line.value, maskSecret(URL_PASSWORD));
  assert.match(evidence.find((e) => e.path === 'data["config.json"]')!.detail!, /JSON Web Token/);
  assert.match(evidence.find((e) => e.path === 'binaryData["signing.key"]')!.detail!, /private key/);
  assertNotLeaked(findings, DB_PASSWORD, SLACK_TOKEN, URL_PASSWORD, JWT, PEM, Buffer.from(PEM).toString('base64'));
});

test('KW-WL-043 is quiet for ordinary configuration', () => {
  const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: plain, namespace: n}
data:
  LOG_LEVEL: info
  nginx.conf: |
    server { listen 8080; }
  secret-name: db-credentials
  settings.yaml: |
    password: \${DB_PASSWORD}
    tokenUrl: https://auth.example.com/token
`;
  assert.deepEqual(scan(yaml, secretsInConfigMap), []);
});
