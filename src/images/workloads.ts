import type { NotEvaluated } from '../core/coverage.js';
import type { Finding, ResourceRef } from '../core/finding.js';
import type { Inventory } from '../inventory/index.js';
import { resourceRef } from '../inventory/object.js';
import type { ImageReport } from './model.js';
import { pullSecretNames, type PullSecretRef } from './pull-secrets.js';
import type { ImageScanOutput } from './scan.js';

// `kubeward scan --images`: every distinct image the workloads run is scanned once (a bounded number
// at a time) and its findings name the workloads that run it.

/** Scans one image; `layout` is set when a bundled OCI layout holds it (air-gapped use); `pullSecrets` are what its pods name. */
export type ScanOne = (reference: string, layout: { dir: string; refName: string } | undefined, pullSecrets: readonly PullSecretRef[]) => Promise<ImageScanOutput>;

/** The workloads that run an image, and the pull secrets they (or their service accounts) name. */
export interface ImageUse {
  runners: ResourceRef[];
  pullSecrets: PullSecretRef[];
}

export interface WorkloadImageOptions {
  /** Images to scan at once (default 4). */
  parallel?: number;
  /** OCI layout directories and the ref names they hold, searched before any registry. */
  layouts?: { dir: string; refNames: string[] }[];
  /** Pull images not found in a layout from their registry (default true). */
  pull?: boolean;
  onImage?: (reference: string, done: number, total: number) => void;
}

export interface WorkloadImageResult {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
  images: ImageReport[];
  notes: { file: string; message: string }[];
}

/** Every image reference of every container of every workload, with the workloads that run it (first seen first) and their pull secrets. */
export function workloadImages(inventory: Inventory): Map<string, ImageUse> {
  const images = new Map<string, ImageUse>();
  for (const template of inventory.podTemplates()) {
    if (template.workload.kind === 'PodTemplate') continue;
    const ref = resourceRef(template.workload);
    const secrets = podPullSecrets(inventory, template.workload.namespace ?? 'default', template.spec);
    for (const container of template.containers) {
      const image = container.spec.image;
      if (typeof image !== 'string' || image.trim() === '') continue;
      const use = images.get(image) ?? { runners: [], pullSecrets: [] };
      if (!use.runners.some((r) => sameResource(r, ref))) use.runners.push(ref);
      for (const s of secrets) if (!use.pullSecrets.some((p) => p.namespace === s.namespace && p.name === s.name)) use.pullSecrets.push(s);
      images.set(image, use);
    }
  }
  return images;
}

/** The pod's own imagePullSecrets, then its service account's, as the kubelet tries them. */
function podPullSecrets(inventory: Inventory, namespace: string, spec: Record<string, unknown>): PullSecretRef[] {
  const account = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName ? spec.serviceAccountName : 'default';
  const fromAccount = inventory.find('ServiceAccount', namespace, account)?.object.imagePullSecrets;
  return [...pullSecretNames(spec.imagePullSecrets), ...pullSecretNames(fromAccount)].map((name) => ({ namespace, name }));
}

/** Scans every workload image once and attaches the workloads to each finding. One failing image never stops the others. */
export async function scanWorkloadImages(inventory: Inventory, scanOne: ScanOne, options: WorkloadImageOptions = {}): Promise<WorkloadImageResult> {
  const images = [...workloadImages(inventory)];
  const result: WorkloadImageResult = { findings: [], notEvaluated: [], images: [], notes: [] };
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < images.length) {
      const [reference, { runners, pullSecrets }] = images[next++]!;
      const layout = findInLayouts(reference, options.layouts ?? []);
      if (!layout && options.pull === false) {
        result.notEvaluated.push({ target: `image ${reference}`, reason: 'not in the OCI layouts given (--image-layout) and pulling is off (--no-pull)' });
      } else {
        try {
          const output = await scanOne(reference, layout, pullSecrets);
          result.images.push({ ...output.report, reference });
          result.findings.push(...output.findings.map((f) => attach(f, reference, runners)));
          result.notEvaluated.push(...output.notEvaluated);
          result.notes.push(...output.notes.map((message) => ({ file: reference, message })));
        } catch (error) {
          result.notEvaluated.push({ target: `image ${reference}`, reason: (error as Error).message });
        }
      }
      options.onImage?.(reference, ++done, images.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel ?? 4, images.length)) }, worker));
  result.images.sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
  return result;
}

/**
 * The layout holding `reference`: a ref name equal to it, or naming the same repository path and tag
 * without the registry (`shop/app:1.0` holds `registry.example.com/shop/app:1.0`), as mirrors export them.
 */
export function findInLayouts(reference: string, layouts: readonly { dir: string; refNames: string[] }[]): { dir: string; refName: string } | undefined {
  const wanted = reference.replace(/@sha256:[a-f0-9]{64}$/, '');
  for (const layout of layouts) {
    for (const refName of layout.refNames) {
      if (!refName.includes(':') && !refName.includes('/')) continue; // a bare tag names no repository
      if (refName === reference || refName === wanted || wanted.endsWith(`/${refName}`)) return { dir: layout.dir, refName };
    }
  }
  return undefined;
}

/** The finding names the image as the workload spells it and the workloads that run it. */
function attach(finding: Finding, reference: string, runners: ResourceRef[]): Finding {
  const image = finding.image ? { ...finding.image, reference } : { reference };
  const resource = finding.resource.kind === 'Image' ? { ...finding.resource, name: reference } : finding.resource;
  return { ...finding, resource, image, affects: runners };
}

function sameResource(a: ResourceRef, b: ResourceRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name && a.source?.file === b.source?.file && a.source?.line === b.source?.line;
}
