/**
 * A container image reference split the way the container runtimes read it
 * (distribution/reference: `[registry[:port]/]path[:tag][@algorithm:digest]`).
 */
export interface ImageReference {
  /** Registry host, with its port when written (e.g. `registry:5000`); absent means Docker Hub. */
  registry?: string;
  /** Repository path without registry, tag or digest (e.g. `library/nginx`, `app`). */
  repository: string;
  tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  digest?: string;
}

/**
 * Splits an image reference. The first path component is a registry when it contains `.` or `:`,
 * is `localhost`, or has upper-case letters (distribution's `splitDockerDomain` rule), so in
 * `registry:5000/app` the `:5000` is a port, not a tag. A tag is a `:` after the last `/`.
 */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const nameAndTag = at === -1 ? reference : reference.slice(0, at);
  const digest = at === -1 ? undefined : reference.slice(at + 1);

  let registry: string | undefined;
  let remainder = nameAndTag;
  const slash = nameAndTag.indexOf('/');
  if (slash !== -1) {
    const first = nameAndTag.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase()) {
      registry = first;
      remainder = nameAndTag.slice(slash + 1);
    }
  }

  const colon = remainder.lastIndexOf(':');
  const lastSlash = remainder.lastIndexOf('/');
  const tag = colon > lastSlash ? remainder.slice(colon + 1) : undefined;
  const repository = colon > lastSlash ? remainder.slice(0, colon) : remainder;

  const out: ImageReference = { repository };
  if (registry !== undefined) out.registry = registry;
  if (tag !== undefined) out.tag = tag;
  if (digest !== undefined) out.digest = digest;
  return out;
}

/** True when the runtime pulls whatever `latest` points at: no digest, and no tag or the tag `latest`. */
export function floatsOnLatest(reference: ImageReference): boolean {
  return reference.digest === undefined && (reference.tag === undefined || reference.tag === 'latest');
}

/** A well-formed digest: `algorithm:hex` with at least 32 hex characters (sha256 has 64). */
export function hasDigest(reference: ImageReference): boolean {
  return reference.digest !== undefined && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(reference.digest);
}
