import type { Readable } from 'node:stream';
import type { Cataloger, FileEntry } from '../model.js';
import { readLines } from './lines.js';
import { SecretScanner, type SecretMatch } from './scan.js';

// The secrets cataloger: reads every regular file that may hold text and keeps, per file, the
// matches of the secret rules (masked). It contributes no packages.

/** What the cataloger keeps for one file. */
export interface SecretsExtract {
  matches: SecretMatch[];
  /** Matches beyond the per-file cap, not kept. */
  omitted: number;
  /** Lines longer than the line limit, scanned only in their first part. */
  cutLines: number;
}

export interface SecretsCatalogerOptions {
  /** Files larger than this are not read (default 10 MiB). */
  maxFileBytes?: number;
}

export const DEFAULT_SECRET_MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Extensions of files that are never text worth scanning: media, archives, compiled code, fonts. */
const SKIPPED_EXTENSION = new RegExp(
  '\\.(?:png|jpe?g|gif|bmp|ico|icns|webp|tiff?|psd|mp[34]|m4a|ogg|wav|flac|avi|mov|mkv|webm'
  + '|zip|gz|tgz|bz2|tbz2?|xz|txz|zst|lz4|lzma|7z|rar|tar|jar|war|ear|whl|egg|apk|deb|rpm|gem|nupkg'
  + '|so(?:\\.\\d+)*|a|o|ko|dll|exe|dylib|node|wasm|pyc|pyo|pyd|class|dex'
  + '|woff2?|ttf|otf|eot|pfb|pcf|pdf|mo|gmo|db|sqlite3?|bin|dat|img|iso)$',
  'i',
);

/** Trees of documentation, locales, pseudo-filesystems and package-manager databases. */
const SKIPPED_TREES = [
  'usr/share/doc/', 'usr/share/man/', 'usr/share/info/', 'usr/share/locale/', 'usr/share/i18n/', 'usr/share/zoneinfo/',
  'usr/lib/locale/', 'proc/', 'sys/', 'dev/',
  'var/lib/dpkg/', 'var/lib/apt/lists/', 'var/cache/apt/', 'lib/apk/db/', 'var/cache/apk/',
  'var/lib/rpm/', 'usr/lib/sysimage/rpm/', 'var/cache/dnf/', 'var/cache/yum/', 'var/lib/dnf/', 'var/lib/yum/',
];

/** Whether the secrets cataloger reads this file. */
export function wantsForSecrets(entry: FileEntry, maxFileBytes = DEFAULT_SECRET_MAX_FILE_BYTES): boolean {
  if (entry.type !== 'file' || entry.size === 0 || entry.size > maxFileBytes) return false;
  if (SKIPPED_EXTENSION.test(entry.path)) return false;
  return !SKIPPED_TREES.some((tree) => entry.path.startsWith(tree));
}

/** Scans one file's content; undefined for binary files and files without any match. */
export async function scanFileForSecrets(path: string, content: Readable): Promise<SecretsExtract | undefined> {
  const scanner = new SecretScanner(path);
  const read = await readLines(content, (text, lineNo) => scanner.line(text, lineNo));
  if (read.binary) return undefined;
  const matches = scanner.finish();
  if (matches.length === 0) return undefined;
  return { matches, omitted: scanner.omitted, cutLines: read.cutLines };
}

export function secretsCataloger(options: SecretsCatalogerOptions = {}): Cataloger<SecretsExtract> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_SECRET_MAX_FILE_BYTES;
  return {
    name: 'secrets',
    // A secret deleted by a later layer is still in the image: scan every layer's files.
    everyLayer: true,
    wants: (entry) => wantsForSecrets(entry, maxFileBytes),
    read: (entry, content) => scanFileForSecrets(entry.path, content),
    finish: () => ({ packages: [] }),
  };
}
