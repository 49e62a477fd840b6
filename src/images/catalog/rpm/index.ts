import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import type { CatalogContext, Cataloger, CatalogOutput, CollectedFile, FileEntry, OsInfo, Package } from '../../model.js';
import { distroQualifier, purlOf } from '../purl.js';
import { parseSourceRpm, type RpmHeader } from './header.js';
import { readRpmdbBdb } from './rpmdb-bdb.js';
import { readRpmdbSqlite, type RpmdbRead } from './sqlite.js';

export { parseRpmHeader, parseSourceRpm, RpmHeaderError, TAG, type RpmHeader } from './header.js';
export { bdbHashEntries, BdbError, openBdbHash, type BdbHashEntry, type BdbHashMeta, type PageSource } from './bdb.js';

export const RPM_CATALOGER = 'rpm';
const SQLITE_DATABASES = new Set(['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite', 'usr/share/rpm/rpmdb.sqlite']);
/** Berkeley DB hash databases of rpm < 4.16 (RHEL/CentOS 7–8, Amazon Linux 2). */
const BDB_DATABASES = new Set(['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages']);
/** ndb (SUSE), recognised so that an image using it is reported instead of silently empty. */
const NDB_DATABASES = new Set(['var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages.db']);

/** Installed RPM packages from the rpm SQLite or Berkeley DB database; `tmpDir` is where the database is spilled. */
export function rpmCataloger(options: { tmpDir?: string } = {}): Cataloger<RpmdbRead> {
  return {
    name: RPM_CATALOGER,
    wants: (entry: FileEntry) => SQLITE_DATABASES.has(entry.path) || BDB_DATABASES.has(entry.path) || NDB_DATABASES.has(entry.path),
    read: async (entry: FileEntry, content: Readable) => {
      if (SQLITE_DATABASES.has(entry.path)) return readRpmdbSqlite(entry.path, content, options.tmpDir ?? tmpdir());
      if (BDB_DATABASES.has(entry.path)) return readRpmdbBdb(entry.path, content, options.tmpDir ?? tmpdir());
      content.destroy();
      return { headers: [], notes: [`rpm: rpm database format ndb (${entry.path}) not read; its packages are not listed`] };
    },
    finish: (collected: CollectedFile<RpmdbRead>[], context: CatalogContext) => toOutput(preferSqlite(collected), context),
  };
}

/**
 * An image upgraded to rpm ≥ 4.16 can keep its old `Packages` beside the rpmdb.sqlite rpm now
 * uses: the SQLite database is the live one, the other is reported and ignored.
 */
function preferSqlite(collected: CollectedFile<RpmdbRead>[]): CollectedFile<RpmdbRead>[] {
  const sqlite = collected.find((c) => SQLITE_DATABASES.has(c.entry.path));
  if (!sqlite) return collected;
  return collected.map((c) =>
    BDB_DATABASES.has(c.entry.path)
      ? { entry: c.entry, data: { headers: [], notes: [`rpm: ${c.entry.path} (Berkeley DB) ignored: the SQLite database ${sqlite.entry.path} is used`] } }
      : c,
  );
}

function toOutput(collected: CollectedFile<RpmdbRead>[], context: CatalogContext): CatalogOutput {
  const packages: Package[] = [];
  const notes: string[] = [];
  const ecosystem = rpmEcosystem(context.os);
  for (const { entry, data } of collected) {
    notes.push(...data.notes);
    for (const header of data.headers) {
      const pkg: Package = {
        type: 'rpm',
        name: header.name,
        version: rpmVersion(header),
        purl: rpmPurl(header, context.os),
        locations: [{ path: entry.path, layerIndex: entry.layerIndex, layerDigest: entry.layerDigest }],
      };
      const source = header.sourceRpm ? parseSourceRpm(header.sourceRpm) : undefined;
      if (source) pkg.source = source;
      if (ecosystem) pkg.ecosystem = ecosystem;
      if (header.arch) pkg.arch = header.arch;
      if (header.license) pkg.licenses = [header.license];
      packages.push(pkg);
    }
  }
  return { packages, notes };
}

/** `[epoch:]version-release`, the EVR rpm compares. */
export function rpmVersion(header: RpmHeader): string {
  const vr = `${header.version}-${header.release}`;
  return header.epoch !== undefined ? `${header.epoch}:${vr}` : vr;
}

/** `pkg:rpm/<os>/<name>@<version>-<release>?arch=…&epoch=…&distro=…`, as syft writes it (plus `upstream=<source rpm>`). */
export function rpmPurl(header: RpmHeader, os: OsInfo | undefined): string {
  return purlOf('rpm', os?.id, header.name, `${header.version}-${header.release}`, {
    arch: header.arch,
    epoch: header.epoch !== undefined ? String(header.epoch) : undefined,
    distro: distroQualifier(os),
    upstream: header.sourceRpm,
  });
}

/**
 * OSV ecosystems of RPM distributions (https://ossf.github.io/osv-schema/#defined-ecosystems).
 * Others (Fedora, CentOS, Amazon Linux, Oracle Linux…) have no OSV ecosystem: left undefined.
 * RHEL too: Red Hat's OSV records name a product stream (`Red Hat:enterprise_linux:9::appstream`)
 * that the image does not tell, so a bare `Red Hat` would match nothing and read as "no
 * vulnerabilities"; undefined makes the matcher report RHEL packages as not evaluated instead.
 */
export function rpmEcosystem(os: OsInfo | undefined): string | undefined {
  const version = os?.versionId;
  const major = version ? /^\d+/.exec(version)?.[0] : undefined;
  switch (os?.id) {
    case 'rocky':
      return major ? `Rocky Linux:${major}` : undefined;
    case 'almalinux':
      return major ? `AlmaLinux:${major}` : undefined;
    case 'opensuse-leap':
      return version ? `openSUSE:Leap ${version}` : undefined;
    case 'opensuse-tumbleweed':
      return 'openSUSE:Tumbleweed';
    case 'sles':
      return version ? `SUSE:Linux Enterprise Server ${slesVersion(version)}` : undefined;
    case 'mageia':
      return major ? `Mageia:${major}` : undefined;
    case 'photon':
      return version ? `Photon OS:${version}` : undefined;
    default:
      return undefined;
  }
}

/** SLES VERSION_ID `15.5` is "15 SP5" in OSV; `15` stays `15`. */
function slesVersion(versionId: string): string {
  const [major, servicePack] = versionId.split('.');
  return servicePack && servicePack !== '0' ? `${major} SP${servicePack}` : major!;
}
