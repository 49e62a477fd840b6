import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a realistic manifest set: per app a Deployment (probes, env, resources, securityContext),
 * a Service, a ConfigMap, a ServiceAccount and a NetworkPolicy — 5 objects per app, 100 apps per file.
 */
export async function generateManifests(dir: string, apps: number): Promise<number> {
  await mkdir(dir, { recursive: true });
  const perFile = 100;
  let objects = 0;
  for (let file = 0; file * perFile < apps; file++) {
    const docs: string[] = [];
    for (let i = file * perFile; i < Math.min(apps, (file + 1) * perFile); i++) {
      docs.push(...app(i));
      objects += 5;
    }
    await writeFile(path.join(dir, `apps-${String(file).padStart(3, '0')}.yaml`), docs.join('---\n'));
  }
  return objects;
}

function app(i: number): string[] {
  const ns = `team-${i % 25}`;
  const name = `svc-${i}`;
  const hardened = i % 3 !== 0;
  return [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench
spec:
  replicas: ${1 + (i % 4)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        app.kubernetes.io/part-of: bench
    spec:
      serviceAccountName: ${name}
${hardened ? '      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        seccompProfile:\n          type: RuntimeDefault\n' : ''}      containers:
        - name: app
          image: registry.example.com/bench/${name}:${i % 2 ? '1.4.2' : 'latest'}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: ${name}-db
                  key: url
${i % 7 === 0 ? '            - name: API_TOKEN\n              value: "tok-' + i + '-abcdef"\n' : ''}          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
${hardened ? '          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities:\n              drop: ["ALL"]\n' : '          securityContext:\n            privileged: ' + (i % 11 === 0) + '\n'}          volumeMounts:
            - name: config
              mountPath: /etc/app
      volumes:
        - name: config
          configMap:
            name: ${name}-config
`,
    `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  type: ${i % 50 === 0 ? 'NodePort' : 'ClusterIP'}
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: 80
      targetPort: http
`,
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ${ns}
data:
  app.yaml: |
    server:
      port: 8080
      timeout: 30s
    features:
      search: true
`,
    `apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
automountServiceAccountToken: ${i % 2 === 0}
`,
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: bench
      ports:
        - port: 8080
`,
  ];
}
