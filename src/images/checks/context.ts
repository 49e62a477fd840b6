import type { NotEvaluated } from '../../core/coverage.js';
import type { Finding } from '../../core/finding.js';
import type { CollectedFile, FileEntry, Package } from '../model.js';
import type { ImageAccounts } from './accounts/index.js';
import type { ImageContentView } from './finding.js';

// What each image check reads and returns.

export interface ImageCheckContext extends ImageContentView {
  files: ReadonlyMap<string, FileEntry>;
  packages: readonly Package[];
  /** Undefined when the accounts cataloger did not run. */
  accounts?: ImageAccounts;
  /** Undefined when the secrets cataloger did not run. */
  secrets?: readonly CollectedFile[];
  now: Date;
  maxAgeDays: number;
}

export interface CheckOutput {
  findings: Finding[];
  notEvaluated: NotEvaluated[];
}

export const nothing = (): CheckOutput => ({ findings: [], notEvaluated: [] });
export const found = (...findings: Finding[]): CheckOutput => ({ findings, notEvaluated: [] });
export const notEvaluated = (checkId: string, reason: string): CheckOutput => ({ findings: [], notEvaluated: [{ target: checkId, reason }] });

/** `usr/bin/su` → `su`. */
export const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
/** `usr/bin/su` → `usr/bin`; `su` → ``. */
export const dirname = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
/** `0o4755` → `4755`. */
export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');
/** Regular files, including hard links to them. */
export const isRegular = (entry: FileEntry): boolean => entry.type === 'file' || entry.type === 'hardlink';
