import { ImageSourceError } from '../model.js';

// Docker's reference grammar (github.com/distribution/reference, regexp.go), normalised the way the
// docker CLI does it: a missing registry is Docker Hub and a one-part Hub repository gets `library/`.

/** A parsed image reference. */
export interface ImageReference {
  /** Host (and port) to talk to: `registry-1.docker.io` for Docker Hub. */
  registry: string;
  /** Host as shown to users: `docker.io` for Docker Hub. */
  displayRegistry: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  repository: string;
  /** Tag; `latest` when neither tag nor digest was given. */
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB_DISPLAY = 'docker.io';
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const MAX_NAME = 255;

function fail(ref: string, why: string): never {
  throw new ImageSourceError(`invalid image reference "${ref}": ${why}`);
}

/** Splits `name[:tag][@digest]` and normalises it; throws ImageSourceError with the reason. */
export function parseReference(ref: string): ImageReference {
  if (ref.length === 0) fail(ref, 'empty reference');
  if (ref.length > 1024) fail(ref.slice(0, 40) + '…', 'longer than 1024 characters');
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(ref, `digest "${digest}" is not sha256:<64 hex> or sha512:<128 hex>`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(ref, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  const { registry, displayRegistry, path } = splitDomain(ref, rest);
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '') fail(ref, 'empty path component');
    if (!COMPONENT.test(part)) {
      fail(ref, part.toLowerCase() !== part ? `repository "${path}" must be lowercase` : `invalid path component "${part}"`);
    }
  }
  const repository = registry === DOCKER_HUB_REGISTRY && parts.length === 1 ? `library/${path}` : path;
  if (displayRegistry.length + 1 + repository.length > MAX_NAME) fail(ref, `name longer than ${MAX_NAME} characters`);
  if (!tag && !digest) tag = 'latest';
  return { registry, displayRegistry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function splitDomain(ref: string, name: string): { registry: string; displayRegistry: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!isDomain) return { registry: DOCKER_HUB_REGISTRY, displayRegistry: DOCKER_HUB_DISPLAY, path: name };
  if (!DOMAIN.test(first)) fail(ref, `invalid registry host "${first}"`);
  if (HUB_ALIASES.has(first)) return { registry: DOCKER_HUB_REGISTRY, displayRegistry: DOCKER_HUB_DISPLAY, path: name.slice(slash + 1) };
  return { registry: first, displayRegistry: first, path: name.slice(slash + 1) };
}

/** `docker.io/library/alpine`: registry as displayed plus repository, no tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.displayRegistry}/${ref.repository}`;
}

/** The canonical string form: `docker.io/library/alpine:3.19@sha256:…`. */
export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** parseReference that returns undefined instead of throwing (labels for --input sources). */
export function tryParseReference(ref: string): ImageReference | undefined {
  try {
    return parseReference(ref);
  } catch {
    return undefined;
  }
}
