import { createHash } from 'node:crypto';
import { aliasLabel, type CheckMeta } from '../core/catalog.js';
import { inputErrorLabel } from '../core/coverage.js';
import { resourceLabel, type Finding, type SourcePosition, type SuppressedFinding } from '../core/finding.js';
import type { ScanResult } from '../core/scan-result.js';
import type { Severity } from '../core/severity.js';
import { benchmarkLabel, isWebUrl, parseSourceLabel, sortFindings } from './common.js';

/** Where people learn about the tool (SARIF `tool.driver.informationUri`). */
export const KUBEWARD_INFORMATION_URI = 'https://github.com/kubeward/kubeward';
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Key of our fingerprint in `partialFingerprints`; bump the suffix if the hashed fields ever change. */
export const FINGERPRINT_KEY = 'kubeward/v1';
const SRCROOT = '%SRCROOT%';
/** Base of paths inside a scanned image's root filesystem. */
const IMAGEROOT = 'IMAGEROOT';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** GitHub code scanning reads this from rule properties to rank security alerts (0.0 to 10.0). */
export const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
  }
}

type Json = Record<string, unknown>;

/** SARIF 2.1.0 log with one run: a rule per check that ran, a result per finding (suppressed ones marked so). */
export function renderSarif(result: ScanResult): string {
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (meta: CheckMeta): void => {
    if (ruleIndex.has(meta.id)) return;
    ruleIndex.set(meta.id, rules.length);
    rules.push(rule(meta));
  };
  for (const meta of result.checks) addRule(meta);
  // A finding from a check missing in `checks` still gets a rule, described from the finding itself.
  for (const f of [...result.findings, ...result.suppressed]) {
    if (!ruleIndex.has(f.checkId)) {
      addRule({ id: f.checkId, title: f.title, severity: f.severity, category: f.category, description: f.title, rationale: '', remediation: f.remediation, references: f.references, aliases: [] });
    }
  }

  const results = [
    ...sortFindings(result.findings).map((f) => sarifResult(f, ruleIndex.get(f.checkId)!)),
    ...sortFindings(result.suppressed).map((f) => sarifResult(f, ruleIndex.get(f.checkId)!, f.suppression)),
  ];

  const notifications: Json[] = [
    ...result.inputErrors.map((e) => {
      const n: Json = { level: 'error', descriptor: { id: 'input-error' }, message: { text: inputErrorLabel(e) } };
      const loc = physicalLocation(e.file, e.line === undefined ? undefined : { file: e.file, line: e.line, column: e.column ?? 1 });
      if (loc) n.locations = [{ physicalLocation: loc }];
      return n;
    }),
    ...result.notEvaluated.map((n) => ({ level: 'warning', descriptor: { id: 'not-evaluated' }, message: { text: `not evaluated: ${n.target}: ${n.reason}` } })),
    ...result.notes.map((n) => {
      const note: Json = { level: 'note', descriptor: { id: 'input-skipped' }, message: { text: inputErrorLabel(n) } };
      const loc = physicalLocation(n.file, n.line === undefined ? undefined : { file: n.file, line: n.line, column: 1 });
      if (loc) note.locations = [{ physicalLocation: loc }];
      return note;
    }),
  ];
  const configNotifications = result.expiredExceptions.map((e) => ({
    level: 'warning',
    descriptor: { id: 'expired-exception' },
    message: { text: `exception for ${e.checkId} (${e.match}) expired on ${e.expires} and no longer applies: ${e.source}: ${e.reason}` },
  }));

  const invocation: Json = {
    executionSuccessful: result.inputErrors.length === 0,
    commandLine: result.command,
    startTimeUtc: result.startedAt,
  };
  const end = Date.parse(result.startedAt) + result.durationMs;
  if (Number.isFinite(end)) invocation.endTimeUtc = new Date(end).toISOString();
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;
  if (configNotifications.length > 0) invocation.toolConfigurationNotifications = configNotifications;

  const driver: Json = {
    name: 'kubeward',
    version: result.tool.version,
    informationUri: KUBEWARD_INFORMATION_URI,
    rules,
  };
  if (/^\d+\.\d+\.\d+/.test(result.tool.version)) driver.semanticVersion = result.tool.version;

  const run: Json = {
    tool: { driver },
    ...(result.findings.some((f) => f.image) ? { originalUriBaseIds: { [IMAGEROOT]: { description: { text: 'The root filesystem of the image named by the result (properties.image).' } } } } : {}),
    invocations: [invocation],
    columnKind: 'utf16CodeUnits',
    results,
    properties: {
      schemaVersion: result.schemaVersion,
      inputs: result.inputs,
      summary: result.summary,
      ...(result.compliance ? { compliance: result.compliance } : {}),
      ...(result.images ? { images: result.images.map(({ packages, ...image }) => ({ ...image, packages: packages.length })) } : {}),
      ...(result.nodes ? { nodes: result.nodes } : {}),
    },
  };
  return `${JSON.stringify({ $schema: SARIF_SCHEMA, version: '2.1.0', runs: [run] }, null, 2)}\n`;
}

