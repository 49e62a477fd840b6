// The modinfo text cmd/go embeds (runtime/debug.BuildInfo.String format,
// https://pkg.go.dev/runtime/debug#BuildInfo): tab-separated lines
//   path <main package path> | mod <path> <version> [<sum>] | dep <path> <version> [<sum>]
//   => <path> <version> [<sum>] (replaces the module on the line before) | build <key>=<value>

export interface GoModule {
  path: string;
  version: string;
  /** Set when a `=>` line replaced the module: what was required before. */
  replaced?: { path: string; version: string };
}

export interface ModInfo {
  /** The main package's import path (`path` line). */
  mainPackage?: string;
  main?: GoModule;
  deps: GoModule[];
  /** 1-based numbers of lines that did not fit the format. */
  badLines: number[];
}

export function parseModInfo(text: string): ModInfo {
  const info: ModInfo = { deps: [], badLines: [] };
  let last: GoModule | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const fields = line.split('\t');
    switch (fields[0]) {
      case 'path':
        info.mainPackage = fields[1];
        break;
      case 'mod':
      case 'dep': {
        if (!fields[1]) {
          info.badLines.push(i + 1);
          break;
        }
        last = { path: fields[1], version: fields[2] ?? '' };
        if (fields[0] === 'mod') info.main = last;
        else info.deps.push(last);
        break;
      }
      case '=>':
        if (!last || !fields[1]) info.badLines.push(i + 1);
        else applyReplacement(last, fields[1], fields[2] ?? '');
        break;
      case 'build':
        break;
      default:
        info.badLines.push(i + 1);
    }
  }
  return info;
}

function applyReplacement(module: GoModule, path: string, version: string): void {
  module.replaced = { path: module.path, version: module.version };
  module.path = path;
  module.version = version;
}

/**
 * The Go toolchain version as OSV's Go ecosystem versions `stdlib`: `go1.21.5` → `v1.21.5`,
 * `go1.20` → `v1.20.0`, `go1.21rc2` → `v1.21.0-rc.2`; suffixes such as ` X:boringcrypto` are dropped.
 * Development builds (`devel …`) have no release version: undefined.
 */
export function stdlibVersion(goVersion: string): string | undefined {
  const m = GO_VERSION.exec(goVersion);
  if (!m) return undefined;
  const [, major, minor, patch, pre, preNum] = m;
  const core = `v${major}.${minor}.${patch ?? '0'}`;
  return pre ? `${core}-${pre}.${preNum}` : core;
}

const GO_VERSION = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(beta|rc)(\d+))?(?:$|[ +-])/;
