import { Buffer } from 'node:buffer';
import type { ContainerView, InventoryObject, JsonPath } from '../../inventory/index.js';
import { objectCheck, podCheck, type Check, type Violation } from '../check.js';
import { containerLabel } from '../security-context.js';
import { assignments, findSecretValues, isPlaceholder, isSensitiveName, judgeNamedValue, maskSecret, type SecretHit } from './secret-scan.js';
import { cis, entries, kubeLinter, kubescape, kubescapeDoc, ksv, meta, mitre, objectAt, polaris, show, violation } from './util.js';

// Secrets handed to containers through their environment (KW-WL-041), written literally into a
// manifest (KW-WL-042), or kept in ConfigMaps (KW-WL-043). A secret value is never put into a
// finding: evidence carries `maskSecret(…)` only.

const SECRETS_DOC = 'https://kubernetes.io/docs/concepts/configuration/secret/';
const GOOD_PRACTICES_DOC = 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/';

/** "a GitHub token (gh*** (40 chars))". */
const described = (hit: SecretHit): string => `${hit.description} (${maskSecret(hit.secret)})`;

/** KW-WL-041 */
export const secretsInEnv = podCheck(meta({
  id: 'KW-WL-041',
  title: 'Secret exposed as environment variables',
  severity: 'low',
  description: 'A container reads a Secret into environment variables, through env[].valueFrom.secretKeyRef or envFrom[].secretRef.',
  rationale: 'Environment variables leak easily: they are inherited by every child process, printed by crash handlers and debug endpoints, visible in /proc/<pid>/environ to anything sharing the process namespace, and copied into logs and error reports. Secrets mounted as files are read only when needed and can be updated without a restart.',
  remediation: 'Mount the Secret as a volume (optionally with a projected volume and items to select keys) and have the application read the file.',
  references: [`${SECRETS_DOC}#using-secrets-as-files-from-a-pod`, GOOD_PRACTICES_DOC, kubescapeDoc('C-0207')],
  aliases: [...kubescape('C-0207'), ...cis('5.4.1'), ...kubeLinter('read-secret-from-env-var')],
}), (pod) => pod.containers.flatMap((container) => {
  const label = containerLabel(container);
  const fromEnv = entries(container.spec.env).flatMap(({ entry, index }) => {
    const ref = objectAt(objectAt(entry, 'valueFrom'), 'secretKeyRef');
    if (!ref) return [];
    return [violation([...container.path, 'env', index, 'valueFrom', 'secretKeyRef'],
      `${label} reads key \`${show(ref.key)}\` of Secret \`${show(ref.name)}\` into env var ${show(entry.name)}`, { container })];
  });
  const fromEnvFrom = entries(container.spec.envFrom).flatMap(({ entry, index }) => {
    const ref = objectAt(entry, 'secretRef');
    if (!ref) return [];
    const prefix = typeof entry.prefix === 'string' && entry.prefix !== '' ? ` (prefixed ${entry.prefix})` : '';
    return [violation([...container.path, 'envFrom', index, 'secretRef'],
      `${label} imports every key of Secret \`${show(ref.name)}\` as env vars${prefix}`, { container })];
  });
  return [...fromEnv, ...fromEnvFrom];
}));

function literalEnvSecrets(container: ContainerView): Violation[] {
  return entries(container.spec.env).flatMap(({ entry, index }) => {
    const name = typeof entry.name === 'string' ? entry.name : `#${index}`;
    if (typeof entry.value !== 'string' || entry.value === '') return [];
    const path: JsonPath = [...container.path, 'env', index, 'value'];
    return judgeNamedValue(name, entry.value).map((hit) => violation(path,
      hit.id === 'sensitive-name'
        ? `${containerLabel(container)} sets env var ${name} to a literal value (${maskSecret(hit.secret)})`
        : `${containerLabel(container)} env var ${name} holds ${described(hit)}`,
      { value: maskSecret(hit.secret), container }));
  });
}

