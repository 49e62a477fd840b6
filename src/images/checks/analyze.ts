import type { NotEvaluated } from '../../core/coverage.js';
import type { Finding } from '../../core/finding.js';
import type { CollectedFile, FileEntry, ImageConfig, Package } from '../model.js';
import { accountsOf } from './accounts/index.js';
import { emptyPasswordAccounts, rootWithoutPassword, sudoNoPasswordAll } from './accounts.js';
import { addFromUrl, imageTooOld, latestTag, noHealthcheck, port22Exposed, sshServer } from './config.js';
import type { CheckOutput, ImageCheckContext } from './context.js';
import { unusualSetuid, worldWritable } from './filesystem.js';
import type { ImageIdentity } from './finding.js';
import { secretsInConfig, secretsInFiles } from './secrets.js';
import { runsAsRoot } from './user.js';

// Runs every image configuration and content check (KW-IMG-001 … KW-IMG-014) on one image.

export interface ImageContentInput {
  image: ImageIdentity;
  config: ImageConfig;
  files: ReadonlyMap<string, FileEntry>;
  packages: Package[];
  /** The accounts cataloger's collected extracts; undefined when it did not run. */
  accounts?: CollectedFile[];
  /** The secrets cataloger's collected extracts; undefined when it did not run. */
  secrets?: CollectedFile[];
  now: Date;
  /** KW-IMG-013's limit; default 365. */
  maxAgeDays?: number;
}

export const DEFAULT_MAX_AGE_DAYS = 365;

const CHECKS: readonly ((ctx: ImageCheckContext) => CheckOutput)[] = [
  runsAsRoot, rootWithoutPassword, emptyPasswordAccounts, unusualSetuid, worldWritable, secretsInFiles, secretsInConfig,
  sshServer, port22Exposed, addFromUrl, latestTag, noHealthcheck, imageTooOld, sudoNoPasswordAll,
];

export function analyzeImageContent(input: ImageContentInput): { findings: Finding[]; notEvaluated: NotEvaluated[] } {
  const ctx: ImageCheckContext = {
    image: input.image,
    config: input.config,
    files: input.files,
    packages: input.packages,
    now: input.now,
    maxAgeDays: input.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
  };
  if (input.accounts) ctx.accounts = accountsOf(input.accounts);
  if (input.secrets) ctx.secrets = input.secrets;
  const outputs = CHECKS.map((check) => check(ctx));
  return { findings: outputs.flatMap((o) => o.findings), notEvaluated: outputs.flatMap((o) => o.notEvaluated) };
}
