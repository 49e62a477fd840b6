/** A small, realistic scan result the report tests share (hand-written input, not output of the code under test). */
import type { CheckMeta } from '../src/core/catalog.js';
import type { Finding, SuppressedFinding } from '../src/core/finding.js';
import { SCAN_RESULT_SCHEMA_VERSION, type ScanResult } from '../src/core/scan-result.js';
import { CATEGORIES, SEVERITIES } from '../src/core/severity.js';

export const HOSTILE = `<script>alert("x")</script> ]]> & " ' \u0000\u0007\u001b[31m\u0008 \ud800`;

export function checks(): CheckMeta[] {
  return [
    {
      id: 'KW-POD-001', title: 'Privileged container', severity: 'critical', category: 'workloads',
      description: 'A privileged container has all capabilities of the host and can escape to the node.',
      rationale: 'Privileged containers disable most isolation.',
      remediation: 'Remove `securityContext.privileged: true`, or set it to false. Grant the specific capabilities the process needs instead.',
      references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline'],
      aliases: [{ framework: 'PSS', id: 'baseline/privileged' }, { framework: 'CIS', id: '5.2.2' }],
    },
    {
      id: 'KW-POD-002', title: 'Container may run as root', severity: 'medium', category: 'workloads',
      description: 'Neither the pod nor the container sets runAsNonRoot: true.',
      rationale: 'Root in a container is root on the node after an escape.',
      remediation: 'Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser`.',
      references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
      aliases: [{ framework: 'PSS', id: 'restricted/runAsNonRoot' }],
    },
    {
      id: 'KW-IMG-001', title: 'Image tag is mutable', severity: 'low', category: 'images',
      description: 'The image is referenced by a tag (or :latest) rather than a digest.',
      rationale: 'Tags can be moved to different content.',
      remediation: 'Pin the image by digest: `image: repo@sha256:…`.',
      references: [],
      aliases: [{ framework: 'KubeLinter', id: 'latest-tag' }],
    },
    {
      id: 'KW-NET-001', title: 'Namespace without NetworkPolicy', severity: 'high', category: 'network',
      description: 'No NetworkPolicy selects the pods of this namespace.',
      rationale: 'Pods accept traffic from anywhere in the cluster.',
      remediation: 'Add a default-deny NetworkPolicy to the namespace and allow the traffic you need.',
      references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
      aliases: [],
    },
    {
      id: 'KW-RBAC-001', title: 'Wildcard RBAC verbs', severity: 'info', category: 'access',
      description: 'A Role grants `*` verbs.', rationale: 'Least privilege.',
      remediation: 'List the verbs the subject needs.', references: [], aliases: [],
    },
  ];
}

function fromCheck(id: string, rest: Omit<Finding, 'checkId' | 'severity' | 'category' | 'title' | 'remediation' | 'references'>): Finding {
  const meta = checks().find((c) => c.id === id)!;
  return { checkId: id, severity: meta.severity, category: meta.category, title: meta.title, remediation: meta.remediation, references: meta.references, ...rest };
}

export function findings(): Finding[] {
  const web = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'prod', source: { file: 'deploy/web.yaml', line: 1, column: 1 } };
  return [
    fromCheck('KW-POD-001', {
      resource: web, container: 'app', message: 'container `app` sets privileged: true',
      evidence: [{ path: 'spec.template.spec.containers[0].securityContext.privileged', value: true, position: { file: 'deploy/web.yaml', line: 23, column: 25 }, detail: 'container `app` sets privileged: true' }],
    }),
    fromCheck('KW-POD-002', {
      resource: web, container: 'app', message: 'container `app` may run as root (and 1 more)',
      evidence: [
        { path: 'spec.template.spec.containers[0].securityContext.runAsNonRoot', position: { file: 'deploy/web.yaml', line: 21, column: 11 }, detail: 'runAsNonRoot is not set' },
        { path: 'spec.template.spec.securityContext', position: { file: 'deploy/web.yaml', line: 15, column: 7 }, detail: 'pod securityContext is missing' },
      ],
    }),
    fromCheck('KW-IMG-001', {
      resource: web, container: 'app', message: 'image `nginx:latest` is not pinned by digest',
      evidence: [{ path: 'spec.template.spec.containers[0].image', value: 'nginx:latest', position: { file: 'deploy/web.yaml', line: 19, column: 16 } }],
    }),
    fromCheck('KW-NET-001', {
      resource: { apiVersion: 'v1', kind: 'Namespace', name: 'prod', source: { file: 'overlays/prod (rendered by kustomize)', line: 1, column: 1 } },
      message: 'no NetworkPolicy selects pods in namespace `prod`',
      evidence: [{ path: 'metadata.name', value: 'prod', position: { file: 'overlays/prod (rendered by kustomize)', line: 4, column: 9 } }],
    }),
    fromCheck('KW-POD-001', {
      resource: { apiVersion: 'batch/v1', kind: 'CronJob', name: HOSTILE, namespace: 'jobs', source: { file: 'C:\\Users\\me\\k8s\\cron job.yaml', line: 3, column: 1 } },
      container: 'evil<b>', message: `container sets privileged: ${HOSTILE}`,
      evidence: [{ path: 'spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged', value: { nested: HOSTILE }, position: { file: 'C:\\Users\\me\\k8s\\cron job.yaml', line: 30, column: 29 }, detail: HOSTILE }],
    }),
  ];
}

