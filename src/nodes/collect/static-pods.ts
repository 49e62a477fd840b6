import * as path from 'node:path';
import { findControlPlane, type ControlPlaneContainer } from '../../access/control-plane.js';
import { Inventory, normalize, parseManifests, type ParsedObject } from '../../inventory/index.js';
import { inputErrorLabel } from '../../core/coverage.js';
import type { ComponentInstance, DetectedVersion, NodeSnapshot } from '../model.js';
import type { NodeFs } from './root-fs.js';

// Static pod manifests from the kubelet's staticPodPath, and the control-plane components they
// run (for a node whose processes are not visible, e.g. a stopped node image).

export const DEFAULT_STATIC_POD_PATH = '/etc/kubernetes/manifests';

/** The kubelet reads every file of the directory except hidden ones (pkg/kubelet/config/file.go). */
export function readStaticPods(nodeFs: NodeFs, dir: string): NodeSnapshot['staticPods'] {
  const out: NodeSnapshot['staticPods'] = [];
  for (const name of nodeFs.list(dir)) {
    if (name.startsWith('.')) continue;
    const file = path.posix.join(dir, name);
    if (nodeFs.stat(file)?.file.type === 'dir') continue;
    const text = nodeFs.readText(file);
    if (!text) continue;
    const parsed = parseManifests(text.text, file, 'file');
    out.push({ path: file, objects: parsed.objects, errors: parsed.errors.map(inputErrorLabel) });
  }
  return out;
}

/**
 * The control-plane containers of the static pods, recognised by src/access (command, args,
 * hyperkube, `sh -c`, image). Normalized copies: normalize applies defaults in place, and the
 * snapshot keeps the manifests as written.
 */
export function controlPlaneOfStaticPods(staticPods: NodeSnapshot['staticPods']): ControlPlaneContainer[] {
  let n = 0;
  const objects = staticPods.flatMap((f) => f.objects.map((o: ParsedObject) => normalize({ raw: structuredClone(o.raw), source: o.source }, `static-pod-${n++}`)));
  return findControlPlane(new Inventory(objects));
}

/** Control-plane components of the static pods: argv is the program and the flags it is given. */
export function staticPodComponents(found: readonly ControlPlaneContainer[]): ComponentInstance[] {
  return found.map((cp) => {
    const position = cp.object.source.locate(cp.container.path);
    const env: Record<string, string> = {};
    const list = cp.container.spec.env;
    if (Array.isArray(list)) {
      for (const e of list) if (e && typeof e === 'object' && typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
    }
    return {
      component: cp.component,
      from: 'static-pod' as const,
      argv: [cp.component, ...cp.tokens.map((t) => t.text)],
      env,
      source: `${position.file}:${position.line}`,
    };
  });
}

/** `registry.k8s.io/kube-apiserver:v1.31.2` → `1.31.2`; undefined for other tags (digests, `latest`). */
export function versionOfImageTag(image: string): string | undefined {
  const noDigest = image.split('@')[0]!;
  const tag = noDigest.slice(noDigest.lastIndexOf('/') + 1).split(':')[1];
  const match = tag ? /^v?(\d+\.\d+\.\d+)(?:$|[-+])/.exec(tag) : null;
  return match ? match[1] : undefined;
}

/** Control-plane images carry the Kubernetes version (etcd's image carries etcd's own version, so it is skipped). */
const VERSIONED = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;

/** The Kubernetes version from a control-plane static pod image, kube-apiserver first. */
export function versionFromStaticPods(found: readonly ControlPlaneContainer[]): DetectedVersion | undefined {
  for (const component of VERSIONED) {
    for (const cp of found.filter((c) => c.component === component)) {
      const image = cp.container.spec.image;
      const version = typeof image === 'string' ? versionOfImageTag(image) : undefined;
      if (version && typeof image === 'string') return { version, source: `image ${image} in ${cp.object.source.file}` };
    }
  }
  return undefined;
}
