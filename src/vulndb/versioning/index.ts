import { apk } from './apk/index.js';
import { dpkg } from './dpkg/index.js';
import { rpm } from './rpm/index.js';
import type { VersioningScheme } from './types.js';

export type { Ordering, VersioningScheme } from './types.js';
export { apk, dpkg, rpm };

/** Every version scheme by id. */
export const schemes: Readonly<Record<string, VersioningScheme>> = Object.freeze({
  [apk.id]: apk,
  [dpkg.id]: dpkg,
  [rpm.id]: rpm,
});

export type SchemeId = 'apk' | 'dpkg' | 'rpm';

/** The scheme with this id; throws on an unknown id. */
export function getScheme(id: string): VersioningScheme {
  const s = Object.hasOwn(schemes, id) ? schemes[id] : undefined;
  if (!s) throw new Error(`unknown versioning scheme '${id}' (known: ${Object.keys(schemes).join(', ')})`);
  return s;
}
