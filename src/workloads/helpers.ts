import { isJsonObject, type ContainerView, type JsonObject, type JsonPath } from '../inventory/index.js';
import type { Violation } from './check.js';

// Small helpers every workload check uses: building violations and wording values.

/** A violation; `value` and `container` are set only when given. */
export function violation(path: JsonPath, detail: string, options: { value?: unknown; container?: ContainerView | string } = {}): Violation {
  const out: Violation = { path, detail };
  if (options.value !== undefined && options.value !== null) out.value = options.value;
  if (options.container !== undefined) out.container = typeof options.container === 'string' ? options.container : options.container.name;
  return out;
}

/** A value as a sentence shows it. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'unset';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const inner = value[key];
  return isJsonObject(inner) ? inner : undefined;
}

/** Entries of an array field that are objects, with their index. */
export function entries(value: unknown): { entry: JsonObject; index: number }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, index) => (isJsonObject(entry) ? [{ entry, index }] : []));
}

/** True when `value` is absent, null or an empty mapping — i.e. says nothing. */
export function isEmptySetting(value: unknown): boolean {
  return value === undefined || value === null || (isJsonObject(value) && Object.keys(value).length === 0);
}
