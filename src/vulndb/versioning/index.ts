import { apk } from './apk/index.js';
import { dpkg } from './dpkg/index.js';
import { go } from './go/index.js';
import { maven } from './maven/index.js';
import { pep440 } from './pep440/index.js';
import { rpm } from './rpm/index.js';
import { semver } from './semver/index.js';
import type { VersioningScheme } from './types.js';

export type { Ordering, VersioningScheme } from './types.js';
export { apk, dpkg, go, maven, pep440, rpm, semver };

/** Every version scheme by id. */
export const schemes: Readonly<Record<string, VersioningScheme>> = Object.freeze({
  [apk.id]: apk,
  [dpkg.id]: dpkg,
  [go.id]: go,
  [maven.id]: maven,
  [pep440.id]: pep440,
  [rpm.id]: rpm,
  [semver.id]: semver,
});

export type SchemeId = 'apk' | 'dpkg' | 'go' | 'maven' | 'pep440' | 'rpm' | 'semver';

/** The scheme with this id; throws on an unknown id. */
export function getScheme(id: string): VersioningScheme {
  const s = Object.hasOwn(schemes, id) ? schemes[id] : undefined;
  if (!s) throw new Error(`unknown versioning scheme '${id}' (known: ${Object.keys(schemes).join(', ')})`);
  return s;
}