function rule(meta: CheckMeta): Json {
  const level = sarifLevel(meta.severity);
  const refs = meta.references.filter(isWebUrl);
  const markdown = [
    `**${meta.title}** (${meta.severity}, ${meta.category})`,
    meta.description,
    meta.rationale ? `**Why it matters:** ${meta.rationale}` : '',
    `**How to fix:** ${meta.remediation}`,
    meta.aliases.length > 0 ? `**Also known as:** ${meta.aliases.map(aliasLabel).join(', ')}` : '',
    refs.length > 0 ? `**References:**\n${refs.map((r) => `- <${r}>`).join('\n')}` : '',
  ].filter(Boolean).join('\n\n');
  const text = [meta.remediation, ...refs].join('\n');
  const out: Json = {
    id: meta.id,
    name: ruleName(meta.title),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description || meta.title },
    help: { text, markdown },
    defaultConfiguration: { level },
    properties: {
      tags: ['security', 'kubernetes', meta.category, ...meta.aliases.map(aliasLabel)],
      precision: 'very-high',
      'security-severity': SECURITY_SEVERITY[meta.severity],
      severity: meta.severity,
      category: meta.category,
    },
  };
  if (refs[0]) out.helpUri = refs[0];
  return out;
}

/** `Privileged container` → `PrivilegedContainer`: SARIF's rule name is an identifier-like label. */
function ruleName(title: string): string {
  const name = title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return name || 'Rule';
}

function sarifResult(finding: Finding, index: number, suppression?: SuppressedFinding['suppression']): Json {
  const where = finding.evidence.find((e) => e.position);
  const position = where?.position ?? finding.resource.source;
  const location: Json = { logicalLocations: [logicalLocation(finding)] };
  const physical = finding.image ? imageLocation(finding) : position ? physicalLocation(position.file, position) : undefined;
  if (physical) location.physicalLocation = physical;
  location.message = { text: where ? `${where.path}${where.detail ? `: ${where.detail}` : ''}` : resourceLabel(finding.resource) };

  const related = finding.evidence
    .filter((e) => e !== where && e.position && !finding.image)
    .map((e, i) => {
      const loc: Json = { id: i + 1, message: { text: `${e.path}${e.detail ? `: ${e.detail}` : ''}` } };
      const p = physicalLocation(e.position!.file, e.position);
      if (p) loc.physicalLocation = p;
      return loc;
    })
    .filter((l) => l.physicalLocation);

  const container = finding.container !== undefined ? `, container ${finding.container}` : '';
  const out: Json = {
    ruleId: finding.checkId,
    ruleIndex: index,
    level: sarifLevel(finding.severity),
    kind: 'fail',
    message: { text: `${resourceLabel(finding.resource)}${container}: ${finding.message}${finding.benchmark && !finding.message.includes(`CIS ${finding.benchmark.control}`) ? ` [${benchmarkLabel(finding.benchmark)}]` : ''}` },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(finding) },
    properties: {
      severity: finding.severity,
      category: finding.category,
      resource: finding.resource,
      ...(finding.container !== undefined ? { container: finding.container } : {}),
      evidence: finding.evidence,
      ...(finding.image ? { image: finding.image } : {}),
      ...(finding.package ? { package: finding.package } : {}),
      ...(finding.advisory ? { advisory: finding.advisory } : {}),
      ...(finding.affects ? { affects: finding.affects } : {}),
      ...(finding.benchmark ? { benchmark: finding.benchmark } : {}),
    },
  };
  if (related.length > 0) out.relatedLocations = related;
  if (suppression) {
    const s: Json = { kind: suppression.by === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: suppression.reason };
    s.properties = { by: suppression.by, source: suppression.source, ...(suppression.expires ? { expires: suppression.expires } : {}) };
    out.suppressions = [s];
  }
  return out;
}