export function suppressed(): SuppressedFinding[] {
  const f = fromCheck('KW-IMG-001', {
    resource: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'node-agent', namespace: 'kube-system', source: { file: '/abs/path/agent.yaml', line: 1, column: 1 } },
    container: 'agent', message: 'image `agent:1.2` is not pinned by digest',
    evidence: [{ path: 'spec.template.spec.containers[0].image', value: 'agent:1.2', position: { file: '/abs/path/agent.yaml', line: 20, column: 16 } }],
  });
  const g = fromCheck('KW-RBAC-001', {
    resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'ops', namespace: 'prod', source: { file: 'deploy/rbac.yaml', line: 1, column: 1 } },
    message: 'Role `ops` grants verbs `*`',
    evidence: [{ path: 'rules[0].verbs', value: ['*'], position: { file: 'deploy/rbac.yaml', line: 9, column: 12 } }],
  });
  return [
    { ...f, suppression: { by: 'ignore-file', reason: 'vendor image, pinned upstream', source: '.kubewardignore:3', expires: '2099-01-01' } },
    { ...g, suppression: { by: 'annotation', reason: 'break-glass role', source: 'deploy/rbac.yaml:5' } },
  ];
}

export function scanResult(overrides: Partial<ScanResult> = {}): ScanResult {
  const f = findings();
  const s = suppressed();
  const bySeverity = Object.fromEntries(SEVERITIES.map((sev) => [sev, f.filter((x) => x.severity === sev).length])) as ScanResult['summary']['bySeverity'];
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, f.filter((x) => x.category === c).length])) as ScanResult['summary']['byCategory'];
  return {
    schemaVersion: SCAN_RESULT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: '0.1.0' },
    command: 'kubeward scan deploy overlays/prod charts/app',
    startedAt: '2025-03-14T09:26:53.589Z',
    durationMs: 412,
    inputs: ['deploy', 'overlays/prod', 'charts/app'],
    summary: { objects: 9, workloads: 3, findings: f.length, bySeverity, byCategory, suppressed: s.length },
    findings: f,
    suppressed: s,
    notEvaluated: [
      { target: 'charts/app', reason: 'Helm chart not evaluated: helm not found on PATH' },
      { target: 'KW-NET-001', reason: 'no Namespace objects in input for namespace `jobs`' },
    ],
    inputErrors: [
      { file: 'deploy/broken.yaml', line: 7, column: 3, message: 'bad indentation of a mapping entry' },
      { file: 'deploy/huge.yaml', message: 'file is 99999999 bytes, over the 10485760-byte limit (--max-file-size)' },
    ],
    notes: [{ file: 'deploy/kustomization.yaml', line: 1, message: 'not a Kubernetes object (no apiVersion and kind); skipped' }],
    expiredExceptions: [{ checkId: 'KW-POD-002', match: 'Deployment prod/legacy', reason: 'migration ticket OPS-12', expires: '2024-12-31', source: '.kubewardignore:7' }],
    checks: checks(),
    compliance: {
      framework: 'PSS', title: 'Pod Security Standards (restricted)',
      controls: [
        { id: 'baseline/privileged', title: 'Privileged containers', status: 'fail', checks: ['KW-POD-001'], failures: 2 },
        { id: 'restricted/runAsNonRoot', title: 'Running as non-root', status: 'fail', checks: ['KW-POD-002'], failures: 1 },
        { id: 'baseline/hostProcess', title: 'HostProcess', status: 'pass', checks: ['KW-POD-009'], failures: 0 },
        { id: 'restricted/seccomp', title: 'Seccomp profile', status: 'not-evaluated', checks: [], failures: 0, reason: 'no automated check' },
      ],
      summary: { pass: 1, fail: 2, notEvaluated: 1 },
    },
    ...overrides,
  };
}

/** An empty but valid scan (nothing found, nothing wrong). */
export function emptyResult(): ScanResult {
  return scanResult({
    findings: [], suppressed: [], notEvaluated: [], inputErrors: [], notes: [], expiredExceptions: [],
    summary: { objects: 0, workloads: 0, findings: 0, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 }, byCategory: { images: 0, workloads: 0, nodes: 0, access: 0, network: 0 }, suppressed: 0 },
    compliance: undefined,
  });
}
