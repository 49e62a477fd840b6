import type { ContainerView } from '../../inventory/index.js';
import { podCheck, type Check, type Violation } from '../check.js';
import { containerLabel } from '../security-context.js';
import { floatsOnLatest, hasDigest, parseImageReference, type ImageReference } from './image-ref.js';
import { kubeLinter, kubescape, kubescapeDoc, ksv, meta, polaris, violation } from './util.js';

const IMAGES_DOC = 'https://kubernetes.io/docs/concepts/containers/images/';

function eachImage(check: (container: ContainerView, image: string, reference: ImageReference) => Violation | undefined) {
  return (containers: ContainerView[]): Violation[] => containers.flatMap((container) => {
    const image = container.spec.image;
    if (typeof image !== 'string' || image.trim() === '') return [];
    const found = check(container, image, parseImageReference(image.trim()));
    return found ? [found] : [];
  });
}

/** KW-WL-025 */
export const latestTag = podCheck(meta({
  id: 'KW-WL-025',
  title: 'Image uses the latest tag or no tag',
  severity: 'medium',
  description: 'A container image is referenced without a digest and either without a tag or with the tag `latest`, so what runs is whatever `latest` points at when the node pulls.',
  rationale: 'A floating tag makes the running code unknowable from the manifest: two replicas can run different images, a rollback does not roll back, and anyone able to push `latest` to the repository changes what the cluster runs on the next pull.',
  remediation: 'Reference a specific version tag, and preferably the image digest (image: repo:1.2.3@sha256:…).',
  references: [`${IMAGES_DOC}#image-names`, kubescapeDoc('C-0075')],
  aliases: [...ksv('KSV-0013'), ...kubescape('C-0075'), ...polaris('tagNotSpecified'), ...kubeLinter('latest-tag')],
}), (pod) => eachImage((container, image, reference) => {
  if (!floatsOnLatest(reference)) return undefined;
  const why = reference.tag === undefined ? 'has no tag, so `latest` is pulled' : 'uses the `latest` tag';
  return violation([...container.path, 'image'], `${containerLabel(container)} image ${image} ${why}`, { value: image, container });
})(pod.containers));

/** KW-WL-026 */
export const notPinnedByDigest = podCheck(meta({
  id: 'KW-WL-026',
  title: 'Image not pinned by digest',
  severity: 'low',
  description: 'A container image is referenced by tag only (no @sha256:… digest).',
  rationale: 'Tags are mutable: the registry can serve different content under the same tag tomorrow, after a compromise of the registry or of a publisher\'s credentials. Only a digest guarantees the node runs the exact image that was reviewed and scanned.',
  remediation: 'Append the digest to the image reference (repo:1.2.3@sha256:…); let your CD tooling or an admission policy resolve and pin digests automatically.',
  references: [`${IMAGES_DOC}#image-names`, kubescapeDoc('C-0306')],
  aliases: [...kubescape('C-0306')],
}), (pod) => eachImage((container, image, reference) => {
  if (hasDigest(reference)) return undefined;
  const why = reference.digest !== undefined ? `has a malformed digest (${reference.digest})` : 'is not pinned by digest';
  return violation([...container.path, 'image'], `${containerLabel(container)} image ${image} ${why}`, { value: image, container });
})(pod.containers));

export const IMAGE_CHECKS: readonly Check[] = [latestTag, notPinnedByDigest];