/**
 * Image findings are about files inside an image, not in the scanned repository: they point at the
 * manifest line of the first workload running the image (`scan --images`), else at the path inside
 * the image, relative to IMAGEROOT (declared in the run's originalUriBaseIds).
 */
function imageLocation(finding: Finding): Json | undefined {
  const workload = finding.affects?.find((r) => r.source)?.source;
  if (workload) return physicalLocation(workload.file, workload);
  const where = finding.evidence.find((e) => e.position)?.position;
  const path = where?.file ?? finding.package?.path;
  if (!path) return undefined;
  const loc: Json = { artifactLocation: { uri: encodePath(path.replace(/^\/+/, '')), uriBaseId: IMAGEROOT } };
  if (where && where.line >= 1) loc.region = { startLine: where.line, startColumn: Math.max(1, where.column) };
  return loc;
}

function logicalLocation(finding: Finding): Json {
  const r = finding.resource;
  const parts = [r.kind, ...(r.namespace !== undefined ? [r.namespace] : []), r.name];
  const loc: Json = {
    name: r.name,
    fullyQualifiedName: parts.join('/') + (finding.container !== undefined ? `/${finding.container}` : ''),
    kind: 'resource',
    properties: { apiVersion: r.apiVersion, kind: r.kind, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}), ...(finding.container !== undefined ? { container: finding.container } : {}) },
  };
  return loc;
}

/** A stable identity across runs: check, object, container and the primary evidence path (not line numbers). */
export function fingerprint(finding: Finding): string {
  const r = finding.resource;
  const parts = [finding.checkId, r.kind, r.namespace ?? '', r.name, finding.container ?? '', finding.evidence[0]?.path ?? ''];
  // Vulnerabilities of one image share the package database path: the package and advisory tell them apart.
  if (finding.package || finding.advisory) parts.push(finding.package?.name ?? '', finding.advisory?.id ?? '');
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function physicalLocation(file: string, position: SourcePosition | undefined): Json | undefined {
  const { path, renderedBy } = parseSourceLabel(file);
  const artifact = artifactLocation(path, renderedBy !== undefined);
  if (!artifact) return undefined;
  const loc: Json = { artifactLocation: artifact };
  // Lines of rendered output do not exist in any file of the directory: point at the directory only.
  if (position && renderedBy === undefined && position.line >= 1) {
    loc.region = { startLine: position.line, startColumn: Math.max(1, position.column) };
  }
  return loc;
}

/**
 * The artifact a source label names, as SARIF wants it: relative paths as forward-slash URI references
 * against %SRCROOT%, absolute paths as file URIs, URLs as they are. Nothing for stdin.
 */
export function artifactLocation(file: string, directory = false): { uri: string; uriBaseId?: string } | undefined {
  if (file === '' || file === '-' || file === '<stdin>') return undefined;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(file)) return { uri: file };
  let path = file.replace(/\\/g, '/');
  if (directory && !path.endsWith('/')) path += '/';
  if (/^[A-Za-z]:\//.test(path)) return { uri: `file:///${path.slice(0, 2)}${encodePath(path.slice(2))}` };
  if (path.startsWith('//')) return { uri: `file:${encodePath(path)}` };
  if (path.startsWith('/')) return { uri: `file://${encodePath(path)}` };
  path = path.replace(/^(\.\/)+/, '');
  if (path === '' || path === './') path = './';
  return { uri: encodePath(path), uriBaseId: SRCROOT };
}

function encodePath(path: string): string {
  return path.split('/').map((seg) => encodeURIComponent(seg).replace(/%40/g, '@')).join('/');
}
