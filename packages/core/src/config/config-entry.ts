/** Where a configuration value was set. Schema defaults are filled in later by ajv and have no entry. */
export type ConfigSource =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'env'; readonly name: string; readonly text: string; readonly path: readonly string[] }
  | { readonly kind: 'override' };

/** One value at a path inside a plugin's config section, with where it came from. */
export interface ConfigEntry {
  readonly plugin: string;
  readonly path: readonly string[];
  readonly value: unknown;
  readonly source: ConfigSource;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Splits a value into one entry per leaf (arrays and scalars are leaves; an empty object is
 * a leaf too, so that setting `{}` still creates the key). Leaves merge key by key, and each
 * keeps its own source for error messages.
 */
export function flattenToEntries(
  plugin: string,
  path: readonly string[],
  value: unknown,
  source: ConfigSource,
): ConfigEntry[] {
  if (!isPlainObject(value) || Object.keys(value).length === 0) return [{ plugin, path, value, source }];
  return Object.entries(value).flatMap(([key, child]) => flattenToEntries(plugin, [...path, key], child, source));
}

/** `vllm.chatTemplateKwargs.enable_thinking`: how a file or override location is printed. */
export function dottedPath(plugin: string, path: readonly string[]): string {
  return [plugin, ...path].join('.');
}

/** A path as a JSON pointer, the way ajv writes `instancePath`. */
export function jsonPointer(path: readonly string[]): string {
  return path.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
