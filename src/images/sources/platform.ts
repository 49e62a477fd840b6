import { ImageSourceError } from '../model.js';

// Platform matching as containerd's platforms package does it: architectures normalised
// (x86_64 → amd64, aarch64 → arm64), arm64 defaulting to variant v8 and arm to v7.

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i686: '386', i386: '386' };
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };
const PART = /^[a-z0-9_.-]+$/;

export const DEFAULT_PLATFORM = 'linux/amd64';

/** Parses `os/arch[/variant]`. */
export function parsePlatform(text: string): Platform {
  const parts = text.toLowerCase().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => !PART.test(part))) {
    throw new ImageSourceError(`invalid platform "${text}": expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  return normalisePlatform({ os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) });
}

export function normalisePlatform(platform: Platform): Platform {
  const architecture = ARCH_ALIASES[platform.architecture] ?? platform.architecture;
  let variant = platform.variant || undefined;
  if (architecture === 'arm64' && variant === '8') variant = 'v8';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  return { os: platform.os, architecture, ...(variant ? { variant } : {}) };
}

/** True when `candidate` satisfies `wanted`; a wanted platform without variant accepts the default one. */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  const want = normalisePlatform(wanted);
  const have = normalisePlatform(candidate);
  if (want.os !== have.os || want.architecture !== have.architecture) return false;
  const defaultVariant = DEFAULT_VARIANT[want.architecture];
  const wantVariant = want.variant ?? defaultVariant;
  if (!wantVariant) return true;
  return (have.variant ?? defaultVariant) === wantVariant;
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
