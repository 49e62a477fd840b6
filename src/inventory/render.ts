import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

export interface HelmOptions {
  values: string[];
  set: string[];
  releaseName?: string;
}

/** Finds an executable on PATH, the way a shell would. */
export async function findOnPath(command: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

export class RenderError extends Error {}

function run(executable: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(executable, args, { maxBuffer: 512 * 1024 * 1024, timeout: 300_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const detail = (stderr || error.message).trim().split('\n').slice(-3).join(' ');
        reject(new RenderError(`${what} failed: ${detail}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Renders a kustomization directory with `kubectl kustomize` (or standalone `kustomize build`). */
export async function renderKustomize(dir: string): Promise<string> {
  const kubectl = await findOnPath('kubectl');
  if (kubectl) return run(kubectl, ['kustomize', dir], 'kubectl kustomize');
  const kustomize = await findOnPath('kustomize');
  if (kustomize) return run(kustomize, ['build', dir], 'kustomize build');
  throw new RenderError('neither kubectl nor kustomize found on PATH');
}

export function helmTemplateArgs(chartDir: string, options: HelmOptions): string[] {
  const args = ['template', options.releaseName ?? 'kubeward', chartDir];
  for (const file of options.values) args.push('--values', file);
  for (const assignment of options.set) args.push('--set', assignment);
  return args;
}

/** Renders a chart with `helm template`; undefined when helm is not installed. */
export async function renderHelm(chartDir: string, options: HelmOptions): Promise<string | undefined> {
  const helm = await findOnPath('helm');
  if (!helm) return undefined;
  return run(helm, helmTemplateArgs(chartDir, options), 'helm template');
}
