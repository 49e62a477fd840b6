import type { Readable } from 'node:stream';
import { readText, resolveInRoot } from '../../layers/index.js';
import type { CatalogContext, Cataloger, CatalogOutput, CollectedFile, FileEntry, OsInfo } from '../../model.js';
import { parseOsRelease, parseRedhatRelease, redhatReleaseId } from './parse.js';

export { parseOsRelease, unquote, parseRedhatRelease } from './parse.js';

export const OS_RELEASE_CATALOGER = 'os-release';

/** os-release files, most authoritative first: /etc wins over /usr/lib (freedesktop rule). */
const OS_RELEASE_PATHS = ['etc/os-release', 'usr/lib/os-release'];
const WANTED = new Set([...OS_RELEASE_PATHS, 'etc/alpine-release', 'etc/debian_version', 'etc/redhat-release', 'etc/lsb-release']);
/** Release files are a few hundred bytes; more than this is not a release file. */
const MAX_RELEASE_BYTES = 64 * 1024;

/** Detects the distribution from os-release, falling back to the older per-distribution files. */
export function osReleaseCataloger(): Cataloger<string> {
  return {
    name: OS_RELEASE_CATALOGER,
    wants: (entry: FileEntry) => WANTED.has(entry.path),
    read: async (_entry: FileEntry, content: Readable) => (await readText(content, MAX_RELEASE_BYTES)).text,
    finish: (collected: CollectedFile<string>[], context: CatalogContext) => detectOs(collected, context),
  };
}

function detectOs(collected: CollectedFile<string>[], context: CatalogContext): CatalogOutput {
  const texts = new Map(collected.map((c) => [c.entry.path, c.data]));
  const notes: string[] = [];
  /** The text of a release file, following symlinks inside the image (etc/os-release → ../usr/lib/os-release). */
  const textOf = (path: string): { path: string; text: string } | undefined => {
    const entry = resolveInRoot(context.files, path);
    const text = entry ? texts.get(entry.path) : undefined;
    return entry && text !== undefined ? { path: entry.path, text } : undefined;
  };
  const os = fromOsRelease(textOf, notes) ?? fromLegacyFiles(textOf, notes);
  return { packages: [], notes, ...(os ? { os } : {}) };
}

type TextOf = (path: string) => { path: string; text: string } | undefined;

function fromOsRelease(textOf: TextOf, notes: string[]): OsInfo | undefined {
  for (const path of OS_RELEASE_PATHS) {
    const file = textOf(path);
    if (!file) continue;
    const { values, errors } = parseOsRelease(file.text);
    for (const error of errors) notes.push(`os-release: ${file.path} ${error}`);
    const id = values.get('ID');
    if (!id) {
      notes.push(`os-release: ${file.path} has no ID`);
      continue;
    }
    const os = compact({
      id,
      versionId: values.get('VERSION_ID'),
      prettyName: values.get('PRETTY_NAME'),
      codename: values.get('VERSION_CODENAME'),
      source: file.path,
    });
    // Debian testing and sid ship no VERSION_ID; debian_version says which release they lead to.
    return id === 'debian' && !os.versionId ? withDebianVersion(os, textOf('etc/debian_version')?.text) : os;
  }
  return undefined;
}

function fromLegacyFiles(textOf: TextOf, notes: string[]): OsInfo | undefined {
  const alpine = textOf('etc/alpine-release');
  if (alpine) return { id: 'alpine', versionId: alpine.text.trim(), source: alpine.path };
  const debian = textOf('etc/debian_version');
  if (debian) return withDebianVersion({ id: 'debian', source: debian.path }, debian.text);
  const redhat = textOf('etc/redhat-release');
  if (redhat) {
    const release = parseRedhatRelease(redhat.text);
    if (release) {
      return compact({
        id: redhatReleaseId(release.name),
        versionId: release.version,
        prettyName: redhat.text.split('\n', 1)[0]!.trim(),
        codename: release.codename,
        source: redhat.path,
      });
    }
    notes.push(`os-release: ${redhat.path} line 1: not "<name> release <version>"`);
  }
  const lsb = textOf('etc/lsb-release');
  if (lsb) {
    const { values } = parseOsRelease(lsb.text);
    const id = values.get('DISTRIB_ID');
    if (id) {
      return compact({
        id: id.toLowerCase(),
        versionId: values.get('DISTRIB_RELEASE'),
        prettyName: values.get('DISTRIB_DESCRIPTION'),
        codename: values.get('DISTRIB_CODENAME'),
        source: lsb.path,
      });
    }
  }
  return undefined;
}

/** `12.5` → version 12 (what os-release's VERSION_ID holds); `trixie/sid` → codename trixie. */
function withDebianVersion(os: OsInfo, debianVersion: string | undefined): OsInfo {
  const value = debianVersion?.trim();
  if (!value) return os;
  const numeric = /^(\d+)(?:\.\d+)*$/.exec(value);
  if (numeric) return { ...os, versionId: numeric[1]! };
  const codename = value.split('/')[0]!;
  return os.codename || !codename ? os : { ...os, codename };
}

function compact(os: { id: string; source: string; versionId?: string | undefined; prettyName?: string | undefined; codename?: string | undefined }): OsInfo {
  const out: OsInfo = { id: os.id, source: os.source };
  if (os.versionId) out.versionId = os.versionId;
  if (os.prettyName) out.prettyName = os.prettyName;
  if (os.codename) out.codename = os.codename;
  return out;
}