/** KW-WL-042 */
export const literalSecretInEnv = podCheck(meta({
  id: 'KW-WL-042',
  title: 'Literal secret in an environment variable',
  severity: 'high',
  description: 'A container sets an environment variable with a literal value (env[].value, not valueFrom) that is a secret: its name says so (PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY, CREDENTIAL…) or the value has a well-known secret format (AWS access key id, GitHub / GitLab / Slack / Stripe / npm tokens, private keys, JWTs, passwords in URLs or connection strings). References such as $(VAR), ${VAR} and {{ template }} and names ending in _FILE, _PATH, _NAME… are not reported.',
  rationale: 'A secret written into a manifest is in Git history, in CI logs, in `kubectl get -o yaml` output for anyone who can read the workload, and in every copy of the chart. It cannot be rotated without a redeploy and is rarely rotated at all.',
  remediation: 'Move the value into a Secret (or an external secret store synced into one) and reference it with valueFrom.secretKeyRef or, better, a mounted file; then rotate the exposed credential, since it must be assumed leaked.',
  references: [SECRETS_DOC, GOOD_PRACTICES_DOC, kubescapeDoc('C-0012')],
  aliases: [...kubescape('C-0012'), ...polaris('sensitiveContainerEnvVar'), ...kubeLinter('env-var-secret'), ...mitre('T1552')],
}), (pod) => pod.containers.flatMap(literalEnvSecrets));

/** A literal value that is a secret because of the name it is stored under. */
const literal = (secret: string): SecretHit => ({ id: 'sensitive-name', description: 'a literal value', secret });

/** Every secret a ConfigMap entry gives away: by value format, by key name, or by `name=value` lines inside it. */
function configMapEntrySecrets(key: string, value: string): { hit: SecretHit; where: string }[] {
  const byFormat = findSecretValues(value).map((hit) => ({ hit, where: `key \`${key}\` holds ${hit.description}` }));
  if (isSensitiveName(key) && !isPlaceholder(value)) {
    return byFormat.length > 0 ? byFormat : [{ hit: literal(value), where: `key \`${key}\` holds a literal value` }];
  }
  // The value may be a config file (properties, .env, YAML, JSON, INI): look at its assignments.
  // Values that also match a secret format are already reported above.
  const byLine = assignments(value)
    .filter(({ name, value: assigned }) => isSensitiveName(name) && !isPlaceholder(assigned) && findSecretValues(assigned).length === 0)
    .map(({ line, name, value: assigned }) => ({ hit: literal(assigned), where: `key \`${key}\` line ${line} sets \`${name}\` to a literal value` }));
  return [...byFormat, ...byLine];
}

/** KW-WL-043 */
export const secretsInConfigMap = objectCheck(meta({
  id: 'KW-WL-043',
  title: 'Secret stored in a ConfigMap',
  severity: 'high',
  description: 'A ConfigMap holds a secret: a data or binaryData key with a secret-looking name (password, token, api-key, client_secret…) and a literal value, a value in a well-known secret format (private keys, cloud and SaaS tokens, passwords in URLs or connection strings), or a config file whose lines assign a literal to a secret-looking setting (db.password=…, "apiKey": "…").',
  rationale: 'ConfigMaps are not treated as confidential: RBAC commonly lets many users and controllers read them, they are not encrypted at rest by an EncryptionConfiguration aimed at Secrets, and they end up in logs, dashboards and Git. A credential in one is as good as published.',
  remediation: 'Move the value into a Secret (or an external secret store), reference it from the configuration (e.g. ${DB_PASSWORD} resolved from a mounted Secret), and rotate the exposed credential.',
  references: [SECRETS_DOC, GOOD_PRACTICES_DOC, kubescapeDoc('C-0012')],
  aliases: [...ksv('KSV-0109', 'KSV-01010'), ...kubescape('C-0012'), ...polaris('sensitiveConfigmapContent'), ...mitre('T1552')],
}), ['ConfigMap'], (object: InventoryObject) => {
  const out: Violation[] = [];
  const data = objectAt(object.object, 'data') ?? {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || value === '') continue;
    for (const { hit, where } of configMapEntrySecrets(key, value)) {
      out.push(violation(['data', key], `ConfigMap ${where} (${maskSecret(hit.secret)})`, { value: maskSecret(hit.secret) }));
    }
  }
  const binary = objectAt(object.object, 'binaryData') ?? {};
  for (const [key, value] of Object.entries(binary)) {
    if (typeof value !== 'string' || value === '') continue;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const byFormat = findSecretValues(decoded).map((hit) => ({ hit, where: `binaryData key \`${key}\` holds ${hit.description}` }));
    const hits = byFormat.length === 0 && isSensitiveName(key) ? [{ hit: literal(decoded), where: `binaryData key \`${key}\` holds a literal value` }] : byFormat;
    for (const { hit, where } of hits) out.push(violation(['binaryData', key], `ConfigMap ${where} (${maskSecret(hit.secret)})`, { value: maskSecret(hit.secret) }));
  }
  return out;
});

export const SECRET_CHECKS: readonly Check[] = [secretsInEnv, literalSecretInEnv, secretsInConfigMap];
