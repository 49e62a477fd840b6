import { homedir } from 'node:os';
import { join } from 'node:path';

/** kubeward's cache directory: `$XDG_CACHE_HOME/kubeward` (absolute values only, as the XDG spec says), else `~/.cache/kubeward`. */
export function kubewardCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const cache = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(cache, 'kubeward');
}

/** The advisory database's default file, inside the cache directory. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(kubewardCacheDir(env, home), 'db', 'advisories.sqlite');
}
